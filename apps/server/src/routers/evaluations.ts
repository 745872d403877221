import { z } from 'zod';
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
});
