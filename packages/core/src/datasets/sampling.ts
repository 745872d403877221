import type { Question, SampleRecord } from '../types/data';
import { Rng } from '../util/rng';

/** The paper's protocol: 50,000 training questions; 500 validation and 500 test from dev. */
export const PAPER_SAMPLE_SIZES = { train: 50_000, validation: 500, test: 500 } as const;

export interface Sample {
  questions: Question[];
  record: SampleRecord;
}

export interface SampleOptions {
  seed: number;
  /** How many to draw; all when the source has fewer. */
  size: number;
  /** 'train', 'validation', 'test', …: 'test' draws from the far end of the seeded order. */
  split: string;
  /** Which file or set the questions came from, e.g. "hotpotqa/hotpot_dev_distractor_v1.json". */
  source: string;
}

/**
 * Indices of the draw: the source is shuffled with the seed (mulberry32, util/rng) and a split
 * takes the first `size` of that order, except 'test', which takes the last `size`. So validation
 * and test drawn from the same dev set with the same seed never overlap (while they fit), and each
 * record alone re-draws its set. Returned in source order.
 */
function drawIndices(sourceSize: number, seed: number, size: number, split: string): number[] {
  const order = new Rng(seed).shuffle(Array.from({ length: sourceSize }, (_, i) => i));
  const picked = split === 'test' ? order.slice(sourceSize - size) : order.slice(0, size);
  return picked.sort((a, b) => a - b);
}

/** A seeded subset of questions and the record that re-draws it. */
export function sampleQuestions(questions: readonly Question[], options: SampleOptions): Sample {
  if (!Number.isInteger(options.seed))
    throw new Error(`sampleQuestions: seed must be an integer, got ${options.seed}`);
  if (!Number.isInteger(options.size) || options.size < 0) {
    throw new Error(`sampleQuestions: size must be a non-negative integer, got ${options.size}`);
  }
  const size = Math.min(options.size, questions.length);
  const indices = drawIndices(questions.length, options.seed, size, options.split);
  return {
    questions: indices.map((i) => questions[i] as Question),
    record: {
      seed: options.seed,
      source: options.source,
      sourceSize: questions.length,
      size,
      split: options.split,
    },
  };
}

/** The same subset again, from the same source questions in the same order. */
export function redrawSample(questions: readonly Question[], record: SampleRecord): Question[] {
  if (questions.length !== record.sourceSize) {
    throw new Error(
      `redrawSample: the record was drawn from ${record.sourceSize} questions of "${record.source}", but ${questions.length} were given. Load the same file, unfiltered.`,
    );
  }
  return drawIndices(record.sourceSize, record.seed, record.size, record.split).map(
    (i) => questions[i] as Question,
  );
}

export interface PaperSplits {
  train: Sample;
  validation: Sample;
  test: Sample;
}

/**
 * The paper's protocol: `sizes.train` (50,000) questions from the training file (all when fewer,
 * as for MuSiQue), and disjoint validation (500) and test (500) sets from the dev file.
 */
export function samplePaperSplits(options: {
  train: readonly Question[];
  dev: readonly Question[];
  seed: number;
  trainSource: string;
  devSource: string;
  sizes?: { train: number; validation: number; test: number };
}): PaperSplits {
  const sizes = options.sizes ?? PAPER_SAMPLE_SIZES;
  const { seed, dev } = options;
  const validation = sampleQuestions(dev, {
    seed,
    size: sizes.validation,
    split: 'validation',
    source: options.devSource,
  });
  // Whatever validation leaves: test never overlaps it, even on a dev set under 1,000 questions.
  const testSize = Math.min(sizes.test, dev.length - validation.record.size);
  return {
    train: sampleQuestions(options.train, {
      seed,
      size: sizes.train,
      split: 'train',
      source: options.trainSource,
    }),
    validation,
    test: sampleQuestions(dev, { seed, size: testSize, split: 'test', source: options.devSource }),
  };
}
