import { randomBytes } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';

/** Short ids that read well in URLs and logs, e.g. `run_3f9a0c12d4`. */
export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(5).toString('hex')}`;
}

export const nowIso = (): string => new Date().toISOString();

export function parseJson<T>(text: string | null): T | null {
  return text === null ? null : (JSON.parse(text) as T);
}

export interface Page<T> {
  items: T[];
  total: number;
  offset: number;
  limit: number;
}

/** JSON packed for large, repetitive rows (traces): level 1 is fast and already ~7× smaller. */
export function packJson(value: unknown): Buffer {
  return deflateRawSync(JSON.stringify(value), { level: 1 });
}

export function unpackJson<T>(blob: Buffer): T {
  return JSON.parse(inflateRawSync(blob).toString('utf8')) as T;
}
