import { renderCorpus } from './corpus';
import { buildWorldGraph } from './graph';
import { resolveSyntheticOptions } from './options';
import { generateQuestions } from './questions';
import type { SyntheticWorld, SyntheticWorldOptions } from './types';

/**
 * A seeded fictional encyclopedia (one passage per person, film, place or organisation) and
 * 2- to 4-hop questions over it with ordered gold evidence. Same options, same world, on any
 * host. The corpus does not depend on `questions`.
 */
export function generateSyntheticWorld(options: SyntheticWorldOptions = {}): SyntheticWorld {
  const resolved = resolveSyntheticOptions(options);
  const g = buildWorldGraph(resolved.seed, resolved.passages, resolved.style);
  const corpus = renderCorpus(g);
  const { questions, splits } = generateQuestions(g, resolved.questions, resolved.passages);
  return { seed: resolved.seed, options: resolved, corpus, questions, splits };
}
