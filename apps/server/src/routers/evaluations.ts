import { z } from 'zod';
import { confineStudentDir, STUDENT_ROOTS } from '../corpora/confine';
import { compareEvaluations } from '../evaluation/compare';
import { EvalConfigSchema } from '../evaluation/config';
import { JudgeStartSchema, listJudgements, startJudgement } from '../evaluation/judge/index';
import { startEvaluation } from '../evaluation/start';
import { liveGenerators, unexportedRuns } from '../students/generators';
import { procedure, router } from '../trpc';
import { Id, PAGE_MAX, Paging } from './schemas';

export const evaluationsRouter = router({
  list: procedure.query(({ ctx }) => ctx.wb.store.evaluations.list()),
  /**
   * What the evaluation form can evaluate: each generator with the spec evaluations.start takes,
   * and the finished training runs that need an export first (training.export).
   */
  generators: procedure.query(({ ctx }) => ({
    generators: liveGenerators(ctx.wb).map(({ id, label, kind, spec }) => ({ id, label, kind, spec })),
    unexported: unexportedRuns(ctx.wb),
  })),
  get: procedure
    .input(z.object({ id: Id }))
    .query(({ ctx, input }) => ctx.wb.store.evaluations.require(input.id)),
  start: procedure.input(EvalConfigSchema).mutation(({ ctx, input }) => {
    const { generator } = input;
    const confined =
      generator.kind === 'onnx'
        ? { ...generator, dir: confineStudentDir(generator.dir, STUDENT_ROOTS(ctx.wb.store.dir)) }
        : generator;
    return startEvaluation(ctx.wb, { ...input, generator: confined });
  }),
  /**
   * Whole traces in question order, a page (≤ 100) at a time: `offset` pages on through any
   * number of questions; `questionIds` keeps only those questions (e.g. the one a view shows).
   */
  traces: procedure
    .input(Paging.extend({ id: Id, questionIds: z.array(Id).min(1).max(PAGE_MAX).optional() }))
    .query(({ ctx, input }) => {
      ctx.wb.store.evaluations.require(input.id);
      return ctx.wb.store.evaluations.traces(input.id, input);
    }),
  /** Per question its text, prediction and scores, no trace: up to 5,000 a page, for long lists. */
  outcomes: procedure
    .input(
      z.object({
        id: Id,
        offset: z.number().int().min(0).default(0),
        limit: z.number().int().min(1).max(5000).default(5000),
      }),
    )
    .query(({ ctx, input }) => {
      ctx.wb.store.evaluations.require(input.id);
      return ctx.wb.store.evaluations.outcomes(input.id, input);
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
  /** Judge an evaluation's traces by reasoning stage or rationale validity (LM judge or offline evidence judge), as a queued job. */
  judge: procedure.input(JudgeStartSchema).mutation(({ ctx, input }) => startJudgement(ctx.wb, input)),
  /** An evaluation's judgements: status, progress, and once done the scores with 95% CIs and the unparseable count. */
  judgements: procedure
    .input(z.object({ id: Id }))
    .query(({ ctx, input }) => listJudgements(ctx.wb.store, input.id)),
});
