import { describe, expect, it } from 'vitest';
import { DEMO_WORLD, demoWorld, ensureDemo } from '../src/demo/demo';
import { testWorkbench } from './support/workspace';

describe('the embedded default world', () => {
  it('is the standard preset’s when no world is named; a world named by size keeps the presets’ reading', () => {
    expect(demoWorld({})).toEqual({ seed: 42, passages: 3000, questions: 12_000, style: 'plain', topK: 2 });
    expect(demoWorld({ onProgress: () => {} })).toEqual(DEMO_WORLD);
    // experiment/world.ts checks an unnamed style as paraphrased and an unnamed K as 4.
    expect(demoWorld({ seed: 7, passages: 300, questions: 60 })).toEqual({
      seed: 7,
      passages: 300,
      questions: 60,
      style: 'paraphrased',
      topK: 4,
    });
    expect(demoWorld({ seed: 42, passages: 3000, questions: 12_000, style: 'plain', topK: 2 })).toEqual(
      DEMO_WORLD,
    );
  });

  it('is built as asked: a world named by size keeps the paraphrased wording and K = 4', async () => {
    const wb = testWorkbench();
    const demo = await ensureDemo(wb, { seed: 7, passages: 300, questions: 60 });
    expect(demo.topK).toBe(4);
    expect(wb.store.corpora.require(demo.corpusId).source).toMatchObject({
      synthetic: { seed: 7, passages: 300, questions: 60, style: 'paraphrased' },
    });
    const plain = await ensureDemo(testWorkbench(), {
      seed: 7,
      passages: 300,
      questions: 60,
      style: 'plain',
      topK: 2,
    });
    expect(plain.topK).toBe(2);
  });

  it('with no world named, builds the standard preset’s: plain, 12,000 questions, step data retrieved with K = 2', async () => {
    const wb = testWorkbench();
    const demo = await ensureDemo(wb);
    expect(demo.topK).toBe(2);
    expect(wb.store.corpora.require(demo.corpusId).source).toEqual({
      synthetic: { seed: 42, passages: 3000, questions: 12_000, style: 'plain' },
    });
    expect(demo.counts.kept).toBeGreaterThan(1000);
  }, 300_000);
});
