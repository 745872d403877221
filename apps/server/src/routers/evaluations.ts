import { z } from 'zod';
import { compareEvaluations } from '../evaluation/compare';
import { EvalConfigSchema } from '../evaluation/config';
import { startEvaluation } from '../evaluation/start';
import { procedure, router } from '../trpc';
import { Id, Paging } from './schemas';

export const evaluationsRouter = router({
  list: procedure.query(({ ctx }) => ctx.wb.store.evaluations.list()),
  get: procedure
    .input(z.object({ id: Id }))
    .query(({ ctx, input }) => ctx.wb.store.evaluations.require(input.id)),
  start: procedure.input(EvalConfigSchema).mutation(({ ctx, input }) => startEvaluation(ctx.wb, input)),
  traces: procedure.input(Paging.extend({ id: Id })).query(({ ctx, input }) => {
    ctx.wb.store.evaluations.require(input.id);
    return ctx.wb.store.evaluations.traces(input.id, input);
  }),
  /** Paired test of A against B on the same questions: is the difference real or noise? */
  compare: procedure
    .input(
      z.object({
        a: Id,
        b: Id,
        resamples: z.number().int().min(100).max(100_000).default(2000),
        seed: z.number().int().default(0),
      }),
    )
    .query(({ ctx, input }) =>
      compareEvaluations(ctx.wb.store, input.a, input.b, { resamples: input.resamples, seed: input.seed }),
    ),
});
