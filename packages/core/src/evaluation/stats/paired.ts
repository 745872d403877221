import { Rng } from '../../util/rng';
import {
  type BootstrapOptions,
  bootstrapMeans,
  checkSample,
  mean,
  percentileInterval,
  resolveBootstrapOptions,
} from './bootstrap';
import { binomialHalfTwoSided, chiSquare1UpperTail, normalUpperTail } from './distributions';

/** A paired comparison of system A against system B on the same questions: diff = mean(A − B). */
export interface PairedTest {
  diff: number;
  /** Interval of the mean difference; null for tests that give none (sign test, McNemar). */
  ci: [number, number] | null;
  /** Two-sided. */
  pValue: number;
  /** Pairs compared (for the sign test and McNemar: pairs that differ). */
  n: number;
  method: string;
}

function checkPairs(a: readonly number[], b: readonly number[], what: string): number[] {
  if (a.length !== b.length) {
    throw new RangeError(
      `${what}: the two systems have ${a.length} and ${b.length} values; a paired test needs one value per question from each, in the same question order.`,
    );
  }
  checkSample(a, `${what} (system A)`);
  checkSample(b, `${what} (system B)`);
  return a.map((x, i) => x - (b[i] as number));
}

// Differences closer than this are ties: metric means are sums of floats.
const EPS = 1e-12;

/**
 * Paired bootstrap of the mean difference (resampling questions, keeping each question's pair
 * together), with its percentile interval and a two-sided p-value from the null-imposed
 * bootstrap: the differences are centred on 0 and p = (#{|mean*| ≥ |diff|} + 1) / (B + 1).
 * Identical systems give diff 0 and p = 1; the smallest reachable p is 1/(B + 1).
 */
export function pairedBootstrap(
  a: readonly number[],
  b: readonly number[],
  options: BootstrapOptions = {},
): PairedTest & { resamples: number; confidence: number; seed: number } {
  const d = checkPairs(a, b, 'pairedBootstrap');
  const { resamples, confidence, seed } = resolveBootstrapOptions(options);
  const diff = mean(d);
  const rng = new Rng(seed);
  const ci = percentileInterval(bootstrapMeans(d, resamples, rng), confidence);
  const centred = d.map((x) => x - diff);
  const nullMeans = bootstrapMeans(centred, resamples, rng);
  let extreme = 0;
  for (const m of nullMeans) if (Math.abs(m) >= Math.abs(diff) - EPS) extreme++;
  return {
    diff,
    ci,
    pValue: (extreme + 1) / (resamples + 1),
    n: d.length,
    method: `paired bootstrap (${resamples} resamples, seed ${seed})`,
    resamples,
    confidence,
    seed,
  };
}

export interface SignTestOptions {
  /** 'exact' binomial (default), or the normal approximation with continuity correction. */
  method?: 'exact' | 'normal';
}

/**
 * Sign test on paired values: counts the questions where A beats B and where B beats A, drops
 * ties, and tests the split against 1/2. diff is still mean(A − B) over all pairs.
 */
export function signTest(
  a: readonly number[],
  b: readonly number[],
  options: SignTestOptions = {},
): PairedTest {
  const d = checkPairs(a, b, 'signTest');
  const wins = d.filter((x) => x > EPS).length;
  const losses = d.filter((x) => x < -EPS).length;
  const n = wins + losses;
  const normal = options.method === 'normal';
  return {
    diff: mean(d),
    ci: null,
    pValue: normal ? normalTwoSided(wins, n) : binomialHalfTwoSided(wins, n),
    n,
    method: normal ? 'sign test (normal approximation, continuity-corrected)' : 'sign test (exact binomial)',
  };
}

function normalTwoSided(k: number, n: number): number {
  if (n === 0) return 1;
  const z = Math.max(0, Math.abs(k - n / 2) - 0.5) / Math.sqrt(n / 4);
  return Math.min(1, 2 * normalUpperTail(z));
}

export interface McNemarResult extends PairedTest {
  /** Questions A got right and B wrong. */
  aOnly: number;
  /** Questions B got right and A wrong. */
  bOnly: number;
  /** χ² with continuity correction (reported for the exact test too). */
  statistic: number;
}

export interface McNemarOptions {
  /**
   * 'exact' (binomial on the discordant pairs), 'chi-square' (with continuity correction), or
   * 'auto' (default): exact below 25 discordant pairs, where the χ² approximation is poor.
   */
  method?: 'auto' | 'exact' | 'chi-square';
}

/** McNemar's test for a binary metric (EM, Acc) on paired questions. Values must be 0 or 1. */
export function mcnemar(
  a: readonly number[],
  b: readonly number[],
  options: McNemarOptions = {},
): McNemarResult {
  const d = checkPairs(a, b, 'mcnemar');
  for (const [name, values] of [
    ['A', a],
    ['B', b],
  ] as const) {
    const bad = values.findIndex((v) => v !== 0 && v !== 1);
    if (bad !== -1) {
      throw new RangeError(
        `mcnemar: system ${name} value #${bad} is ${values[bad]}; McNemar needs a binary metric (0 or 1, e.g. EM or Acc). Use pairedBootstrap for F1.`,
      );
    }
  }
  let aOnly = 0;
  let bOnly = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i] === 1 && b[i] === 0) aOnly++;
    else if (a[i] === 0 && b[i] === 1) bOnly++;
  }
  const discordant = aOnly + bOnly;
  const statistic = discordant === 0 ? 0 : Math.max(0, Math.abs(aOnly - bOnly) - 1) ** 2 / discordant;
  const mode = options.method ?? 'auto';
  const exact = mode === 'exact' || (mode === 'auto' && discordant < 25);
  return {
    diff: mean(d),
    ci: null,
    pValue: exact ? binomialHalfTwoSided(aOnly, discordant) : chiSquare1UpperTail(statistic),
    n: discordant,
    method: exact ? 'McNemar (exact binomial)' : 'McNemar (χ², continuity-corrected)',
    aOnly,
    bOnly,
    statistic,
  };
}
