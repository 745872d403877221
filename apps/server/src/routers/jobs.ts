import { on } from 'node:events';
import { tracked } from '@trpc/server';
import { z } from 'zod';
import type { JobEvent } from '../jobs/runner';
import { JOB_KINDS, JOB_STATUSES, type JobRow } from '../store/jobs';
import { procedure, router } from '../trpc';
import { Id, PAGE_MAX } from './schemas';

export const jobsRouter = router({
  list: procedure
    .input(
      z
        .object({
          status: z.enum(JOB_STATUSES).optional(),
          kind: z.enum(JOB_KINDS).optional(),
          limit: z.number().int().min(1).max(PAGE_MAX).default(100),
        })
        .default({ limit: 100 }),
    )
    .query(({ ctx, input }) => ctx.wb.store.jobs.list(input)),

  get: procedure.input(z.object({ id: Id })).query(({ ctx, input }) => ctx.wb.store.jobs.require(input.id)),

  cancel: procedure.input(z.object({ id: Id })).mutation(({ ctx, input }) => ctx.wb.runner.cancel(input.id)),

  /** A cancelled, failed or interrupted job continues from what the store holds. */
  resume: procedure.input(z.object({ id: Id })).mutation(({ ctx, input }) => ctx.wb.runner.resume(input.id)),

  /**
   * Live job state: first the current state (so a reconnecting client is up to date whatever it
   * missed), then every status and progress change, as SSE with event ids.
   */
  watch: procedure
    .input(z.object({ id: Id.optional(), lastEventId: z.string().nullish() }).default({}))
    // Not a generator itself: an unknown id is refused (NOT_FOUND) before the stream starts,
    // instead of failing inside it as an internal error with a listener left behind.
    .subscription(({ ctx, input, signal }) => {
      const { wb } = ctx;
      if (input.id) wb.store.jobs.require(input.id);
      // Listening before the current state is read: no change falls between the two.
      const live = on(wb.runner.emitter, 'job', signal ? { signal } : {});
      return (async function* () {
        const initial: JobRow[] = input.id
          ? [wb.store.jobs.require(input.id)]
          : wb.store.jobs.list({ limit: 100 }).filter((j) => j.status === 'queued' || j.status === 'running');
        for (const job of initial) yield tracked(`0:${job.id}`, job);
        try {
          for await (const [event] of live) {
            const e = event as JobEvent;
            if (input.id && e.job.id !== input.id) continue;
            yield tracked(String(e.seq), e.job);
          }
        } catch (err) {
          if (!signal?.aborted) throw err;
        }
      })();
    }),
});
