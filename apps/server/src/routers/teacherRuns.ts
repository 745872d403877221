import { z } from 'zod';
import { notFound } from '../errors';
import { TeachConfigSchema } from '../teach/config';
import { startTeacherRun } from '../teach/start';
import { procedure, router } from '../trpc';
import { Id, Paging } from './schemas';

export const teacherRunsRouter = router({
  list: procedure.query(({ ctx }) => ctx.wb.store.teacherRuns.list()),

  /** The run with its whole configuration: loop, S, K, teacher, prompts, demonstrations. */
  get: procedure
    .input(z.object({ id: Id }))
    .query(({ ctx, input }) => ctx.wb.store.teacherRuns.require(input.id)),

  /**
   * Checks corpus, index, questions and the teacher on the first question, then queues the run.
   * Without demonstrations it gets the workspace's default ones (else the built-in); the run
   * records which in `config.demonstrationsSource` ('request' | 'workspace' | 'built-in').
   */
  start: procedure.input(TeachConfigSchema).mutation(({ ctx, input }) => startTeacherRun(ctx.wb, input)),

  /** The question types among the run's traces with their counts, for the explorer's type filter. */
  questionTypes: procedure.input(z.object({ id: Id })).query(({ ctx, input }) => {
    ctx.wb.store.teacherRuns.requireExists(input.id);
    return ctx.wb.store.teacherRuns.questionTypes(input.id);
  }),

  traces: procedure
    .input(
      Paging.extend({
        id: Id,
        correct: z.boolean().optional(),
        earlyStop: z.boolean().optional(),
        steps: z.number().int().min(1).max(20).optional(),
        search: z.string().max(200).optional(),
        /** The question's type (bridge, comparison, …), as teacherRuns.questionTypes lists them. */
        type: z.string().min(1).max(100).optional(),
      }),
    )
    .query(({ ctx, input }) => {
      ctx.wb.store.teacherRuns.requireExists(input.id);
      return ctx.wb.store.teacherRuns.traces(input.id, input);
    }),

  trace: procedure.input(z.object({ id: Id, questionId: Id })).query(({ ctx, input }) => {
    ctx.wb.store.teacherRuns.requireExists(input.id);
    const t = ctx.wb.store.teacherRuns.trace(input.id, input.questionId);
    if (!t) throw notFound('trace of question', input.questionId, `Run ${input.id} has none (yet).`);
    return t;
  }),
});
