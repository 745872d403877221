import { EventEmitter, on, setMaxListeners } from 'node:events';
import { errorMessage, UserError } from '../errors';
import type { JobKind, JobProgress, JobRow } from '../store/jobs';
import { isFinished } from '../store/jobs';
import type { Store } from '../store/store';
import { ProgressMeter } from './progress';

export interface JobContext {
  job: JobRow;
  store: Store;
  /** Aborted on cancel or shutdown; handlers stop at the next safe point. */
  signal: AbortSignal;
  /** Reports progress: persisted (throttled) and streamed to subscribers. */
  progress(update: { done?: number; total?: number | null; message?: string | null }): void;
}

export interface JobType {
  run(ctx: JobContext): Promise<unknown>;
  /** Mirrors the job's status onto the entity it works for (teacher run, training run, …). */
  onStatus?(store: Store, job: JobRow): void;
}

export interface JobEvent {
  seq: number;
  job: JobRow;
}

interface Active {
  abort: AbortController;
  done: Promise<JobRow>;
  reason: 'cancel' | 'shutdown' | null;
}

const PERSIST_EVERY_MS = 500;

/**
 * Queued jobs, at most `concurrency` at a time, in this process. State lives in the store, so a
 * job of a killed process is found 'running' with a dead pid at the next start and resumed.
 */
export class JobRunner {
  /** Emits 'job' with a JobEvent on every status or progress change. */
  readonly emitter = new EventEmitter();
  private readonly active = new Map<string, Active>();
  private seq = 0;
  private stopped = false;

  constructor(
    readonly store: Store,
    private readonly types: Partial<Record<JobKind, JobType>>,
    private readonly opts: { concurrency: number } = { concurrency: 2 },
  ) {
    this.emitter.setMaxListeners(0);
  }

  /** Re-queues jobs interrupted by a dead process, then starts the queue. */
  start(): JobRow[] {
    this.stopped = false;
    const resumed = this.store.jobs.recoverInterrupted();
    for (const job of resumed) this.changed(job);
    this.pump();
    return resumed;
  }

  enqueue(kind: JobKind, payload: Record<string, unknown>, id?: string): JobRow {
    this.typeOf(kind);
    const job = this.store.jobs.create(kind, payload, id ? { id } : {});
    this.changed(job);
    queueMicrotask(() => this.pump());
    return job;
  }

  /**
   * Runs in the foreground a job this process already created claimed (jobs.create with
   * claimedBy: process.pid), in the transaction that wrote what it works on: a kill can then
   * never leave that work without a job for `steper resume` to find.
   */
  async runClaimed(job: JobRow): Promise<JobRow> {
    this.typeOf(job.kind);
    if (job.runnerPid !== process.pid) {
      throw new UserError('CONFLICT', `Job ${job.id} is not claimed by this process (${process.pid}).`);
    }
    this.changed(job);
    return this.execute(job);
  }

  /** Runs a job in the foreground, outside the concurrency bound (the CLI's way). */
  async runNow(
    kind: JobKind,
    payload: Record<string, unknown>,
    created?: (job: JobRow) => void,
  ): Promise<JobRow> {
    this.typeOf(kind);
    const job = this.store.jobs.create(kind, payload, { claimedBy: process.pid });
    created?.(job);
    this.changed(job);
    return this.execute(job);
  }

  /** Puts a cancelled, failed or interrupted job back in the queue; it continues from what is stored. */
  resume(id: string): JobRow {
    const job = this.store.jobs.require(id);
    if (this.active.has(id) || job.status === 'queued') return job;
    if (job.status === 'done') throw new UserError('PRECONDITION_FAILED', `Job ${id} is already done.`);
    const requeued = this.store.jobs.requeue(id);
    this.changed(requeued);
    queueMicrotask(() => this.pump());
    return requeued;
  }

  /** Resumes a stopped job in the foreground (the CLI's `resume`). */
  async resumeNow(id: string): Promise<JobRow> {
    const job = this.store.jobs.require(id);
    if (job.status === 'done') return job;
    if (job.status === 'running') {
      this.store.jobs.recoverInterrupted();
      if (this.store.jobs.require(id).status === 'running') {
        throw new UserError('CONFLICT', `Job ${id} is running in live process ${job.runnerPid}.`);
      }
    }
    if (job.status !== 'queued') this.store.jobs.requeue(id);
    if (!this.store.jobs.claim(id, process.pid)) {
      throw new UserError('CONFLICT', `Job ${id} was taken by another runner.`);
    }
    const claimed = this.store.jobs.require(id);
    this.changed(claimed);
    return this.execute(claimed);
  }

