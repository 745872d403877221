import {
  Bm25Index,
  generateSyntheticWorld,
  Rng,
  renderChain,
  renderStudentPrompt,
  type StepExample,
  type SyntheticStyle,
} from '@steper/core';

/** The reading warm start: single-hop questions over a world of another seed (presets.ts `reading`). */
export interface ReadingSettings {
  /** Seed of the warm start's world: never the experiment's own, so no test fact is taught. */
  worldSeed: number;
  style?: SyntheticStyle | undefined;
  passages: number;
  questions: number;
  /** Passages retrieved for each single-hop question (the loop's K). */
  topK: number;
  epochs: number;
  batchSize: number;
  lr: number;
  maxSeqLen: number;
}

/**
 * Rows that teach reading, not chaining: a single-hop question ("Who directed X?") over the top-K
 * BM25 passages, in the student prompt, and as target the one fact sentence that answers it and
 * the answer ("X was directed by Y. So the answer is: Y"). Facts are the single hops of another
 * world's questions, so every student objective starts from the same reader and no fact of the
 * experiment's world is seen. Passages are shuffled: the answer's passage is not always first,
 * as in the loop's later steps.
 */
export function readingRows(settings: ReadingSettings): StepExample[] {
  const world = generateSyntheticWorld({
    seed: settings.worldSeed,
    passages: settings.passages,
    questions: settings.questions,
    ...(settings.style ? { style: settings.style } : {}),
  });
  const index = Bm25Index.build(world.corpus);
  const byId = new Map(world.corpus.map((p) => [p.id, p]));
  const rng = new Rng(settings.worldSeed);
  const seen = new Set<string>();
  const rows: StepExample[] = [];
  for (const q of world.questions) {
    for (const fact of q.evidence) {
      if (!fact.subQuestion || !fact.answer || seen.has(fact.text)) continue;
      seen.add(fact.text);
      const hits = index.search(fact.subQuestion, settings.topK).map((h) => byId.get(h.id)!);
      const passages = rng.shuffle(hits);
      const id = `reading-${rows.length}`;
      rows.push({
        id,
        questionId: id,
        stage: 'agg',
        step: 1,
        loop: 'ircot',
        prompt: renderStudentPrompt('ircot', fact.subQuestion, passages),
        target: renderChain('ircot', [fact.text], fact.answer),
        knownPrefix: '',
        passageIds: passages.map((p) => p.id),
      });
    }
  }
  return rng.shuffle(rows);
}
