import type { TrainerEvent } from '@steper/core';
import { notFound } from '../errors';
import { type Db, prepare } from './db';
import type { JobStatus } from './jobs';
import { newId, nowIso } from './util';

export interface TrainingRunRow {
  id: string;
  name: string;
  datasetId: string | null;
  config: Record<string, unknown>;
  /** The exact argument array the trainer was started with. */
  command: string[];
  runDir: string;
  status: JobStatus;
  jobId: string | null;
  bestCheckpoint: string | null;
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
}

interface RawRun {
  id: string;
  name: string;
  dataset_id: string | null;
  config: string;
  command: string;
  run_dir: string;
  status: JobStatus;
  job_id: string | null;
  best_checkpoint: string | null;
  error: string | null;
  created_at: string;
  finished_at: string | null;
}

const toRow = (r: RawRun): TrainingRunRow => ({
  id: r.id,
  name: r.name,
  datasetId: r.dataset_id,
  config: JSON.parse(r.config),
  command: JSON.parse(r.command),
  runDir: r.run_dir,
  status: r.status,
  jobId: r.job_id,
  bestCheckpoint: r.best_checkpoint,
  error: r.error,
  createdAt: r.created_at,
  finishedAt: r.finished_at,
});

export interface StoredTrainerEvent {
  seq: number;
  event: TrainerEvent;
}

export class TrainingRunRepo {
  constructor(private readonly db: Db) {}

  newId(): string {
    return newId('train');
  }

  create(input: {
    id: string;
    name: string;
    datasetId: string | null;
    config: Record<string, unknown>;
    command: string[];
    runDir: string;
  }): TrainingRunRow {
    prepare(
      this.db,
      `INSERT INTO training_runs (id, name, dataset_id, config, command, run_dir, status, created_at)
         VALUES (?, ?, ?, ?, ?, ?, 'queued', ?)`,
    ).run(
      input.id,
      input.name,
      input.datasetId,
      JSON.stringify(input.config),
      JSON.stringify(input.command),
      input.runDir,
      nowIso(),
    );
    return this.require(input.id);
  }

  get(id: string): TrainingRunRow | undefined {
    const r = prepare(this.db, 'SELECT * FROM training_runs WHERE id = ?').get(id) as RawRun | undefined;
    return r && toRow(r);
  }

  require(id: string): TrainingRunRow {
    const row = this.get(id);
    if (!row) throw notFound('training run', id, 'List them with `steper trainings` or training.list.');
    return row;
  }

  list(): TrainingRunRow[] {
    return (prepare(this.db, 'SELECT * FROM training_runs ORDER BY created_at DESC').all() as RawRun[]).map(
      toRow,
    );
  }

  setJob(id: string, jobId: string): void {
    prepare(this.db, 'UPDATE training_runs SET job_id = ? WHERE id = ?').run(jobId, id);
  }

  setStatus(
    id: string,
    status: JobStatus,
    opts: { error?: string | null; bestCheckpoint?: string | null } = {},
  ): void {
    const finished = status === 'done' || status === 'failed' || status === 'cancelled';
    prepare(
      this.db,
      'UPDATE training_runs SET status = ?, error = ?, best_checkpoint = COALESCE(?, best_checkpoint), finished_at = ? WHERE id = ?',
    ).run(status, opts.error ?? null, opts.bestCheckpoint ?? null, finished ? nowIso() : null, id);
  }

  appendEvent(runId: string, event: TrainerEvent): number {
    return this.db.transaction(() => {
      const { n } = prepare(
        this.db,
        'SELECT COALESCE(MAX(seq), 0) + 1 AS n FROM training_events WHERE run_id = ?',
      ).get(runId) as { n: number };
      prepare(
        this.db,
        'INSERT INTO training_events (run_id, seq, event, time, data) VALUES (?, ?, ?, ?, ?)',
      ).run(runId, n, event.event, event.time, JSON.stringify(event));
      return n;
    })();
  }

  /** Events after `afterSeq`, in order: a reconnecting client resumes from its last id. */
  events(runId: string, afterSeq = 0, limit = 10_000): StoredTrainerEvent[] {
    return (
      prepare(
        this.db,
        'SELECT seq, data FROM training_events WHERE run_id = ? AND seq > ? ORDER BY seq LIMIT ?',
      ).all(runId, afterSeq, limit) as { seq: number; data: string }[]
    ).map((r) => ({ seq: r.seq, event: JSON.parse(r.data) as TrainerEvent }));
  }
}
