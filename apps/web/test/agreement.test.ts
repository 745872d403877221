import { describe, expect, it } from 'vitest';
import { allPairs, disagreements, pairAgreement, type Verdict } from '../src/lib/agreement';

const v = (annotator: string, exampleId: string, status: string): Verdict => ({
  annotator,
  exampleId,
  status,
});

describe('annotator agreement', () => {
  it("computes observed agreement and Cohen's κ on shared examples", () => {
    // 4 shared: a = [acc, acc, rej, rej], b = [acc, rej, rej, rej]; observed 3/4.
    // p_e = P(acc)·P(acc) + P(rej)·P(rej) = 0.5·0.25 + 0.5·0.75 = 0.5 → κ = (0.75 − 0.5)/(1 − 0.5) = 0.5
    const verdicts = [
      v('a', 'e1', 'accepted'),
      v('a', 'e2', 'accepted'),
      v('a', 'e3', 'rejected'),
      v('a', 'e4', 'rejected'),
      v('a', 'e5', 'accepted'),
      v('b', 'e1', 'accepted'),
      v('b', 'e2', 'rejected'),
      v('b', 'e3', 'rejected'),
      v('b', 'e4', 'rejected'),
    ];
    const p = pairAgreement(verdicts, 'a', 'b');
    expect(p.shared).toBe(4);
    expect(p.observed).toBeCloseTo(0.75);
    expect(p.kappa).toBeCloseTo(0.5);
    expect(disagreements(verdicts).map((d) => d.exampleId)).toEqual(['e2']);
  });

  it('leaves κ undefined when agreement by chance is certain, and pairs with nothing shared empty', () => {
    const same = [v('a', 'e1', 'accepted'), v('b', 'e1', 'accepted')];
    expect(pairAgreement(same, 'a', 'b').kappa).toBeNull();
    const apart = [v('a', 'e1', 'accepted'), v('b', 'e2', 'accepted'), v('c', 'e3', 'edited')];
    expect(allPairs(apart).map((p) => [p.a, p.b, p.shared, p.observed])).toEqual([
      ['a', 'b', 0, null],
      ['a', 'c', 0, null],
      ['b', 'c', 0, null],
    ]);
  });
});
