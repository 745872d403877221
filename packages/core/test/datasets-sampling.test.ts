import { describe, expect, it } from 'vitest';
import {
  PAPER_SAMPLE_SIZES,
  redrawSample,
  samplePaperSplits,
  sampleQuestions,
} from '../src/datasets/sampling';
import { type Question, SampleRecordSchema } from '../src/types/data';

const make = (n: number, prefix: string): Question[] =>
  Array.from({ length: n }, (_, i) => ({
    id: `${prefix}${i}`,
    dataset: 'synthetic',
    question: `Question ${i}?`,
    answers: [`a${i}`],
    evidence: [],
    goldTitles: [],
    goldPassageIds: [],
  }));
const ids = (qs: readonly Question[]) => qs.map((q) => q.id);

describe('sampleQuestions', () => {
  const pool = make(200, 'q');

  it('is deterministic for a seed, differs across seeds, and records how it was drawn', () => {
    const a = sampleQuestions(pool, { seed: 13370, size: 20, split: 'validation', source: 'dev.json' });
    const b = sampleQuestions(pool, { seed: 13370, size: 20, split: 'validation', source: 'dev.json' });
    const c = sampleQuestions(pool, { seed: 1, size: 20, split: 'validation', source: 'dev.json' });
    expect(ids(a.questions)).toEqual(ids(b.questions));
    expect(ids(a.questions)).not.toEqual(ids(c.questions));
    expect(new Set(ids(a.questions)).size).toBe(20);
    expect(a.record).toEqual({
      seed: 13370,
      source: 'dev.json',
      sourceSize: 200,
      size: 20,
      split: 'validation',
    });
    expect(SampleRecordSchema.parse(a.record)).toEqual(a.record);
  });

  it('returns the sample in source order, and all questions when fewer than asked', () => {
    const { questions } = sampleQuestions(pool, { seed: 5, size: 30, split: 'train', source: 's' });
    const positions = questions.map((q) => pool.indexOf(q));
    expect(positions).toEqual([...positions].sort((x, y) => x - y));
    const all = sampleQuestions(pool.slice(0, 12), { seed: 5, size: 50_000, split: 'train', source: 's' });
    expect(ids(all.questions)).toEqual(ids(pool.slice(0, 12)));
    expect(all.record.size).toBe(12);
  });

  it('re-draws the same set from its record, and refuses a different source', () => {
    const { questions, record } = sampleQuestions(pool, {
      seed: 42,
      size: 25,
      split: 'test',
      source: 'dev.json',
    });
    expect(ids(redrawSample(pool, JSON.parse(JSON.stringify(record))))).toEqual(ids(questions));
    expect(() => redrawSample(pool.slice(1), record)).toThrow(
      /drawn from 200 questions of "dev.json", but 199/,
    );
  });

  it('refuses a bad seed or size', () => {
    expect(() => sampleQuestions(pool, { seed: 0.5, size: 1, split: 'x', source: 's' })).toThrow(/seed/);
    expect(() => sampleQuestions(pool, { seed: 1, size: -1, split: 'x', source: 's' })).toThrow(/size/);
  });
});

describe("the paper's protocol", () => {
  it('uses 50,000 / 500 / 500', () => {
    expect(PAPER_SAMPLE_SIZES).toEqual({ train: 50_000, validation: 500, test: 500 });
  });

  it('draws train from train and disjoint validation and test from dev; each record re-draws its set', () => {
    const train = make(300, 't');
    const dev = make(1500, 'd');
    const splits = samplePaperSplits({
      train,
      dev,
      seed: 7,
      trainSource: 'train.json',
      devSource: 'dev.json',
    });
    expect(splits.train.questions).toHaveLength(300);
    expect(splits.validation.questions).toHaveLength(500);
    expect(splits.test.questions).toHaveLength(500);
    const validation = new Set(ids(splits.validation.questions));
    expect(ids(splits.test.questions).filter((id) => validation.has(id))).toEqual([]);
    expect(ids(redrawSample(dev, splits.test.record))).toEqual(ids(splits.test.questions));
    expect(ids(redrawSample(dev, splits.validation.record))).toEqual(ids(splits.validation.questions));
    expect(splits.test.record).toMatchObject({
      split: 'test',
      source: 'dev.json',
      sourceSize: 1500,
      size: 500,
    });
  });

  it('on a small dev set, test gets what validation leaves, still disjoint', () => {
    const dev = make(700, 'd');
    const splits = samplePaperSplits({ train: [], dev, seed: 3, trainSource: 'a', devSource: 'b' });
    expect(splits.validation.record.size).toBe(500);
    expect(splits.test.record.size).toBe(200);
    const all = new Set([...ids(splits.validation.questions), ...ids(splits.test.questions)]);
    expect(all.size).toBe(700);
  });
});
