import fc from 'fast-check';

/**
 * One fuzz target: inputs and the property every input must keep. `check` throws FuzzViolation
 * when the property breaks; anything else it throws is itself a violation (an uncaught crash).
 * The Vitest suite runs a few hundred cases of each, `npm run fuzz` tens of thousands.
 */
export interface FuzzTarget<T = unknown> {
  name: string;
  arbitrary: fc.Arbitrary<T>;
  /** Run once before the target's cases (a fresh workspace, say). */
  setUp?(): Promise<void>;
  /** Says whether the input was 'accepted' or 'refused', for the bench's tally. */
  check(input: T): Promise<Outcome> | Outcome;
}

export type Outcome = 'accepted' | 'refused';

export class FuzzViolation extends Error {
  override readonly name = 'FuzzViolation';
}

export function violation(message: string): never {
  throw new FuzzViolation(message);
}

/** Any JSON value fast-check can think of, strings of any code unit included. */
export const anyJson = fc.jsonValue({ maxDepth: 3 });

/** Every path (keys and indexes) in a JSON value, the root excluded. */
export function pathsOf(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  return entries.flatMap(([k, v]) => [[...prefix, k], ...pathsOf(v, [...prefix, k])]);
}

/** `value` with the element at `path` replaced by `replacement` (deleted when undefined). */
export function mutateAt(value: unknown, path: (string | number)[], replacement: unknown): unknown {
  const copy = structuredClone(value);
  let parent = copy as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = path.at(-1)!;
  if (replacement === undefined) {
    if (Array.isArray(parent)) parent.splice(last as number, 1);
    else delete parent[last];
  } else parent[last] = replacement;
  return copy;
}

/**
 * A valid record with one field replaced by an arbitrary JSON value or removed: garbage where a
 * parser looks, which random text alone almost never reaches.
 */
export function mutatedRecord<T>(record: T): fc.Arbitrary<{ value: unknown; path: (string | number)[] }> {
  const paths = pathsOf(record);
  return fc
    .tuple(fc.constantFrom(...paths), fc.option(anyJson, { nil: undefined, freq: 4 }))
    .map(([path, replacement]) => ({ value: mutateAt(record, path, replacement), path }));
}

/** Runs a target `runs` times on its own inputs; the violations, their inputs, and the rate. */
export async function runTarget(
  target: FuzzTarget,
  runs: number,
  seed: number,
): Promise<{
  cases: number;
  accepted: number;
  failures: { input: unknown; error: string }[];
  seconds: number;
}> {
  const failures: { input: unknown; error: string }[] = [];
  let accepted = 0;
  const t0 = performance.now();
  let done = 0;
  // In batches: a sample of 10,000 large strings at once would be held whole.
  for (let batch = 0; done < runs; batch++) {
    const n = Math.min(500, runs - done);
    // Fresh state per batch: what accepted inputs wrote (step datasets, say) must not pile up.
    await target.setUp?.();
    for (const input of fc.sample(target.arbitrary, { numRuns: n, seed: seed + batch })) {
      try {
        if ((await target.check(input)) === 'accepted') accepted++;
      } catch (err) {
        failures.push({ input, error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) });
      }
    }
    done += n;
  }
  return { cases: done, accepted, failures, seconds: (performance.now() - t0) / 1000 };
}
