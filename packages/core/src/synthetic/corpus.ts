import type { Passage } from '../types/data';
import { buildWorldGraph, type WorldGraph } from './graph';
import { resolveSyntheticOptions } from './options';
import { passageId, passageText } from './render';
import type { SyntheticWorldOptions } from './types';

/**
 * The corpus of a synthetic world rendered on demand: the world graph costs about 100 bytes an
 * entity, a rendered passage about 300, so a consumer that streams (a BM25 index build over a
 * million passages) never needs every text in memory at once.
 */
export interface SyntheticCorpus extends Iterable<Passage> {
  readonly size: number;
  /** The passage at corpus position `index` (its id is "syn-" + the zero-padded index). */
  passage(index: number): Passage;
}

/** Every passage, rendered now. Entity order rather than corpus order: each passage's own facts sit together in memory. */
export function renderCorpus(g: WorldGraph): Passage[] {
  const corpus = new Array<Passage>(g.size);
  for (let e = 0; e < g.size; e++) {
    const index = g.passageOf[e]!;
    corpus[index] = { id: passageId(index), title: g.names[e]!, text: passageText(g, e) };
  }
  return corpus;
}

export function corpusOf(g: WorldGraph): SyntheticCorpus {
  const passage = (index: number): Passage => {
    if (!Number.isInteger(index) || index < 0 || index >= g.size) {
      throw new RangeError(`synthetic corpus: index ${index} is outside [0, ${g.size})`);
    }
    const e = g.order[index]!;
    return { id: passageId(index), title: g.names[e]!, text: passageText(g, e) };
  };
  return {
    size: g.size,
    passage,
    *[Symbol.iterator]() {
      for (let i = 0; i < g.size; i++) yield passage(i);
    },
  };
}

/** The same corpus `generateSyntheticWorld` returns for these options, without its questions, rendered lazily. */
export function syntheticCorpus(options: Omit<SyntheticWorldOptions, 'questions'> = {}): SyntheticCorpus {
  const { seed, passages, style } = resolveSyntheticOptions(options);
  return corpusOf(buildWorldGraph(seed, passages, style));
}
