import type { TrainerEvent } from '@steper/core';
import { describe, expect, it } from 'vitest';
import { callerFor, failure } from './support/caller';
import { buildTinyModel, requireTrainerVenv, TINY_TEXTS } from './support/tinyTeacher';
import { smallDemo, testWorkbench } from './support/workspace';

describe('training.extend with the real trainer (tiny model on CPU)', () => {
  it('continues a finished run by more epochs from its last checkpoint, as the same run', async () => {
    requireTrainerVenv();
    const model = await buildTinyModel(TINY_TEXTS);
    const wb = testWorkbench();
    const demo = await smallDemo(wb);
    const api = callerFor(wb);
    wb.runner.start();

    const { run, job } = await api.training.start({
      name: 'tiny vanilla',
      datasetId: demo.datasetId,
      config: {
        model,
        objective: 'vanilla',
        device: 'cpu',
        epochs: 1,
        batch_size: 8,
        max_seq_len: 256,
        lr: 1e-3,
        eval_every: 0,
        gradient_checkpointing: false,
      },
    });
    // Not finished yet: nothing to extend.
    expect((await failure(api.training.extend({ id: run.id, epochs: 1 }))).code).toBe('PRECONDITION_FAILED');
    expect((await wb.runner.waitFor(job!.id)).status).toBe('done');
    const before = await api.training.events({ id: run.id });
    const firstDone = before.at(-1)!.event as Extract<TrainerEvent, { event: 'done' }>;
    expect(firstDone.event).toBe('done');

    const extended = await api.training.extend({ id: run.id, epochs: 1 });
    expect(extended.run.id).toBe(run.id);
    expect(extended.run.status).toBe('queued');
    expect(extended.run.jobId).toBe(extended.job.id);
    expect(extended.job.payload).toMatchObject({ runId: run.id, extendEpochs: 1 });
    // Queued or running again: a second extension waits for this one.
    expect((await failure(api.training.extend({ id: run.id, epochs: 1 }))).message).toMatch(
      /is (queued|running): only a finished run can be extended/,
    );
    const finished = await wb.runner.waitFor(extended.job.id);
    expect(finished.error).toBeNull();
    expect(finished.status).toBe('done');
    expect((await api.training.get({ id: run.id })).status).toBe('done');

    const after = await api.training.events({ id: run.id, afterSeq: before.at(-1)!.seq });
    const start = after[0]!.event as Extract<TrainerEvent, { event: 'start' }>;
    expect(start.event).toBe('start');
    expect(start.resumedFromStep).toBe(firstDone.step);
    const steps = after.flatMap((e) => (e.event.event === 'step' ? [e.event.step] : []));
    expect(steps[0]).toBe(firstDone.step + 1);
    expect(steps.at(-1)).toBe(2 * firstDone.step);
    expect(after.at(-1)!.event.event).toBe('done');

    expect((await failure(api.training.extend({ id: run.id, epochs: 0 }))).message).toMatch(/field "epochs"/);
    expect((await failure(api.training.extend({ id: 'train_nope', epochs: 1 }))).code).toBe('NOT_FOUND');
  }, 480_000);
});
