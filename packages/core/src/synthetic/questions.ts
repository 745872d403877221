import type { Question } from '../types/data';
import { Rng } from '../util/rng';
import { chainPatterns, drawChain, drawInference } from './chains';
import { BRIDGE_COMPARISONS, COMPARISONS, ComparisonDrawer } from './comparisons';
import { type Draft, SPLIT_SHARES } from './draft';
import type { WorldGraph } from './graph';
import { hash3 } from './hash';
import { SPLIT_NAMES, type SplitName, type SyntheticQuestionType } from './types';

/** The mix of questions, by type and number of hops (as in 2Wiki: comparisons are frequent). */
const SLOTS: { type: SyntheticQuestionType; hops: number; share: number }[] = [
  { type: 'compositional', hops: 2, share: 0.2 },
  { type: 'inference', hops: 2, share: 0.1 },
  { type: 'bridge', hops: 3, share: 0.15 },
  { type: 'bridge', hops: 4, share: 0.15 },
  { type: 'comparison', hops: 2, share: 0.2 },
  { type: 'bridge_comparison', hops: 4, share: 0.2 },
];

/** Draws in a row without a new question before the world is declared too small for the request. */
const MAX_MISSES = 5000;

/** Largest-remainder apportionment of `total` by `shares`. */
function apportion(total: number, shares: readonly number[]): number[] {
  const sum = shares.reduce((s, x) => s + x, 0);
  const exact = shares.map((s) => (total * s) / sum);
  const out = exact.map(Math.floor);
  let left = total - out.reduce((s, x) => s + x, 0);
  const byRemainder = exact
    .map((x, i) => [x - Math.floor(x), i] as const)
    .sort((p, q) => q[0] - p[0] || p[1] - q[1]);
  for (const [, i] of byRemainder) {
    if (left-- <= 0) break;
    out[i] = (out[i] ?? 0) + 1;
  }
  return out;
}

export interface GeneratedQuestions {
  questions: Question[];
  splits: Record<SplitName, string[]>;
}

/** `count` distinct questions over the world, split train/dev/test by root entity. */
export function generateQuestions(g: WorldGraph, count: number, passages: number): GeneratedQuestions {
  const rng = new Rng(hash3(g.seed, 0x9e, 2));
  const patterns = new Map([2, 3, 4].map((h) => [h, chainPatterns(h)]));
  const comparisons = new ComparisonDrawer(g, rng);
  const seen = new Set<string>();
  /** Accepted comparisons per split and kind: alternates yes/no and the answer's position within each. */
  const turns = new Map<string, number>();
  const drafts: { split: SplitName; draft: Draft }[] = [];
  const perSplit = apportion(
    count,
    SPLIT_NAMES.map((s) => SPLIT_SHARES[s]),
  );

  function draw(
    type: SyntheticQuestionType,
    hops: number,
    split: SplitName,
  ): { draft: Draft | null; turn?: string } {
    switch (type) {
      case 'compositional':
      case 'bridge':
        return { draft: drawChain(g, rng, patterns.get(hops)!, type, split) };
      case 'inference':
        return { draft: drawInference(g, rng, split) };
      case 'comparison':
      case 'bridge_comparison': {
        const spec = rng.pick(type === 'comparison' ? COMPARISONS : BRIDGE_COMPARISONS);
        const turn = `${split}/${spec.id}`;
        return { draft: comparisons.draw(spec, split, turns.get(turn) ?? 0), turn };
      }
    }
  }

  SPLIT_NAMES.forEach((split, si) => {
    const quotas = apportion(
      perSplit[si] ?? 0,
      SLOTS.map((s) => s.share),
    );
    SLOTS.forEach((slot, i) => {
      const quota = quotas[i] ?? 0;
      let made = 0;
      let misses = 0;
      while (made < quota) {
        if (misses >= MAX_MISSES) {
          throw new Error(
            `synthetic world: found only ${made} of ${quota} distinct ${slot.hops}-hop ${slot.type} questions ` +
              `for the ${split} split in a world of ${passages} passages; lower "questions" or raise "passages"`,
          );
        }
        const { draft, turn } = draw(slot.type, slot.hops, split);
        if (draft === null || seen.has(draft.key)) {
          misses++;
          continue;
        }
        seen.add(draft.key);
        drafts.push({ split, draft });
        if (turn !== undefined) turns.set(turn, (turns.get(turn) ?? 0) + 1);
        made++;
        misses = 0;
      }
    });
  });

  const shuffled = rng.shuffle(drafts);
  const splits: Record<SplitName, string[]> = { train: [], dev: [], test: [] };
  const questions = shuffled.map(({ split, draft }, i): Question => {
    const id = `synq-${String(i).padStart(6, '0')}`;
    splits[split].push(id);
    const titles = [...new Set(draft.evidence.map((f) => f.passageTitle))];
    const ids = [...new Set(draft.evidence.map((f) => f.passageId!))];
    return {
      id,
      dataset: 'synthetic',
      question: draft.question,
      answers: draft.answers,
      type: draft.type,
      hops: draft.evidence.length,
      evidence: draft.evidence,
      goldTitles: titles,
      goldPassageIds: ids,
      meta: draft.meta,
    };
  });
  return { questions, splits };
}
