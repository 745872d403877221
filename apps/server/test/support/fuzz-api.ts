import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { TRPCError } from '@trpc/server';
import fc from 'fast-check';
import { ZodError, type z } from 'zod';
import { ensureDemo } from '../../src/demo/demo';
import { appRouter } from '../../src/routers/_app';
import { createCallerFactory, createContext } from '../../src/trpc';
import { Workbench } from '../../src/workbench';
import { anyJson, type FuzzTarget, type Outcome, violation } from './fuzz';

interface ProcedureDef {
  type: 'query' | 'mutation' | 'subscription';
  inputs: z.ZodType[];
}

/** Every procedure of the real appRouter, by dotted path. */
function procedures(): [string, ProcedureDef][] {
  const record = (appRouter as unknown as { _def: { procedures: Record<string, { _def: ProcedureDef }> } })
    ._def.procedures;
  return Object.entries(record).map(([path, p]) => [path, p._def]);
}

/**
 * Values shaped like what the schema asks for, each node sometimes replaced by arbitrary JSON:
 * near-valid input gets past the first check to the code behind it. Strings are often ids the
 * workspace really has, so lookups succeed and the deeper checks run.
 */
function nearValid(schema: z.ZodType, ids: Ids, depth = 0, key = ''): fc.Arbitrary<unknown> {
  const def = (schema as unknown as { _zod: { def: Record<string, unknown> & { type: string } } })._zod.def;
  const inner = (field: string) => nearValid(def[field] as z.ZodType, ids, depth + 1, key);
  let shaped: fc.Arbitrary<unknown>;
  switch (def.type) {
    case 'optional':
      // Often left out, as callers do: a stale optional guard (expectedVersion) refuses everything.
      return fc.option(inner('innerType'), { nil: undefined, freq: 2 });
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'catch':
    case 'nonoptional':
      return inner('innerType');
    case 'pipe':
      return inner('in');
    case 'lazy':
      return depth > 3 ? anyJson : nearValid((def.getter as () => z.ZodType)(), ids, depth + 1, key);
    case 'string':
      shaped = fc.oneof(
        { weight: 4, arbitrary: fc.constantFrom(...idsFor(ids, key)) },
        { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
        { weight: 1, arbitrary: fc.string({ unit: 'binary' }) },
      );
      break;
    case 'number':
    case 'int':
      shaped = fc.oneof(
        { weight: 3, arbitrary: fc.integer({ min: 0, max: 5 }) },
        { weight: 2, arbitrary: fc.integer({ min: -2, max: 200 }) },
        { weight: 1, arbitrary: fc.oneof(fc.double(), fc.constant(1e12)) },
      );
      break;
    case 'boolean':
      shaped = fc.boolean();
      break;
    case 'literal':
      shaped = fc.constantFrom(...(def.values as unknown[]));
      break;
    case 'enum':
      shaped = fc.constantFrom(...Object.values(def.entries as Record<string, unknown>));
      break;
    case 'array':
      shaped = depth > 4 ? fc.constant([]) : fc.array(inner('element'), { maxLength: 3 });
      break;
    case 'object': {
      if (depth > 4) return anyJson;
      const shape = def.shape as Record<string, z.ZodType>;
      const model = Object.fromEntries(
        Object.entries(shape).map(([k, v]) => [k, nearValid(v, ids, depth + 1, k)]),
      );
      // Mostly every key present (so the call gets far), sometimes any subset.
      shaped = fc.oneof(
        { weight: 3, arbitrary: fc.record(model) },
        { weight: 1, arbitrary: fc.record(model, { requiredKeys: [] }) },
      );
      break;
    }
    case 'union':
      shaped = fc.oneof(...(def.options as z.ZodType[]).map((o) => nearValid(o, ids, depth + 1, key)));
      break;
    case 'record':
      shaped = fc.dictionary(fc.string({ maxLength: 8 }), inner('valueType'), { maxKeys: 3 });
      break;
    default:
      return anyJson;
  }
  return fc.oneof({ weight: 12, arbitrary: shaped }, { weight: 1, arbitrary: anyJson });
}

/** Ids the workspace has, by kind; a field gets those its name asks for ("corpusId" → corpora). */
type Ids = Record<
  'corpus' | 'questionSet' | 'question' | 'teacherRun' | 'dataset' | 'example' | 'job' | 'other',
  string[]
>;

function idsFor(ids: Ids, key: string): string[] {
  const k = key.toLowerCase();
  // Order matters: "datasetId" holds "set", "questionSetId" holds "question".
  const kind = (['dataset', 'corpus', 'set', 'question', 'run', 'example', 'job'] as const).find((w) =>
    k.includes(w.toLowerCase()),
  );
  const byWord = {
    dataset: ids.dataset,
    corpus: ids.corpus,
    set: ids.questionSet,
    question: ids.question,
    run: ids.teacherRun,
    example: ids.example,
    job: ids.job,
  };
  const pick = kind ? byWord[kind] : Object.values(ids).flat();
  return pick.length ? pick : Object.values(ids).flat();
}

/** Row counts and content of every table: a refused call must leave both as they were. */
function dbDigest(wb: Workbench): string {
  const tables = wb.store.db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    .all() as { name: string }[];
  const hash = createHash('sha1');
  for (const { name } of tables) {
    hash.update(`\0${name}\0`);
    for (const row of wb.store.db.prepare(`SELECT * FROM "${name}"`).iterate())
      hash.update(JSON.stringify(row));
  }
  return hash.digest('hex');
}

const changes = (wb: Workbench) =>
  (wb.store.db.prepare('SELECT total_changes() AS n').get() as { n: number }).n;

/** Every file of the workspace but the database, with its size: refused calls write none. */
function files(dir: string): string {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (!e.name.startsWith('steper.db')) out.push(`${relative(dir, p)}:${statSync(p).size}`);
    }
  };
  walk(dir);
  return out.sort().join('\n');
}

