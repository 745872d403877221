import { describe, expect, it } from 'vitest';
import { generateSyntheticWorld, syntheticCorpus } from '../src/synthetic/index';

// Real sizes, not mocks: the BM25 benchmark builds on the million-passage world.
describe('synthetic world at scale', () => {
  it('produces a million passages with unique ids and titles, and questions grounded in them', () => {
    const world = generateSyntheticWorld({ passages: 1_000_000, questions: 300 });
    expect(world.corpus.length).toBeGreaterThanOrEqual(1_000_000);
    expect(world.corpus[999_999]?.id).toBe('syn-999999');
    // Ids are the positions, so they are unique; titles are checked unique as the world is built.
    const misplaced = world.corpus.findIndex((p, i) => p.id !== `syn-${String(i).padStart(6, '0')}`);
    expect(misplaced).toBe(-1);
    const missing = world.questions.flatMap((q) =>
      q.evidence.filter((f) => {
        const p = world.corpus[Number(f.passageId!.slice(4))];
        return p?.title !== f.passageTitle || !p.text.includes(f.text);
      }),
    );
    expect(missing).toEqual([]);
    expect(world.questions).toHaveLength(300);
  }, 300_000);

  it('renders the same corpus lazily, passage by passage', () => {
    const options = { seed: 5, passages: 100_000 };
    const eager = generateSyntheticWorld({ ...options, questions: 20 }).corpus;
    const lazy = syntheticCorpus(options);
    expect(lazy.size).toBe(100_000);
    for (const i of [0, 1, 4_999, 50_000, 99_999]) expect(lazy.passage(i)).toEqual(eager[i]);
    let n = 0;
    for (const p of lazy) {
      if (p.text !== eager[n]?.text) throw new Error(`passage ${n} differs`);
      n++;
    }
    expect(n).toBe(100_000);
  }, 120_000);
});
