import type { TrainerEvent } from '@steper/core';
import { describe, expect, it } from 'vitest';
import { appRouter } from '../src/routers/_app';
import { parseTrainerLine } from '../src/training/events';
import { createCallerFactory, createContext } from '../src/trpc';
import { buildTinyModel, requireTrainerVenv, TINY_TEXTS } from './support/tinyTeacher';
import { smallDemo, testWorkbench } from './support/workspace';

const createCaller = createCallerFactory(appRouter);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('trainer events', () => {
  it('parses valid events, keeps plain output as log, reports an invalid event by field', () => {
    const ok = parseTrainerLine(
      JSON.stringify({ event: 'checkpoint', time: 1, step: 2, path: '/x', best: false }),
    );
    expect(ok).toEqual({
      kind: 'event',
      event: { event: 'checkpoint', time: 1, step: 2, path: '/x', best: false },
    });
    expect(parseTrainerLine('loading model…')).toEqual({ kind: 'log', text: 'loading model…' });
    const bad = parseTrainerLine(JSON.stringify({ event: 'step', time: 1, step: 0 }));
    expect(bad.kind).toBe('log');
    expect((bad as { problem: string }).problem).toMatch(/invalid trainer event: field "step"/);
  });
});

describe('training runs with the real trainer (apps/trainer, tiny model on CPU)', () => {
  it('launches, streams and stores events, cancels, resumes from its checkpoint, finishes', async () => {
    requireTrainerVenv();
    const model = await buildTinyModel(TINY_TEXTS);
    const wb = testWorkbench();
    const demo = await smallDemo(wb);
    const api = createCaller(createContext(wb)());
    wb.runner.start();

    const before = wb.store.trainingRuns.list().length;
    await expect(api.training.start({ datasetId: 'steps_nope', config: { model } })).rejects.toThrow(
      /Unknown step dataset id "steps_nope"/,
    );
    await expect(api.training.start({ datasetId: demo.datasetId, config: {} })).rejects.toThrow(
      /field "model" is missing/,
    );
    expect(wb.store.trainingRuns.list().length).toBe(before);

    const { run, job } = await api.training.start({
      name: 'tiny steper',
      datasetId: demo.datasetId,
      config: {
        model,
        objective: 'steper-difficulty',
        device: 'cpu',
        epochs: 1,
        batch_size: 2,
        max_steps: 4,
        eval_fraction: 0.25,
        max_seq_len: 256,
        lr: 1e-3,
        checkpoint_every: 1,
        eval_every: 0,
        gradient_checkpointing: false,
      },
    });
    expect(run.command).toEqual(expect.arrayContaining(['train', '--config']));
    expect(run.config).toMatchObject({
      data: expect.stringContaining('examples.jsonl'),
      out_dir: expect.stringContaining(run.id),
    });

    // Watch live, cancel after the first checkpoint.
    const controller = new AbortController();
    const seen: TrainerEvent[] = [];
    const watching = (async () => {
      // The abort signal belongs to the caller, not to one call.
      const watcher = createCaller(createContext(wb)(), { signal: controller.signal });
      const stream = await watcher.training.watch({ id: run.id });
      try {
        for await (const item of stream) seen.push((item as unknown as [string, TrainerEvent])[1]);
      } catch {
        // aborted at the end of the test
      }
    })();
    const deadline = Date.now() + 240_000;
    while (!seen.some((e) => e.event === 'checkpoint') && Date.now() < deadline) {
      const j = wb.store.jobs.require(job!.id);
      if (j.status === 'failed') throw new Error(`training failed: ${j.error}`);
      await sleep(100);
    }
    expect(seen[0]!.event).toBe('start');
    await api.training.cancel({ id: run.id });
    const cancelled = await wb.runner.waitFor(job!.id);
    expect(cancelled.status).toBe('cancelled');
    expect((await api.training.get({ id: run.id })).status).toBe('cancelled');
    await expect(api.training.extend({ id: run.id, epochs: 1 })).rejects.toThrow(
      /only a finished run can be extended/,
    );
    const stepsBefore = seen.filter((e) => e.event === 'step').length;
    expect(stepsBefore).toBeGreaterThanOrEqual(1);

    await api.jobs.resume({ id: job!.id });
    const finished = await wb.runner.waitFor(job!.id);
    expect(finished.error).toBeNull();
    expect(finished.status).toBe('done');
    const done = await api.training.get({ id: run.id });
    expect(done.status).toBe('done');
    expect(done.bestCheckpoint).toBeTruthy();

    const stored = await api.training.events({ id: run.id });
    expect(stored.map((e) => e.seq)).toEqual(stored.map((_, i) => i + 1));
    const starts = stored
      .filter((e) => e.event.event === 'start')
      .map((e) => e.event as Extract<TrainerEvent, { event: 'start' }>);
    expect(starts).toHaveLength(2);
    expect(starts[1]!.resumedFromStep).toBeGreaterThanOrEqual(1);
    const steps = stored
      .filter((e) => e.event.event === 'step')
      .map((e) => (e.event as { step: number }).step);
    expect(steps.at(-1)).toBe(4);
    const last = stored.at(-1)!.event;
    expect(last.event).toBe('done');
    const sigma = stored.find((e) => e.event.event === 'step')!.event as Extract<
      TrainerEvent,
      { event: 'step' }
    >;
    expect(sigma.sigma.agg).not.toBeNull();
    await sleep(200);
    controller.abort();
    await watching;
    expect(seen.length).toBe(stored.length);
    expect(seen.at(-1)!.event).toBe('done');
  }, 480_000);
});