/** The first event of a subscription, then stop it: the stream's input is checked before it starts. */
async function firstOf(result: unknown): Promise<void> {
  const iterator = (result as AsyncIterable<unknown>)[Symbol.asyncIterator]?.();
  if (!iterator) return;
  try {
    await iterator.next();
  } finally {
    await iterator.return?.();
  }
}

function checkError(path: string, err: unknown): void {
  if (!(err instanceof TRPCError))
    violation(`${path} threw ${err instanceof Error ? err.name : typeof err}: ${err}`);
  if (err.code === 'INTERNAL_SERVER_ERROR') {
    const cause = err.cause instanceof Error ? `${err.cause.name}: ${err.cause.message}` : String(err.cause);
    violation(`${path} crashed (500): ${err.message} — ${cause}`);
  }
  if (err.cause instanceof ZodError) {
    const fields = err.cause.issues.map((i) => (i.path.length ? i.path.map(String).join('.') : '(input)'));
    if (!fields.some((f) => err.message.includes(`field "${f}"`))) {
      violation(`${path}: the input error names no field: ${err.message}`);
    }
  }
}

/** Procedures that only stream what happens later: checked for their input, then left. */
const WAIT_MS = 20;

export interface ApiFuzz {
  targets: FuzzTarget[];
  close(): Promise<void>;
}

/**
 * One target per procedure that takes input. Each target starts on its own copy of one workspace
 * with the small demo in it (corpus, question sets, a teacher run, step data), so what earlier
 * targets accepted never slows or steers later ones. Jobs are queued, never run. The process's
 * fetch reaches loopback only, so a fuzzed endpoint URL never leaves the machine.
 */
