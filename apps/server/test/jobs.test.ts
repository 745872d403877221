import { describe, expect, it } from 'vitest';
import { forEachPendingQuestion } from '../src/jobs/pending';
import { ProgressMeter } from '../src/jobs/progress';
import { type JobContext, JobRunner, type JobType } from '../src/jobs/runner';
import { Store } from '../src/store/store';
import { tempDir } from './support/workspace';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A job that counts to `n`, a step every `ms`, stopping at the signal. */
function counting(state: { running: number; maxRunning: number; runs: string[] }, ms = 5): JobType {
  return {
    async run(ctx: JobContext) {
      state.running += 1;
      state.maxRunning = Math.max(state.maxRunning, state.running);
      state.runs.push(ctx.job.id);
      try {
        const n = Number(ctx.job.payload.n ?? 5);
        for (let i = ctx.job.progress.done; i < n; i++) {
          await sleep(ms);
          ctx.signal.throwIfAborted();
          ctx.progress({ done: i + 1, total: n });
        }
        if (ctx.job.payload.fail) throw new Error(`job failed on purpose: ${ctx.job.payload.fail}`);
        return { counted: n };
      } finally {
        state.running -= 1;
      }
    },
  };
}

function setup(concurrency = 2, ms = 5) {
  const store = Store.open(tempDir());
  const state = { running: 0, maxRunning: 0, runs: [] as string[] };
  const runner = new JobRunner(store, { index: counting(state, ms) }, { concurrency });
  return { store, runner, state };
}

describe('job runner', () => {
  it('runs queued jobs with bounded concurrency and records results', async () => {
    const { store, runner, state } = setup(2);
    runner.start();
    const jobs = Array.from({ length: 5 }, () => runner.enqueue('index', { n: 4 }));
    const done = await Promise.all(jobs.map((j) => runner.waitFor(j.id)));
    expect(done.map((j) => j.status)).toEqual(['done', 'done', 'done', 'done', 'done']);
    expect(state.maxRunning).toBe(2);
    expect(done[0]!.result).toEqual({ counted: 4 });
    expect(store.jobs.require(jobs[0]!.id).progress).toMatchObject({ done: 4, total: 4 });
    await runner.stop();
    store.close();
  });

  it('reports progress live with a rate and an ETA', async () => {
    const { store, runner } = setup(1, 20);
    runner.start();
    const seen: { done: number; rate: number | null; eta: number | null }[] = [];
    const off = runner.subscribe((e) =>
      seen.push({ done: e.job.progress.done, rate: e.job.progress.rate, eta: e.job.progress.etaSeconds }),
    );
    const job = runner.enqueue('index', { n: 6 });
    await runner.waitFor(job.id);
    off();
    const mid = seen.find((s) => s.done === 3)!;
    expect(mid.rate).toBeGreaterThan(5);
    expect(mid.rate).toBeLessThan(100);
    expect(mid.eta).toBeGreaterThan(0);
    expect(seen.at(-1)!.done).toBe(6);
    await runner.stop();
    store.close();
  });

  it('cancels a running and a queued job, and resumes from the stored progress', async () => {
    const { store, runner } = setup(1, 20);
    runner.start();
    const a = runner.enqueue('index', { n: 50 });
    const b = runner.enqueue('index', { n: 3 });
    while (store.jobs.require(a.id).status !== 'running' || runner.activeCount === 0) await sleep(5);
    await sleep(100);
    runner.cancel(b.id);
    runner.cancel(a.id);
    expect((await runner.waitFor(a.id)).status).toBe('cancelled');
    expect(store.jobs.require(b.id).status).toBe('cancelled');
    const doneAtCancel = store.jobs.require(a.id).progress.done;
    expect(doneAtCancel).toBeGreaterThan(0);
    expect(doneAtCancel).toBeLessThan(50);
    runner.resume(a.id);
    const finished = await runner.waitFor(a.id);
    expect(finished.status).toBe('done');
    expect(finished.attempts).toBe(2);
    await runner.stop();
    store.close();
  });

  it('records a failure with its message and refuses unknown kinds', async () => {
    const { store, runner } = setup(1);
    runner.start();
    const job = runner.enqueue('index', { n: 2, fail: 'boom' });
    const done = await runner.waitFor(job.id);
    expect(done.status).toBe('failed');
    expect(done.error).toContain('job failed on purpose: boom');
    expect(() => runner.enqueue('train', {})).toThrow(/No runner for job kind "train"/);
    await runner.stop();
    store.close();
  });

  it('leaves running jobs queued on shutdown, so the next start continues them', async () => {
    const dir = tempDir();
    const store = Store.open(dir);
    const state = { running: 0, maxRunning: 0, runs: [] as string[] };
    const runner = new JobRunner(store, { index: counting(state, 20) }, { concurrency: 1 });
    runner.start();
    const job = runner.enqueue('index', { n: 30 });
    while (store.jobs.require(job.id).progress.done < 2) await sleep(10);
    await runner.stop();
    expect(store.jobs.require(job.id).status).toBe('queued');
    const again = new JobRunner(store, { index: counting(state, 1) }, { concurrency: 1 });
    again.start();
    expect((await again.waitFor(job.id)).status).toBe('done');
    await again.stop();
    store.close();
  });
});