  cancel(id: string): JobRow {
    const job = this.store.jobs.require(id);
    const active = this.active.get(id);
    if (active) {
      active.reason = 'cancel';
      active.abort.abort(new UserError('CONFLICT', `Job ${id} was cancelled.`));
      return job;
    }
    if (job.status === 'queued' || job.status === 'running') {
      const row = this.store.jobs.finish(id, 'cancelled', { error: 'cancelled' });
      this.changed(row);
      return row;
    }
    return job;
  }

  /** Resolves when the job reaches done, failed or cancelled. */
  async waitFor(id: string, signal?: AbortSignal): Promise<JobRow> {
    const job = this.store.jobs.require(id);
    if (isFinished(job.status)) return job;
    for await (const [event] of on(this.emitter, 'job', signal ? { signal } : {})) {
      const e = event as JobEvent;
      if (e.job.id === id && isFinished(e.job.status)) return e.job;
    }
    throw new Error('unreachable');
  }

  /** Live job events; the caller filters. */
  subscribe(listener: (e: JobEvent) => void): () => void {
    this.emitter.on('job', listener);
    return () => this.emitter.off('job', listener);
  }

  get activeCount(): number {
    return this.active.size;
  }

  /**
   * Stops running jobs and leaves them queued, so the next start continues them. Waits for their
   * handlers to reach a safe point.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    const waits = [...this.active.values()].map((a) => {
      a.reason = 'shutdown';
      a.abort.abort(new Error('server shutting down'));
      return a.done.catch(() => undefined);
    });
    await Promise.all(waits);
  }

  private typeOf(kind: JobKind): JobType {
    const t = this.types[kind];
    if (!t) throw new UserError('BAD_REQUEST', `No runner for job kind "${kind}" in this process.`);
    return t;
  }

  private pump(): void {
    if (this.stopped) return;
    for (const job of this.store.jobs.queued()) {
      if (this.active.size >= this.opts.concurrency) return;
      if (!this.types[job.kind]) continue;
      if (!this.store.jobs.claim(job.id, process.pid)) continue;
      const claimed = this.store.jobs.require(job.id);
      this.changed(claimed);
      void this.execute(claimed).finally(() => this.pump());
    }
  }

  private execute(job: JobRow): Promise<JobRow> {
    const type = this.typeOf(job.kind);
    const abort = new AbortController();
    // Every teacher request of the job listens on this signal: many are in flight at once.
    setMaxListeners(0, abort.signal);
    const meter = new ProgressMeter(job.progress);
    let lastPersist = 0;
    const entry: Active = { abort, done: Promise.resolve(job), reason: null };
    const ctx: JobContext = {
      job,
      store: this.store,
      signal: abort.signal,
      progress: (u) => {
        const p = meter.update(u);
        const t = Date.now();
        if (t - lastPersist >= PERSIST_EVERY_MS || (p.total !== null && p.done >= p.total)) {
          lastPersist = t;
          this.persistProgress(job.id, p);
        }
        this.emit({ ...job, status: 'running', progress: p });
      },
    };
    this.active.set(job.id, entry);
    entry.done = (async () => {
      try {
        const result = await type.run(ctx);
        this.persistProgress(job.id, meter.value);
        if (abort.signal.aborted && entry.reason === 'shutdown') return this.leaveQueued(job.id);
        return this.finish(job.id, 'done', { result: result ?? null });
      } catch (err) {
        this.persistProgress(job.id, meter.value);
        if (abort.signal.aborted) {
          if (entry.reason === 'shutdown') return this.leaveQueued(job.id);
          return this.finish(job.id, 'cancelled', { error: 'cancelled' });
        }
        return this.finish(job.id, 'failed', { error: errorMessage(err) });
      } finally {
        // A resumed run of the same job may already hold the slot: only free our own.
        if (this.active.get(job.id) === entry) this.active.delete(job.id);
      }
    })();
    return entry.done;
  }

  private persistProgress(id: string, p: JobProgress): void {
    if (this.store.db.open) this.store.jobs.setProgress(id, p);
  }

  private leaveQueued(id: string): JobRow {
    const row = this.store.jobs.requeue(id);
    this.changed(row);
    return row;
  }

  private finish(
    id: string,
    status: 'done' | 'failed' | 'cancelled',
    opts: { result?: unknown; error?: string },
  ) {
    const row = this.store.jobs.finish(id, status, opts);
    this.changed(row);
    return row;
  }

  /** A status change: mirror it onto the job's entity, then tell subscribers. */
  private changed(job: JobRow): void {
    this.types[job.kind]?.onStatus?.(this.store, job);
    this.emit(job);
  }

  private emit(job: JobRow): void {
    this.seq += 1;
    this.emitter.emit('job', { seq: this.seq, job } satisfies JobEvent);
  }
}
