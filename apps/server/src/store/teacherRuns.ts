import type { Trace } from '@steper/core';
import { notFound } from '../errors';
import { type Db, prepare } from './db';
import type { JobStatus } from './jobs';
import { newId, nowIso, type Page, packJson, unpackJson } from './util';

export interface TeacherRunStats {
  /** Requests answered by the teacher (each paid once). */
  calls: number;
  cacheHits: number;
  promptTokens: number;
  completionTokens: number;
}

export interface TeacherRunRow {
  id: string;
  name: string;
  corpusId: string;
  questionSetId: string;
  loop: string;
  maxSteps: number;
  topK: number;
  generator: string;
  config: Record<string, unknown>;
  status: JobStatus;
  jobId: string | null;
  questionTotal: number;
  tracesDone: number;
  tracesKept: number;
  stats: TeacherRunStats;
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
}

interface RawRun {
  id: string;
  name: string;
  corpus_id: string;
  question_set_id: string;
  loop: string;
  max_steps: number;
  top_k: number;
  generator: string;
  config: string;
  status: JobStatus;
  job_id: string | null;
  question_total: number;
  stats: string;
  error: string | null;
  created_at: string;
  finished_at: string | null;
  traces_done: number;
  traces_kept: number;
  calls: number;
  prompt_tokens: number;
  completion_tokens: number;
}

export interface TraceRow {
  questionId: string;
  idx: number;
  prediction: string;
  correct: boolean;
  steps: number;
  earlyStop: boolean;
  error: string | null;
  trace: Trace;
}

interface RawTrace {
  question_id: string;
  idx: number;
  prediction: string;
  correct: number;
  steps: number;
  early_stop: number;
  error: string | null;
  trace: Buffer;
}

const toTrace = (r: RawTrace): TraceRow => ({
  questionId: r.question_id,
  idx: r.idx,
  prediction: r.prediction,
  correct: r.correct === 1,
  steps: r.steps,
  earlyStop: r.early_stop === 1,
  error: r.error,
  trace: unpackJson<Trace>(r.trace),
});

const RUN_SELECT = `SELECT r.*,
  (SELECT COUNT(*) FROM traces t WHERE t.run_id = r.id) AS traces_done,
  (SELECT COUNT(*) FROM traces t WHERE t.run_id = r.id AND t.correct = 1) AS traces_kept,
  (SELECT COUNT(*) FROM teacher_calls c WHERE c.owner = r.id AND c.ok = 1) AS calls,
  (SELECT COALESCE(SUM(prompt_tokens), 0) FROM teacher_calls c WHERE c.owner = r.id) AS prompt_tokens,
  (SELECT COALESCE(SUM(completion_tokens), 0) FROM teacher_calls c WHERE c.owner = r.id) AS completion_tokens
  FROM teacher_runs r`;

const toRun = (r: RawRun): TeacherRunRow => ({
  id: r.id,
  name: r.name,
  corpusId: r.corpus_id,
  questionSetId: r.question_set_id,
  loop: r.loop,
  maxSteps: r.max_steps,
  topK: r.top_k,
  generator: r.generator,
  config: JSON.parse(r.config),
  status: r.status,
  jobId: r.job_id,
  questionTotal: r.question_total,
  tracesDone: r.traces_done,
  tracesKept: r.traces_kept,
  stats: {
    calls: r.calls,
    cacheHits: (JSON.parse(r.stats) as { cacheHits?: number }).cacheHits ?? 0,
    promptTokens: r.prompt_tokens,
    completionTokens: r.completion_tokens,
  },
  error: r.error,
  createdAt: r.created_at,
  finishedAt: r.finished_at,
});

export interface TraceFilter {
  correct?: boolean;
  earlyStop?: boolean;
  steps?: number;
  search?: string;
  /** The question's type (its dataset's label: bridge, comparison, …). */
  type?: string;
}

/**
 * A trace as lists show it: what a row needs, read from the traces table's own columns — never
 * the packed trace (tens of KB of prompts and passages each). teacherRuns.trace opens one whole.
 */
export interface TraceSummary {
  questionId: string;
  idx: number;
  question: string;
  prediction: string;
  /** The question's gold answers, from its question set ([] when the set no longer has it). */
  answers: string[];
  correct: boolean;
  steps: number;
  earlyStop: boolean;
  error: string | null;
  /** The question's type, which lives with the question. */
  questionType: string | null;
}

interface RawSummary {
  question_id: string;
  idx: number;
  question: string;
  prediction: string;
  answers: string | null;
  correct: number;
  steps: number;
  early_stop: number;
  error: string | null;
  question_type: string | null;
}

const SUMMARY_COLUMNS = `t.question_id, t.idx, t.question, t.prediction, t.correct, t.steps, t.early_stop, t.error,
  json_extract(q.data, '$.answers') AS answers`;

