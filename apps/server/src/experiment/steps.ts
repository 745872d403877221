import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomicSync } from '../store/blobs';
import type { Store } from '../store/store';

/** Keys sorted at every level, so equal content hashes equally. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** A short content key: equal inputs, equal key. */
export function contentKey(value: unknown): string {
  return createHash('sha256').update(canonical(value)).digest('hex').slice(0, 20);
}

export function fileHash(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex').slice(0, 20);
}

const StepRecordSchema = z.record(z.string(), z.unknown());

/**
 * What a deterministic step of an experiment or analysis (an initialisation, a trained student,
 * an evaluation) left in the workspace, under the content key of its inputs. A second run with
 * the same inputs — a resumed job, or another analysis in the same workspace — finds it and goes
 * on from there instead of paying again.
 */
export class StepRecords {
  constructor(private readonly store: Store) {}

  private path(kind: string, key: string): string {
    return this.store.path(join('steps', `${kind}-${key}.json`));
  }

  get<T extends Record<string, unknown>>(kind: string, key: string): Partial<T> | undefined {
    const path = this.path(kind, key);
    if (!existsSync(path)) return undefined;
    const parsed = StepRecordSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
    if (!parsed.success) {
      throw new Error(`${path}: not a step record (${parsed.error.issues[0]?.message}); delete the file.`);
    }
    return parsed.data as Partial<T>;
  }

  /** Merges fields into the record (temp file + rename: never half written). */
  put(kind: string, key: string, fields: Record<string, unknown>): void {
    const before = this.get(kind, key) ?? {};
    writeFileAtomicSync(this.path(kind, key), `${JSON.stringify({ ...before, ...fields }, null, 2)}\n`);
  }
}
