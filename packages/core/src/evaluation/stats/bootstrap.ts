import { Rng } from '../../util/rng';

export interface BootstrapOptions {
  /** Resamples drawn; default 2,000. */
  resamples?: number;
  /** Coverage of the interval; default 0.95. */
  confidence?: number;
  /** Seed of the resampling, recorded with the result so a report can be redrawn exactly; default 0. */
  seed?: number;
}

export interface ResolvedBootstrapOptions {
  resamples: number;
  confidence: number;
  seed: number;
}

export const DEFAULT_BOOTSTRAP: ResolvedBootstrapOptions = { resamples: 2000, confidence: 0.95, seed: 0 };

/** A mean with its percentile-bootstrap confidence interval. */
export interface MeanInterval {
  mean: number;
  ci: [number, number];
  n: number;
  method: string;
  resamples: number;
  confidence: number;
  seed: number;
}

export function resolveBootstrapOptions(options: BootstrapOptions = {}): ResolvedBootstrapOptions {
  const resolved = { ...DEFAULT_BOOTSTRAP, ...stripUndefined(options) };
  if (!Number.isInteger(resolved.resamples) || resolved.resamples < 1) {
    throw new RangeError(
      `bootstrap: resamples must be a positive integer (got ${resolved.resamples}); 1,000–2,000 is usual.`,
    );
  }
  if (!(resolved.confidence > 0 && resolved.confidence < 1)) {
    throw new RangeError(`bootstrap: confidence must be in (0, 1) (got ${resolved.confidence}), e.g. 0.95.`);
  }
  if (!Number.isInteger(resolved.seed)) {
    throw new RangeError(`bootstrap: seed must be an integer (got ${resolved.seed}).`);
  }
  return resolved;
}

function stripUndefined<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export function mean(values: readonly number[]): number {
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/** Checks a sample is usable: non-empty and all finite. */
export function checkSample(values: readonly number[], what: string): void {
  if (values.length === 0) throw new RangeError(`${what}: no values (a mean of nothing has no interval).`);
  const bad = values.findIndex((v) => !Number.isFinite(v));
  if (bad !== -1) {
    throw new RangeError(`${what}: value #${bad} is ${values[bad]}; every value must be a finite number.`);
  }
}

/**
 * Quantile of sorted values with linear interpolation between order statistics (Hyndman & Fan
 * type 7, numpy's default), so results match a Python re-computation.
 */
export function quantileSorted(sorted: readonly number[], q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  const a = sorted[lo] as number;
  return a + (h - lo) * ((sorted[hi] as number) - a);
}

/** Means of `resamples` resamples with replacement, drawn from one seeded stream. */
export function bootstrapMeans(values: readonly number[], resamples: number, rng: Rng): Float64Array {
  const n = values.length;
  const means = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += values[rng.int(n)] as number;
    means[r] = sum / n;
  }
  return means;
}

/** The percentile interval of bootstrap statistics. */
export function percentileInterval(stats: Float64Array, confidence: number): [number, number] {
  const sorted = Array.from(stats).sort((a, b) => a - b);
  const alpha = 1 - confidence;
  return [quantileSorted(sorted, alpha / 2), quantileSorted(sorted, 1 - alpha / 2)];
}

/**
 * 95% (by default) percentile-bootstrap confidence interval for the mean of a per-question
 * metric. Deterministic for a given seed; constant data gives a zero-width interval.
 */
export function bootstrapMeanCI(values: readonly number[], options: BootstrapOptions = {}): MeanInterval {
  checkSample(values, 'bootstrapMeanCI');
  const { resamples, confidence, seed } = resolveBootstrapOptions(options);
  const means = bootstrapMeans(values, resamples, new Rng(seed));
  return {
    mean: mean(values),
    ci: percentileInterval(means, confidence),
    n: values.length,
    method: 'percentile bootstrap',
    resamples,
    confidence,
    seed,
  };
}
