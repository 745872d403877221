import { on } from 'node:events';
import type { TrainerEvent } from '@steper/core';
import { tracked } from '@trpc/server';
import { z } from 'zod';
import { confineTrainerFiles } from '../corpora/confine';
import { UserError } from '../errors';
import { startExport } from '../training/export';
import { trainingEvents } from '../training/job';
import { startTraining, TrainingStartSchema } from '../training/start';
import { prepareTinyStudent, studentChoices } from '../training/students';
import { procedure, router } from '../trpc';
import { Id } from './schemas';

export const trainingRouter = router({
  list: procedure.query(({ ctx }) => ctx.wb.store.trainingRuns.list()),

  /** The run with its resolved config and the exact command it runs. */
  get: procedure
    .input(z.object({ id: Id }))
    .query(({ ctx, input }) => ctx.wb.store.trainingRuns.require(input.id)),

  /** Student models the form offers for a dataset, each with the defaults that fit its size. */
  students: procedure
    .input(z.object({ datasetId: Id.optional() }))
    .query(({ ctx, input }) => studentChoices(ctx.wb, input.datasetId)),

  /** Builds the dataset's tiny student (once; seconds) and returns it with defaults that cut nothing. */
  prepareStudent: procedure
    .input(z.object({ datasetId: Id }))
    .mutation(({ ctx, input }) => prepareTinyStudent(ctx.wb, input.datasetId)),

  /** Queues the ONNX export of a finished run's student, after which it can be evaluated and played with. */
  export: procedure.input(z.object({ id: Id })).mutation(({ ctx, input }) => startExport(ctx.wb, input.id)),

  start: procedure.input(TrainingStartSchema).mutation(({ ctx, input }) => {
    confineTrainerFiles(input.config, ctx.wb.store.dir);
    return startTraining(ctx.wb, input);
  }),

  /**
   * Train a finished run for more epochs, from its last checkpoint (a warm restart of the
   * schedule): the same run, its job re-queued; its events continue on training.watch.
   */
  extend: procedure
    .input(z.object({ id: Id, epochs: z.number().int().min(1).max(100) }))
    .mutation(({ ctx, input }) => {
      const { store, runner } = ctx.wb;
      const run = store.trainingRuns.require(input.id);
      if (run.status !== 'done') {
        throw new UserError(
          'PRECONDITION_FAILED',
          `Training run ${run.id} is ${run.status}: only a finished run can be extended (resume it instead).`,
        );
      }
      return store.transaction(() => {
        const job = runner.enqueue('train', { runId: run.id, extendEpochs: input.epochs });
        store.trainingRuns.setJob(run.id, job.id);
        return { run: store.trainingRuns.require(run.id), job };
      });
    }),

  cancel: procedure.input(z.object({ id: Id })).mutation(({ ctx, input }) => {
    const run = ctx.wb.store.trainingRuns.require(input.id);
    return run.jobId ? ctx.wb.runner.cancel(run.jobId) : null;
  }),

  /** Stored events after `afterSeq`. */
  events: procedure
    .input(
      z.object({
        id: Id,
        afterSeq: z.number().int().min(0).default(0),
        limit: z.number().int().min(1).max(10_000).default(10_000),
      }),
    )
    .query(({ ctx, input }) => {
      ctx.wb.store.trainingRuns.require(input.id);
      return ctx.wb.store.trainingRuns.events(input.id, input.afterSeq, input.limit);
    }),

  /** Every event of the run, stored ones first, then live; a reconnecting client resumes after its last id. */
  watch: procedure
    .input(z.object({ id: Id, lastEventId: z.string().nullish() }))
    // Not a generator itself: an unknown run is refused (NOT_FOUND) before the stream starts.
    .subscription(({ ctx, input, signal }) => {
      const { store } = ctx.wb;
      store.trainingRuns.require(input.id);
      // Listening before the stored events are read: none falls between the two.
      const live = on(trainingEvents, 'event', signal ? { signal } : {});
      return (async function* () {
        let last = Number(input.lastEventId ?? 0) || 0;
        for (const e of store.trainingRuns.events(input.id, last)) {
          last = e.seq;
          yield tracked(String(e.seq), e.event);
        }
        try {
          for await (const [msg] of live) {
            const m = msg as { runId: string; seq: number; event: TrainerEvent };
            if (m.runId !== input.id || m.seq <= last) continue;
            last = m.seq;
            yield tracked(String(m.seq), m.event);
          }
        } catch (err) {
          if (!signal?.aborted) throw err;
        }
      })();
    }),
});
