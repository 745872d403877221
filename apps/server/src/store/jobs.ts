import { notFound } from '../errors';
import { type Db, prepare } from './db';
import { newId, nowIso, parseJson } from './util';

export const JOB_KINDS = ['index', 'teach', 'build', 'train', 'eval', 'judge', 'analysis', 'export'] as const;
export type JobKind = (typeof JOB_KINDS)[number];
export const JOB_STATUSES = ['queued', 'running', 'done', 'failed', 'cancelled'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export interface JobProgress {
  done: number;
  total: number | null;
  /** Items per second over the recent window. */
  rate: number | null;
  etaSeconds: number | null;
  message: string | null;
}

export interface JobRow {
  id: string;
  kind: JobKind;
  status: JobStatus;
  payload: Record<string, unknown>;
  progress: JobProgress;
  result: unknown;
  error: string | null;
  runnerPid: number | null;
  attempts: number;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  updatedAt: string;
}

interface RawJob {
  id: string;
  kind: JobKind;
  status: JobStatus;
  payload: string;
  progress: string;
  result: string | null;
  error: string | null;
  runner_pid: number | null;
  attempts: number;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  updated_at: string;
}

const toRow = (r: RawJob): JobRow => ({
  id: r.id,
  kind: r.kind,
  status: r.status,
  payload: JSON.parse(r.payload),
  progress: JSON.parse(r.progress),
  result: parseJson(r.result),
  error: r.error,
  runnerPid: r.runner_pid,
  attempts: r.attempts,
  createdAt: r.created_at,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  updatedAt: r.updated_at,
});

export const emptyProgress = (): JobProgress => ({
  done: 0,
  total: null,
  rate: null,
  etaSeconds: null,
  message: null,
});

export const isFinished = (s: JobStatus): boolean => s === 'done' || s === 'failed' || s === 'cancelled';

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class JobRepo {
  constructor(private readonly db: Db) {}

  create(
    kind: JobKind,
    payload: Record<string, unknown>,
    opts: { id?: string; claimedBy?: number } = {},
  ): JobRow {
    const id = opts.id ?? newId('job');
    const now = nowIso();
    const claimed = opts.claimedBy !== undefined;
    prepare(
      this.db,
      `INSERT INTO jobs (id, kind, status, payload, progress, runner_pid, attempts, created_at, started_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      id,
      kind,
      claimed ? 'running' : 'queued',
      JSON.stringify(payload),
      JSON.stringify(emptyProgress()),
      opts.claimedBy ?? null,
      claimed ? 1 : 0,
      now,
      claimed ? now : null,
      now,
    );
    return this.require(id);
  }

  get(id: string): JobRow | undefined {
    const r = prepare(this.db, 'SELECT * FROM jobs WHERE id = ?').get(id) as RawJob | undefined;
    return r && toRow(r);
  }

  require(id: string): JobRow {
    const row = this.get(id);
    if (!row) throw notFound('job', id, 'List jobs with `steper jobs` or jobs.list.');
    return row;
  }

  list(opts: { status?: JobStatus; kind?: JobKind; limit?: number } = {}): JobRow[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (opts.status) {
      where.push('status = ?');
      args.push(opts.status);
    }
    if (opts.kind) {
      where.push('kind = ?');
      args.push(opts.kind);
    }
    const sql = `SELECT * FROM jobs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, rowid DESC LIMIT ?`;
    return (prepare(this.db, sql).all(...args, opts.limit ?? 100) as RawJob[]).map(toRow);
  }

  /** Queued jobs, oldest first. */
  queued(): JobRow[] {
    return (
      prepare(
        this.db,
        "SELECT * FROM jobs WHERE status = 'queued' ORDER BY created_at, rowid",
      ).all() as RawJob[]
    ).map(toRow);
  }

  /** Atomically moves a queued job to running for this process; false when another runner took it. */
  claim(id: string, pid: number): boolean {
    const now = nowIso();
    const res = prepare(
      this.db,
      `UPDATE jobs SET status = 'running', runner_pid = ?, attempts = attempts + 1, started_at = COALESCE(started_at, ?),
           updated_at = ?, error = NULL WHERE id = ? AND status = 'queued'`,
    ).run(pid, now, now, id);
    return res.changes === 1;
  }

  setProgress(id: string, progress: JobProgress): void {
    prepare(this.db, 'UPDATE jobs SET progress = ?, updated_at = ? WHERE id = ?').run(
      JSON.stringify(progress),
      nowIso(),
      id,
    );
  }

  finish(
    id: string,
    status: 'done' | 'failed' | 'cancelled',
    opts: { result?: unknown; error?: string } = {},
  ): JobRow {
    const now = nowIso();
    prepare(
      this.db,
      'UPDATE jobs SET status = ?, result = ?, error = ?, runner_pid = NULL, finished_at = ?, updated_at = ? WHERE id = ?',
    ).run(
      status,
      opts.result === undefined ? null : JSON.stringify(opts.result),
      opts.error ?? null,
      now,
      now,
      id,
    );
    return this.require(id);
  }

  /** Puts a stopped job back in the queue; its handler resumes from what the store already holds. */
  requeue(id: string): JobRow {
    prepare(
      this.db,
      "UPDATE jobs SET status = 'queued', runner_pid = NULL, finished_at = NULL, error = NULL, updated_at = ? WHERE id = ?",
    ).run(nowIso(), id);
    return this.require(id);
  }

  /**
   * Jobs left 'running' by a process that no longer exists (killed, crashed, machine rebooted):
   * they go back to the queue. Jobs of a live process (a CLI run beside the server) are left alone.
   */
  recoverInterrupted(ownPid = process.pid): JobRow[] {
    const stale = (prepare(this.db, "SELECT * FROM jobs WHERE status = 'running'").all() as RawJob[]).filter(
      (r) => r.runner_pid === null || (r.runner_pid !== ownPid && !pidAlive(r.runner_pid)),
    );
    return stale.map((r) => this.requeue(r.id));
  }
}
