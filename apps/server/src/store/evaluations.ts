import type { Trace } from '@steper/core';
import { notFound } from '../errors';
import { type Db, prepare } from './db';
import type { JobStatus } from './jobs';
import { newId, nowIso, type Page, packJson, parseJson, unpackJson } from './util';

export interface EvaluationRow {
  id: string;
  name: string;
  config: Record<string, unknown>;
  status: JobStatus;
  jobId: string | null;
  metrics: Record<string, unknown> | null;
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
  tracesDone: number;
}

interface RawEval {
  id: string;
  name: string;
  config: string;
  status: JobStatus;
  job_id: string | null;
  metrics: string | null;
  error: string | null;
  created_at: string;
  finished_at: string | null;
  traces_done: number;
}

const toRow = (r: RawEval): EvaluationRow => ({
  id: r.id,
  name: r.name,
  config: JSON.parse(r.config),
  status: r.status,
  jobId: r.job_id,
  metrics: parseJson(r.metrics),
  error: r.error,
  createdAt: r.created_at,
  finishedAt: r.finished_at,
  tracesDone: r.traces_done,
});

const SELECT = `SELECT e.*, (SELECT COUNT(*) FROM evaluation_traces t WHERE t.evaluation_id = e.id) AS traces_done
  FROM evaluations e`;

export interface EvaluationTraceRow {
  questionId: string;
  idx: number;
  prediction: string;
  scores: Record<string, number>;
  trace: Trace;
}

export interface EvaluationOutcomeRow {
  questionId: string;
  idx: number;
  /** The question's text (its id when the question set is gone). */
  question: string;
  prediction: string;
  scores: Record<string, number>;
}

export class EvaluationRepo {
  constructor(private readonly db: Db) {}

  create(input: { name: string; config: Record<string, unknown>; id?: string }): EvaluationRow {
    const id = input.id ?? newId('eval');
    prepare(
      this.db,
      "INSERT INTO evaluations (id, name, config, status, created_at) VALUES (?, ?, ?, 'queued', ?)",
    ).run(id, input.name, JSON.stringify(input.config), nowIso());
    return this.require(id);
  }

  get(id: string): EvaluationRow | undefined {
    const r = prepare(this.db, `${SELECT} WHERE e.id = ?`).get(id) as RawEval | undefined;
    return r && toRow(r);
  }

  require(id: string): EvaluationRow {
    const row = this.get(id);
    if (!row) throw notFound('evaluation', id, 'List them with evaluations.list.');
    return row;
  }

  list(): EvaluationRow[] {
    return (prepare(this.db, `${SELECT} ORDER BY e.created_at DESC`).all() as RawEval[]).map(toRow);
  }

  setJob(id: string, jobId: string): void {
    prepare(this.db, 'UPDATE evaluations SET job_id = ? WHERE id = ?').run(jobId, id);
  }

  setStatus(id: string, status: JobStatus, opts: { error?: string | null; metrics?: unknown } = {}): void {
    const finished = status === 'done' || status === 'failed' || status === 'cancelled';
    prepare(
      this.db,
      'UPDATE evaluations SET status = ?, error = ?, metrics = COALESCE(?, metrics), finished_at = ? WHERE id = ?',
    ).run(
      status,
      opts.error ?? null,
      opts.metrics === undefined ? null : JSON.stringify(opts.metrics),
      finished ? nowIso() : null,
      id,
    );
  }

  doneQuestionIds(id: string): Set<string> {
    const rows = prepare(this.db, 'SELECT question_id FROM evaluation_traces WHERE evaluation_id = ?').all(
      id,
    ) as {
      question_id: string;
    }[];
    return new Set(rows.map((r) => r.question_id));
  }

  insertTrace(id: string, row: EvaluationTraceRow): void {
    prepare(
      this.db,
      'INSERT INTO evaluation_traces (evaluation_id, question_id, idx, prediction, trace, scores) VALUES (?, ?, ?, ?, ?, ?)',
    ).run(id, row.questionId, row.idx, row.prediction, packJson(row.trace), JSON.stringify(row.scores));
  }

  /** Traces in question order, paged by offset; only those of `questionIds` when given. */
  traces(
    id: string,
    opts: { offset: number; limit: number; questionIds?: readonly string[] },
  ): Page<EvaluationTraceRow> {
    // One statement text whatever the number of ids: they travel as one JSON array.
    const only = opts.questionIds ? ' AND question_id IN (SELECT value FROM json_each(?))' : '';
    const args: unknown[] = opts.questionIds ? [id, JSON.stringify(opts.questionIds)] : [id];
    const total = (
      prepare(this.db, `SELECT COUNT(*) AS n FROM evaluation_traces WHERE evaluation_id = ?${only}`).get(
        ...args,
      ) as { n: number }
    ).n;
    const items = (
      prepare(
        this.db,
        `SELECT * FROM evaluation_traces WHERE evaluation_id = ?${only} ORDER BY idx LIMIT ? OFFSET ?`,
      ).all(...args, opts.limit, opts.offset) as {
        question_id: string;
        idx: number;
        prediction: string;
        trace: Buffer;
        scores: string;
      }[]
    ).map((r) => ({
      questionId: r.question_id,
      idx: r.idx,
      prediction: r.prediction,
      scores: JSON.parse(r.scores),
      trace: unpackJson<Trace>(r.trace),
    }));
    return { items, total, offset: opts.offset, limit: opts.limit };
  }

  /**
   * Per question, the question's text, the prediction and its scores, without the trace: what a
   * list of thousands of questions needs (the text comes from the evaluated question set).
   */
  outcomes(id: string, opts: { offset: number; limit: number }): Page<EvaluationOutcomeRow> {
    const total = (
      prepare(this.db, 'SELECT COUNT(*) AS n FROM evaluation_traces WHERE evaluation_id = ?').get(id) as {
        n: number;
      }
    ).n;
    const items = (
      prepare(
        this.db,
        `SELECT t.question_id, t.idx, t.prediction, t.scores, q.question
           FROM evaluation_traces t
           JOIN evaluations e ON e.id = t.evaluation_id
           LEFT JOIN questions q ON q.set_id = json_extract(e.config, '$.questionSetId') AND q.id = t.question_id
           WHERE t.evaluation_id = ? ORDER BY t.idx LIMIT ? OFFSET ?`,
      ).all(id, opts.limit, opts.offset) as {
        question_id: string;
        idx: number;
        prediction: string;
        scores: string;
        question: string | null;
      }[]
    ).map((r) => ({
      questionId: r.question_id,
      idx: r.idx,
      question: r.question ?? r.question_id,
      prediction: r.prediction,
      scores: JSON.parse(r.scores) as Record<string, number>,
    }));
    return { items, total, offset: opts.offset, limit: opts.limit };
  }

  allTraces(id: string): EvaluationTraceRow[] {
    return this.traces(id, { offset: 0, limit: 1_000_000 }).items;
  }
}
