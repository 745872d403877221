import { describe, expect, it } from 'vitest';
import {
  binomialHalfCdf,
  binomialHalfTwoSided,
  bootstrapMeanCI,
  chiSquare1UpperTail,
  compareStudents,
  erfc,
  mcnemar,
  metricValues,
  normalUpperTail,
  pairedBootstrap,
  quantileSorted,
  Rng,
  scoreIntervals,
  signTest,
  type TraceScore,
} from '../src';

function normalSample(rng: Rng, n: number, mu: number, sigma: number): number[] {
  const out: number[] = [];
  while (out.length < n) {
    // Box–Muller from the seeded generator.
    const u = 1 - rng.next();
    const v = rng.next();
    out.push(mu + sigma * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v));
  }
  return out;
}

function row(questionId: string, em: number, f1: number, acc: number): TraceScore {
  return {
    questionId,
    prediction: '',
    em,
    f1,
    acc,
    accWholeGeneration: acc,
    recall: null,
    duplicativeness: 0,
    retrievalSteps: 0,
    totalMs: 100,
    failed: false,
  };
}

describe('distribution functions', () => {
  it('erfc and the normal tail match tabulated values', () => {
    expect(erfc(0)).toBeCloseTo(1, 7);
    expect(erfc(1)).toBeCloseTo(0.157299207, 7);
    expect(erfc(-1)).toBeCloseTo(1.842700793, 7);
    expect(normalUpperTail(1.959963985)).toBeCloseTo(0.025, 6);
    // χ²(1) critical value at α = 0.05.
    expect(chiSquare1UpperTail(3.841458821)).toBeCloseTo(0.05, 6);
    expect(chiSquare1UpperTail(0)).toBe(1);
  });

  it('the binomial(n, 1/2) cdf is exact, also where 0.5^n underflows', () => {
    expect(binomialHalfCdf(2, 12)).toBeCloseTo(79 / 4096, 12);
    expect(binomialHalfCdf(12, 12)).toBe(1);
    expect(binomialHalfCdf(-1, 12)).toBe(0);
    // Symmetry: P(X ≤ 999) for n = 2000 is (1 − P(X = 1000)) / 2, and P(X = 1000) ≈ 1/√(1000π).
    const central = 1 / Math.sqrt(1000 * Math.PI);
    expect(binomialHalfCdf(999, 2000)).toBeCloseTo((1 - central) / 2, 4);
    expect(binomialHalfTwoSided(6, 12)).toBe(1);
    expect(binomialHalfTwoSided(0, 0)).toBe(1);
  });

  it('quantiles interpolate like numpy (type 7)', () => {
    expect(quantileSorted([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantileSorted([1, 2, 3, 4], 0.025)).toBeCloseTo(1.075, 12);
    expect(quantileSorted([5], 0.975)).toBe(5);
  });
});

describe('bootstrapMeanCI', () => {
  it('constant data gives a zero-width interval at the constant', () => {
    const ci = bootstrapMeanCI(Array(40).fill(0.7));
    expect(ci.ci[1] - ci.ci[0]).toBe(0);
    expect(ci.ci[0]).toBeCloseTo(0.7, 12);
    expect(ci.mean).toBeCloseTo(0.7, 12);
    expect(ci.n).toBe(40);
  });

  it('is reproducible from its seed and changes with it', () => {
    const values = normalSample(new Rng(3), 60, 0, 1);
    const a = bootstrapMeanCI(values, { seed: 11, resamples: 1000 });
    const b = bootstrapMeanCI(values, { seed: 11, resamples: 1000 });
    const c = bootstrapMeanCI(values, { seed: 12, resamples: 1000 });
    expect(a).toEqual(b);
    expect(c.ci).not.toEqual(a.ci);
    expect(a.resamples).toBe(1000);
    expect(a.method).toBe('percentile bootstrap');
  });

  it('brackets the mean, and its width is close to 2·1.96·s/√n', () => {
    const values = normalSample(new Rng(5), 400, 10, 2);
    const { mean, ci } = bootstrapMeanCI(values);
    expect(ci[0]).toBeLessThan(mean);
    expect(ci[1]).toBeGreaterThan(mean);
    const sd = Math.sqrt(values.reduce((s, x) => s + (x - mean) ** 2, 0) / (values.length - 1));
    const normalWidth = (2 * 1.96 * sd) / Math.sqrt(values.length);
    expect((ci[1] - ci[0]) / normalWidth).toBeGreaterThan(0.9);
    expect((ci[1] - ci[0]) / normalWidth).toBeLessThan(1.1);
  });

  it('covers the true mean about 95% of the time on simulated normal samples', () => {
    const rng = new Rng(2024);
    const trials = 200;
    let covered = 0;
    for (let t = 0; t < trials; t++) {
      const sample = normalSample(rng, 50, 3, 1.5);
      const { ci } = bootstrapMeanCI(sample, { resamples: 500, seed: t });
      if (ci[0] <= 3 && 3 <= ci[1]) covered++;
    }
    // Binomial(200, 0.95) has sd ≈ 3.1; the percentile bootstrap runs slightly short at n = 50.
    expect(covered / trials).toBeGreaterThan(0.88);
    expect(covered / trials).toBeLessThanOrEqual(0.99);
  });

  it('rejects empty samples, non-finite values and bad options with clear errors', () => {
    expect(() => bootstrapMeanCI([])).toThrow(/no values/);
    expect(() => bootstrapMeanCI([1, Number.NaN])).toThrow(/value #1 is NaN/);
    expect(() => bootstrapMeanCI([1, 2], { resamples: 0 })).toThrow(/resamples must be a positive integer/);
    expect(() => bootstrapMeanCI([1, 2], { confidence: 95 })).toThrow(/confidence must be in \(0, 1\)/);
  });
});

describe('paired tests', () => {
  it('identical students: diff 0, zero-width interval, p = 1', () => {
    const a = normalSample(new Rng(8), 100, 0.5, 0.2);
    const test = pairedBootstrap(a, a.slice());
    expect(test.diff).toBe(0);
    expect(test.ci).toEqual([0, 0]);
    expect(test.pValue).toBe(1);
    expect(test.n).toBe(100);
    expect(signTest(a, a.slice()).pValue).toBe(1);
  });

  it('a clear difference: p < 0.01 and an interval away from 0', () => {
    const rng = new Rng(9);
    const b = normalSample(rng, 80, 0.4, 0.1);
    const a = b.map((x, i) => x + 0.1 + 0.05 * Math.sin(i));
    const test = pairedBootstrap(a, b, { resamples: 2000 });
    expect(test.diff).toBeGreaterThan(0.09);
    expect(test.pValue).toBeLessThan(0.01);
    expect(test.pValue).toBeCloseTo(1 / 2001, 10);
    expect(test.ci![0]).toBeGreaterThan(0);
    expect(signTest(a, b).pValue).toBeLessThan(1e-6);
  });

  it('noise alone: a large p and an interval containing 0', () => {
    const rng = new Rng(10);
    const a = normalSample(rng, 200, 0, 1);
    const b = normalSample(rng, 200, 0, 1);
    const test = pairedBootstrap(a, b);
    expect(test.pValue).toBeGreaterThan(0.05);
    expect(test.ci![0]).toBeLessThan(0);
    expect(test.ci![1]).toBeGreaterThan(0);
  });

  it('the sign test matches a hand computation, exact and normal', () => {
    // 9 wins, 2 losses, 1 tie: exact p = 2·P(X ≤ 2 | n = 11) = 2·67/2048.
    const a = [1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0.5];
    const b = [0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0.5];
    const exact = signTest(a, b);
    expect(exact.n).toBe(11);
    expect(exact.pValue).toBeCloseTo(134 / 2048, 12);
    expect(exact.method).toBe('sign test (exact binomial)');
    // z = (|9 − 5.5| − 0.5) / √(11/4) = 1.80907; p = 2·(1 − Φ(z)) = 0.07044.
    expect(signTest(a, b, { method: 'normal' }).pValue).toBeCloseTo(0.07044, 4);
  });

  it('McNemar on a hand-computed table', () => {
    // 30 questions: both right 12, A only 10, B only 2, both wrong 6.
    const a = [...Array(12).fill(1), ...Array(10).fill(1), ...Array(2).fill(0), ...Array(6).fill(0)];
    const b = [...Array(12).fill(1), ...Array(10).fill(0), ...Array(2).fill(1), ...Array(6).fill(0)];
    const exact = mcnemar(a, b);
    expect(exact.aOnly).toBe(10);
    expect(exact.bOnly).toBe(2);
    expect(exact.n).toBe(12);
    expect(exact.diff).toBeCloseTo(8 / 30, 12);
    // Exact: 2·P(X ≤ 2 | n = 12) = 2·(1 + 12 + 66)/4096.
    expect(exact.pValue).toBeCloseTo(158 / 4096, 12);
    expect(exact.method).toBe('McNemar (exact binomial)');
    // χ² = (|10 − 2| − 1)² / 12 = 49/12, p = 0.04331.
    expect(exact.statistic).toBeCloseTo(49 / 12, 12);
    const chi = mcnemar(a, b, { method: 'chi-square' });
    expect(chi.pValue).toBeCloseTo(0.04331, 4);
    expect(chi.method).toBe('McNemar (χ², continuity-corrected)');
  });

  it('McNemar switches to χ² from 25 discordant pairs, and needs 0/1 values', () => {
    const a = [...Array(20).fill(1), ...Array(5).fill(0)];
    const b = [...Array(20).fill(0), ...Array(5).fill(1)];
    const result = mcnemar(a, b);
    expect(result.method).toMatch(/χ²/);
    expect(result.pValue).toBeCloseTo(chiSquare1UpperTail(14 ** 2 / 25), 12);
    expect(() => mcnemar([0.5, 1], [0, 1])).toThrow(/needs a binary metric/);
    expect(() => pairedBootstrap([1, 2], [1])).toThrow(/2 and 1 values/);
  });
});

describe('score tables', () => {
  const ids = Array.from({ length: 60 }, (_, i) => `q${i}`);
  const base = ids.map((id, i) => row(id, i % 3 === 0 ? 1 : 0, i % 3 === 0 ? 1 : 0.25, i % 2 === 0 ? 1 : 0));

  it('compareStudents: identical runs differ by nothing, in any row order', () => {
    const comparison = compareStudents(base, base.slice().reverse());
    for (const metric of ['em', 'f1', 'acc'] as const) {
      expect(comparison[metric].diff).toBe(0);
      expect(comparison[metric].pValue).toBe(1);
      expect(comparison[metric].n).toBe(60);
    }
    expect(comparison.em.mcnemar?.pValue).toBe(1);
    expect(comparison.f1.mcnemar).toBeUndefined();
  });

  it('compareStudents: a student right on 20 more questions is called different', () => {
    const better = base.map((r, i) => (r.em === 0 && i < 40 ? row(r.questionId, 1, 1, 1) : r));
    const gained = better.filter((r, i) => r.em !== base[i]!.em).length;
    const comparison = compareStudents(better, base);
    expect(comparison.n).toBe(60);
    expect(comparison.em.meanA - comparison.em.meanB).toBeCloseTo(gained / 60, 12);
    expect(comparison.em.diff).toBeCloseTo(gained / 60, 12);
    expect(comparison.em.pValue).toBeLessThan(0.01);
    expect(comparison.em.mcnemar?.aOnly).toBe(gained);
    expect(comparison.em.mcnemar?.bOnly).toBe(0);
    expect(comparison.em.mcnemar?.pValue).toBeLessThan(0.001);
    expect(comparison.f1.ci![0]).toBeGreaterThan(0);
  });

  it('compareStudents refuses different question sets and duplicate rows, naming them', () => {
    expect(() => compareStudents(base, base.slice(1))).toThrow(
      /not on the same questions \(only student A has "q0"\)\. Evaluate both students on the same question set\./,
    );
    expect(() => compareStudents([...base, base[3]!], base)).toThrow(/two traces for question "q3"/);
  });

  it('scoreIntervals: one interval per metric, null where a metric has no values', () => {
    const withRecall = base.map((r, i) => ({ ...r, recall: i < 10 ? 0.5 : null }));
    const intervals = scoreIntervals(withRecall, { resamples: 200 });
    expect(intervals.em?.mean).toBeCloseTo(20 / 60, 12);
    expect(intervals.recall?.n).toBe(10);
    expect(intervals.recall?.ci).toEqual([0.5, 0.5]);
    expect(intervals.duplicativeness).toBeNull();
    expect(metricValues(withRecall, 'totalMs')).toHaveLength(60);
  });
});