export async function apiTargets(): Promise<ApiFuzz> {
  const pristine = mkdtempSync(join(tmpdir(), 'steper-fuzz-demo-'));
  const built = new Workbench({ workspace: pristine, env: {} });
  const demo = await ensureDemo(built, { seed: 7, passages: 300, questions: 30 });
  const api0 = createCallerFactory(appRouter)(createContext(built)());
  const questions = await api0.questionSets.questions({ id: demo.questionSetIds.train, limit: 3 });
  const examples = await api0.stepData.examples({ id: demo.datasetId, limit: 2 });
  const ids: Ids = {
    corpus: [demo.corpusId],
    questionSet: Object.values(demo.questionSetIds),
    question: questions.items.map((q: { id: string }) => q.id),
    teacherRun: [demo.teacherRunId],
    dataset: [demo.datasetId],
    example: examples.items.map((e: { id: string }) => e.id),
    job: (built.store.db.prepare('SELECT id FROM jobs LIMIT 3').all() as { id: string }[]).map((j) => j.id),
    other: ['ircot', 'self-ask', 'evidence', 'bm25'],
  };
  await built.close();

  const realFetch = globalThis.fetch;
  globalThis.fetch = (async (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (url.hostname !== '127.0.0.1' && url.hostname !== 'localhost') {
      throw new TypeError(`fuzz: no network beyond loopback (${url.hostname})`);
    }
    return realFetch(input, init);
  }) as typeof fetch;

  const createCaller = createCallerFactory(appRouter);
  let current: { wb: Workbench; dir: string } | undefined;
  const closeCurrent = async () => {
    if (!current) return;
    await current.wb.close();
    rmSync(current.dir, { recursive: true, force: true });
    current = undefined;
  };
  // The content digest is recomputed only after the database changed: most calls write nothing.
  let known = { changes: -1, digest: '' };
  const digest = (wb: Workbench) => {
    const now = changes(wb);
    if (now !== known.changes) known = { changes: now, digest: dbDigest(wb) };
    return known.digest;
  };

  const targets: FuzzTarget[] = procedures()
    .filter(([, def]) => def.inputs.length > 0)
    .map(([path, def]) => {
      // This target's own workspace: a run cut off by a timeout can never write into the next one's.
      let mine: { wb: Workbench; dir: string } | undefined;
      return {
        name: `api ${path}`,
        arbitrary: fc.oneof(
          { weight: 3, arbitrary: nearValid(def.inputs[0]!, ids) },
          { weight: 1, arbitrary: anyJson },
        ),
        async setUp() {
          await closeCurrent();
          const dir = mkdtempSync(join(tmpdir(), 'steper-fuzz-'));
          cpSync(pristine, dir, { recursive: true });
          const wb = new Workbench({ workspace: dir, env: {} });
          await wb.runner.stop();
          current = { wb, dir };
          mine = current;
          known = { changes: -1, digest: '' };
        },
        async check(input: unknown): Promise<Outcome> {
          const { wb, dir } = mine!;
          if (mine !== current) violation('the target ran on after its time (a test timeout)');
          const [group, name] = path.split('.') as [string, string];
          const mutation = def.type !== 'query';
          const before = { changes: changes(wb), files: files(dir), db: mutation ? digest(wb) : '' };
          // A ref'd timer (AbortSignal.timeout's is not): a waiting stream keeps the process alive.
          const abort = new AbortController();
          const timer = setTimeout(() => abort.abort(), WAIT_MS);
          const signal = abort.signal;
          const caller = createCaller(createContext(wb)(), { signal }) as unknown as Record<
            string,
            Record<string, (i: unknown) => unknown>
          >;
          try {
            const result = await caller[group]![name]!(input);
            if (def.type === 'subscription') await firstOf(result);
            return 'accepted';
          } catch (err) {
            if (signal.aborted && def.type === 'subscription') return 'accepted';
            checkError(path, err);
          } finally {
            clearTimeout(timer);
          }
          // Refused: nothing half-written, in the database or beside it.
          if (files(dir) !== before.files) violation(`${path} refused but changed the workspace's files`);
          if (mutation && changes(wb) !== before.changes && digest(wb) !== before.db) {
            violation(`${path} refused but changed the database`);
          }
          return 'refused';
        },
      };
    });

  return {
    targets,
    async close() {
      globalThis.fetch = realFetch;
      await closeCurrent();
      rmSync(pristine, { recursive: true, force: true });
    },
  };
}