const toSummary = (r: RawSummary): TraceSummary => ({
  questionId: r.question_id,
  idx: r.idx,
  question: r.question,
  prediction: r.prediction,
  answers: r.answers ? (JSON.parse(r.answers) as string[]) : [],
  correct: r.correct === 1,
  steps: r.steps,
  earlyStop: r.early_stop === 1,
  error: r.error,
  questionType: r.question_type,
});

/** Each trace beside its question (the run's question set, the trace's question id). */
const TRACES_WITH_QUESTIONS = `FROM traces t
  JOIN teacher_runs r ON r.id = t.run_id
  LEFT JOIN questions q ON q.set_id = r.question_set_id AND q.id = t.question_id`;
const QUESTION_TYPE = "json_extract(q.data, '$.type')";

export class TeacherRunRepo {
  /** Traces this connection wrote: with PRAGMA data_version (other connections' commits), the cache's clock. */
  private written = 0;
  /** Counts and type lists of big runs, valid while no trace was written since. Bounded. */
  private readonly cache = new Map<string, { version: string; value: unknown }>();

  constructor(private readonly db: Db) {}

  private cached<T>(key: string, compute: () => T): T {
    const dataVersion = (prepare(this.db, 'PRAGMA data_version').get() as { data_version: number })
      .data_version;
    const version = `${this.written}:${dataVersion}`;
    const hit = this.cache.get(key);
    if (hit?.version === version) return hit.value as T;
    const value = compute();
    if (this.cache.size >= 500) this.cache.clear();
    this.cache.set(key, { version, value });
    return value;
  }

  /** A cheap existence check for the list and trace routes: require() also counts the run's traces. */
  requireExists(id: string): void {
    if (!prepare(this.db, 'SELECT 1 FROM teacher_runs WHERE id = ?').get(id)) {
      throw notFound('teacher run', id, 'List them with `steper runs` or teacherRuns.list.');
    }
  }

  create(input: {
    name: string;
    corpusId: string;
    questionSetId: string;
    loop: string;
    maxSteps: number;
    topK: number;
    generator: string;
    config: Record<string, unknown>;
    questionTotal: number;
    jobId?: string;
    id?: string;
  }): TeacherRunRow {
    const id = input.id ?? newId('run');
    prepare(
      this.db,
      `INSERT INTO teacher_runs (id, name, corpus_id, question_set_id, loop, max_steps, top_k, generator, config,
          status, job_id, question_total, stats, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?, '{}', ?)`,
    ).run(
      id,
      input.name,
      input.corpusId,
      input.questionSetId,
      input.loop,
      input.maxSteps,
      input.topK,
      input.generator,
      JSON.stringify(input.config),
      input.jobId ?? null,
      input.questionTotal,
      nowIso(),
    );
    return this.require(id);
  }

  get(id: string): TeacherRunRow | undefined {
    const r = prepare(this.db, `${RUN_SELECT} WHERE r.id = ?`).get(id) as RawRun | undefined;
    return r && toRun(r);
  }

  require(id: string): TeacherRunRow {
    const row = this.get(id);
    if (!row) throw notFound('teacher run', id, 'List them with `steper runs` or teacherRuns.list.');
    return row;
  }

  list(): TeacherRunRow[] {
    return (prepare(this.db, `${RUN_SELECT} ORDER BY r.created_at DESC`).all() as RawRun[]).map(toRun);
  }

  byJob(jobId: string): TeacherRunRow | undefined {
    const r = prepare(this.db, `${RUN_SELECT} WHERE r.job_id = ?`).get(jobId) as RawRun | undefined;
    return r && toRun(r);
  }

  setJob(id: string, jobId: string): void {
    prepare(this.db, 'UPDATE teacher_runs SET job_id = ? WHERE id = ?').run(jobId, id);
  }

  /** Where the run's demonstrations came from, beside them in its config. */
  setDemonstrationsSource(id: string, source: 'request' | 'workspace' | 'built-in'): void {
    prepare(
      this.db,
      "UPDATE teacher_runs SET config = json_set(config, '$.demonstrationsSource', ?) WHERE id = ?",
    ).run(source, id);
  }

  setStatus(id: string, status: JobStatus, error: string | null = null): void {
    const finished = status === 'done' || status === 'failed' || status === 'cancelled';
    prepare(this.db, 'UPDATE teacher_runs SET status = ?, error = ?, finished_at = ? WHERE id = ?').run(
      status,
      error,
      finished ? nowIso() : null,
      id,
    );
  }

  /** Ids of questions that already have a trace: a resumed run skips them. */
  doneQuestionIds(runId: string): Set<string> {
    const rows = prepare(this.db, 'SELECT question_id FROM traces WHERE run_id = ?').all(runId) as {
      question_id: string;
    }[];
    return new Set(rows.map((r) => r.question_id));
  }

