/**
 * The benchmark's corpus and queries: the synthetic world of packages/core, and as queries its
 * questions plus sentences sampled from passages (what IRCoT sends as step queries), drawn with
 * a fixed seed.
 */
import { generateSyntheticWorld } from '../../packages/core/src/synthetic/index';
import type { Passage } from '../../packages/core/src/types/data';
import { Rng } from '../../packages/core/src/util/rng';

export interface BenchCorpus {
  source: string;
  corpus: Passage[];
  queries: string[];
}

export function benchCorpus(seed: number, passages: number, nQueries: number): BenchCorpus {
  const world = generateSyntheticWorld({ seed, passages });
  const questions = world.questions.map((q) => q.question);
  const rng = new Rng(seed + 1);
  const queries = rng.sample(questions, Math.floor(nQueries / 2));
  while (queries.length < nQueries) {
    const sentences = rng
      .pick(world.corpus)
      .text.split(/(?<=[.!?])\s+/)
      .filter((s) => s.length > 0);
    if (sentences.length > 0) queries.push(rng.pick(sentences));
  }
  return { source: `synthetic world, seed ${seed}`, corpus: world.corpus, queries };
}
