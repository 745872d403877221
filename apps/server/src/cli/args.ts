import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { UserError } from '../errors';

/** A JSON config file (the same files the UI's forms write), with a readable error when it is not one. */
export function readConfigFile(path: string): Record<string, unknown> {
  const abs = resolve(path);
  let text: string;
  try {
    text = readFileSync(abs, 'utf8');
  } catch {
    throw new UserError('BAD_REQUEST', `Config file not found: ${abs}.`);
  }
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not an object');
    return value as Record<string, unknown>;
  } catch (err) {
    throw new UserError('BAD_REQUEST', `Config file ${abs} is not a JSON object: ${(err as Error).message}.`);
  }
}

export function int(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^-?\d+$/.test(value.trim()))
    throw new UserError('BAD_REQUEST', `--${flag} must be an integer, got "${value}".`);
  return Number(value);
}

/** Drops undefined entries so flags only override what they set. */
export function defined<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
