import { describe, expect, it } from 'vitest';
import { Rng } from '../src/util/rng';

describe('Rng', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    const a = Array.from({ length: 5 }, (_, i) => new Rng(42).int(1000) + i);
    const b = Array.from({ length: 5 }, (_, i) => new Rng(42).int(1000) + i);
    expect(a).toEqual(b);
    expect(new Rng(1).next()).not.toEqual(new Rng(2).next());
  });
  it('shuffle is a permutation and sample picks distinct items', () => {
    const items = Array.from({ length: 50 }, (_, i) => i);
    const s = new Rng(7).shuffle(items);
    expect([...s].sort((x, y) => x - y)).toEqual(items);
    expect(s).not.toEqual(items);
    expect(new Set(new Rng(7).sample(items, 10)).size).toBe(10);
  });
  it('pick on an empty list fails loudly', () => {
    expect(() => new Rng(1).pick([])).toThrow(/empty/);
  });
});
