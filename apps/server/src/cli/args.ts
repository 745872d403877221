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

/** Flags shared by the commands that run a loop over a question set (teach, eval). */
export const LOOP_RUN_OPTIONS = {
  config: { type: 'string', short: 'c' },
  corpus: { type: 'string' },
  questions: { type: 'string' },
  loop: { type: 'string' },
  steps: { type: 'string' },
  k: { type: 'string' },
  concurrency: { type: 'string' },
  limit: { type: 'string' },
  name: { type: 'string' },
  // Repeated (or mixed): the teacher is spread over those servers as replicas of one model.
  endpoint: { type: 'string', multiple: true },
  'base-url': { type: 'string', multiple: true },
  model: { type: 'string' },
  api: { type: 'string' },
} as const;

interface LoopRunFlags {
  config?: string;
  corpus?: string;
  questions?: string;
  loop?: string;
  steps?: string;
  k?: string;
  concurrency?: string;
  limit?: string;
  name?: string;
  endpoint?: string[];
  'base-url'?: string[];
  model?: string;
  api?: string;
}

/** The config file, then the loop-run flags over it (flags override only what they set). */
export function loopRunConfig(values: LoopRunFlags): Record<string, unknown> {
  const file = values.config ? readConfigFile(values.config) : {};
  return {
    ...file,
    ...defined({
      corpusId: values.corpus,
      questionSetId: values.questions,
      loop: values.loop,
      maxSteps: int(values.steps, 'steps'),
      topK: int(values.k, 'k'),
      concurrency: int(values.concurrency, 'concurrency'),
      limit: int(values.limit, 'limit'),
      name: values.name,
    }),
  };
}

/**
 * An OpenAI-compatible generator named by --endpoint or --base-url, or undefined when neither is
 * given. Several of them (repeated, or both flags) make one teacher over replicas.
 */
export function openaiGeneratorFromFlags(values: LoopRunFlags): Record<string, unknown> | undefined {
  const endpoints = values.endpoint ?? [];
  const urls = values['base-url'] ?? [];
  if (endpoints.length + urls.length === 0) return undefined;
  const common = { kind: 'openai', ...defined({ model: values.model, api: values.api }) };
  if (endpoints.length + urls.length === 1) {
    return { ...common, ...defined({ endpoint: endpoints[0], baseURL: urls[0] }) };
  }
  return {
    ...common,
    replicas: [...endpoints.map((endpoint) => ({ endpoint })), ...urls.map((baseURL) => ({ baseURL }))],
  };
}
