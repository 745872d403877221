import { z } from 'zod';
import { type ResolvedSyntheticWorldOptions, SYNTHETIC_STYLES, type SyntheticWorldOptions } from './types';

export const DEFAULT_SYNTHETIC_OPTIONS: ResolvedSyntheticWorldOptions = Object.freeze({
  seed: 42,
  passages: 3000,
  questions: 2000,
  style: 'paraphrased',
});

/** Below this the world has too few entities per kind to draw distinct multi-hop questions. */
export const SYNTHETIC_MIN_PASSAGES = 300;
/** The name spaces (words.json) hold unique names for about this many entities. */
export const SYNTHETIC_MAX_PASSAGES = 2_000_000;

const HINTS: Record<keyof SyntheticWorldOptions, string> = {
  seed: 'an integer from 0 to 4294967295',
  passages: `an integer from ${SYNTHETIC_MIN_PASSAGES} to ${SYNTHETIC_MAX_PASSAGES}`,
  questions: 'a positive integer',
  style: `one of ${SYNTHETIC_STYLES.join(', ')}`,
};

const OptionsSchema = z
  .object({
    seed: z.number().int().min(0).max(0xffffffff).optional(),
    passages: z.number().int().min(SYNTHETIC_MIN_PASSAGES).max(SYNTHETIC_MAX_PASSAGES).optional(),
    questions: z.number().int().positive().optional(),
    style: z.enum(SYNTHETIC_STYLES).optional(),
  })
  .strict();

/** Validates options and fills defaults; a bad option throws an error naming it and what it accepts. */
export function resolveSyntheticOptions(options: SyntheticWorldOptions = {}): ResolvedSyntheticWorldOptions {
  const parsed = OptionsSchema.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    if (issue?.code === 'unrecognized_keys') {
      throw new Error(
        `synthetic world: unknown option ${issue.keys.map((k) => `"${k}"`).join(', ')}; ` +
          `known options are ${Object.keys(HINTS).join(', ')}`,
      );
    }
    const name = issue?.path[0];
    if (typeof name !== 'string' || !(name in HINTS)) {
      throw new Error('synthetic world: options must be an object { seed?, passages?, questions?, style? }');
    }
    const value = (options as Record<string, unknown>)[name];
    const hint = HINTS[name as keyof SyntheticWorldOptions];
    throw new Error(
      `synthetic world: option "${name}" must be ${hint} (got ${typeof value === 'string' ? JSON.stringify(value) : String(value)})`,
    );
  }
  return { ...DEFAULT_SYNTHETIC_OPTIONS, ...stripUndefined(parsed.data) };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