  /** One trace; call inside the caller's transaction so trace and progress land together. */
  insertTrace(
    runId: string,
    row: Omit<TraceRow, 'prediction' | 'steps' | 'earlyStop'>,
    cacheHits: number,
  ): void {
    const t = row.trace;
    this.written += 1;
    prepare(
      this.db,
      `INSERT INTO traces (run_id, question_id, idx, question, prediction, correct, steps, early_stop, error, trace, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      runId,
      row.questionId,
      row.idx,
      t.question,
      t.prediction,
      row.correct ? 1 : 0,
      t.steps.length,
      t.earlyStop ? 1 : 0,
      row.error,
      packJson(t),
      nowIso(),
    );
    if (cacheHits > 0) {
      prepare(
        this.db,
        "UPDATE teacher_runs SET stats = json_set(stats, '$.cacheHits', COALESCE(json_extract(stats, '$.cacheHits'), 0) + ?) WHERE id = ?",
      ).run(cacheHits, runId);
    }
  }

  traces(runId: string, opts: { offset: number; limit: number } & TraceFilter): Page<TraceSummary> {
    const where = ['t.run_id = ?'];
    const args: unknown[] = [runId];
    if (opts.correct !== undefined) {
      where.push('t.correct = ?');
      args.push(opts.correct ? 1 : 0);
    }
    if (opts.earlyStop !== undefined) {
      where.push('t.early_stop = ?');
      args.push(opts.earlyStop ? 1 : 0);
    }
    if (opts.steps !== undefined) {
      where.push('t.steps = ?');
      args.push(opts.steps);
    }
    if (opts.search) {
      where.push('t.question LIKE ?');
      args.push(`%${opts.search}%`);
    }
    if (opts.type !== undefined) {
      where.push(`${QUESTION_TYPE} = ?`);
      args.push(opts.type);
    }
    const w = where.join(' AND ');
    // Only the type filter needs the question; every other count and page comes from traces_list.
    const from = opts.type !== undefined ? TRACES_WITH_QUESTIONS : 'FROM traces t';
    const total = this.cached(`count ${w} ${JSON.stringify(args)}`, () => {
      const row = prepare(this.db, `SELECT COUNT(*) AS n ${from} WHERE ${w}`).get(...args) as { n: number };
      return row.n;
    });
    // The page's rows found first (index only), then read whole. Unfiltered, a run whose idx are
    // 0..n-1 without gaps (a finished run's are) seeks to offset n directly; else OFFSET skips.
    const dense = where.length === 1 && this.denseFrom(runId);
    const page =
      dense !== false
        ? `SELECT t.rowid AS rid FROM traces t WHERE t.run_id = ? AND t.idx >= ? ORDER BY t.idx LIMIT ?`
        : `SELECT t.rowid AS rid ${from} WHERE ${w} ORDER BY t.idx LIMIT ? OFFSET ?`;
    const pageArgs =
      dense !== false ? [runId, dense + opts.offset, opts.limit] : [...args, opts.limit, opts.offset];
    const items = (
      prepare(
        this.db,
        `SELECT ${SUMMARY_COLUMNS}, ${QUESTION_TYPE} AS question_type
           FROM (${page}) page
           JOIN traces t ON t.rowid = page.rid
           JOIN teacher_runs r ON r.id = t.run_id
           LEFT JOIN questions q ON q.set_id = r.question_set_id AND q.id = t.question_id
           ORDER BY t.idx`,
      ).all(...pageArgs) as RawSummary[]
    ).map(toSummary);
    return { items, total, offset: opts.offset, limit: opts.limit };
  }

  /** The run's first idx when its idx run without a gap (the k-th trace has idx first + k), else false. */
  private denseFrom(runId: string): number | false {
    return this.cached(`dense ${runId}`, () => {
      const r = prepare(
        this.db,
        'SELECT MIN(idx) AS lo, MAX(idx) AS hi, COUNT(*) AS n FROM traces WHERE run_id = ?',
      ).get(runId) as { lo: number | null; hi: number | null; n: number };
      return r.lo !== null && r.hi !== null && r.hi - r.lo + 1 === r.n ? r.lo : false;
    });
  }

  /** The question types among the run's traces, with how many traces each has (untyped ones left out). */
  questionTypes(runId: string): { type: string; count: number }[] {
    return this.cached(
      `types ${runId}`,
      () =>
        prepare(
          this.db,
          `SELECT ${QUESTION_TYPE} AS type, COUNT(*) AS count ${TRACES_WITH_QUESTIONS}
             WHERE t.run_id = ? AND ${QUESTION_TYPE} IS NOT NULL GROUP BY 1 ORDER BY 1`,
        ).all(runId) as { type: string; count: number }[],
    );
  }

  allTraces(runId: string): TraceRow[] {
    return (
      prepare(this.db, 'SELECT * FROM traces WHERE run_id = ? ORDER BY idx').all(runId) as RawTrace[]
    ).map(toTrace);
  }

  trace(runId: string, questionId: string): TraceRow | undefined {
    const r = prepare(this.db, 'SELECT * FROM traces WHERE run_id = ? AND question_id = ?').get(
      runId,
      questionId,
    ) as RawTrace | undefined;
    return r && toTrace(r);
  }
}