describe('progress meter', () => {
  it('measures the rate over its window and excludes work done before a resume', () => {
    let t = 0;
    const m = new ProgressMeter(
      { done: 100, total: 200, rate: null, etaSeconds: null, message: null },
      10_000,
      () => t,
    );
    t = 1000;
    m.update({ done: 110 });
    expect(m.value.rate).toBeCloseTo(10);
    expect(m.value.etaSeconds).toBeCloseTo(9);
    t = 2000;
    m.update({ done: 130 });
    expect(m.value.rate).toBeCloseTo(15);
    t = 30_000;
    m.update({ done: 150 });
    // Only the window (and the sample before it) counts: 20 items over 28 s.
    expect(m.value.rate).toBeCloseTo(20 / 28);
  });
});

describe('forEachPendingQuestion', () => {
  const questions = ['q0', 'q1', 'q2', 'q3'].map((id) => ({ id }));
  const run = (done: string[], fail?: string) => {
    const log: string[] = [];
    const updates: unknown[] = [];
    const result = forEachPendingQuestion(
      {
        questions,
        done: new Set(done),
        concurrency: 2,
        signal: new AbortController().signal,
        progress: (u) => updates.push(u),
      },
      () => {
        log.push('open');
        return 'session';
      },
      async (resource, q, idx) => {
        if (q.id === fail) throw new Error(`${q.id} failed`);
        log.push(`${resource}:${q.id}@${idx}`);
      },
      async () => {
        log.push('close');
      },
    );
    return { result, log, updates };
  };

  it('runs only what is not stored yet, with its index in the whole set, and counts the stored ones', async () => {
    const { result, log, updates } = run(['q1']);
    expect(await result).toBe(4);
    expect(log[0]).toBe('open');
    expect(log.at(-1)).toBe('close');
    expect(log.slice(1, -1).sort()).toEqual(['session:q0@0', 'session:q2@2', 'session:q3@3']);
    expect(updates[0]).toEqual({ done: 1, total: 4, message: 'resumed after 1' });
    expect(updates.at(-1)).toEqual({ done: 4 });
  });

  it('opens nothing when every question is stored, and closes after a failure', async () => {
    const all = run(['q0', 'q1', 'q2', 'q3']);
    expect(await all.result).toBe(4);
    expect(all.log).toEqual([]);
    const failing = run([], 'q2');
    await expect(failing.result).rejects.toThrow('q2 failed');
    expect(failing.log.at(-1)).toBe('close');
  });
});
