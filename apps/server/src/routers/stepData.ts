import { StageSchema } from '@steper/core';
import { z } from 'zod';
import { notFound } from '../errors';
import { exportAnnotated } from '../stepdata/annotated';
import { BuildStepDataSchema, buildStepData, EXAMPLES_FILE, MANIFEST_FILE } from '../stepdata/build';
import { procedure, router } from '../trpc';
import { Id, Paging } from './schemas';

export const stepDataRouter = router({
  list: procedure
    .input(z.object({ teacherRunId: Id.optional() }).default({}))
    .query(({ ctx, input }) => ctx.wb.store.stepDatasets.list(input.teacherRunId)),

  get: procedure.input(z.object({ id: Id })).query(({ ctx, input }) => {
    const d = ctx.wb.store.stepDatasets.require(input.id);
    return {
      ...d,
      files: {
        examples: ctx.wb.store.path(`${d.exportDir}/${EXAMPLES_FILE}`),
        manifest: ctx.wb.store.path(`${d.exportDir}/${MANIFEST_FILE}`),
      },
      annotations: ctx.wb.store.annotations.summary(d.id),
    };
  }),

  /** Filter the run's traces and export the step-wise dataset (JSONL + manifest) for the trainer. */
  build: procedure
    .input(BuildStepDataSchema)
    .mutation(({ ctx, input }) => buildStepData(ctx.wb.store, input)),

  /** examples.annotated.jsonl: rejected examples left out, edited targets applied. */
  exportAnnotated: procedure
    .input(z.object({ id: Id, annotator: z.string().trim().min(1).max(100).optional() }))
    .mutation(({ ctx, input }) => exportAnnotated(ctx.wb.store, input.id, input.annotator)),

  examples: procedure
    .input(
      Paging.extend({
        id: Id,
        stage: StageSchema.optional(),
        questionId: Id.optional(),
        step: z.number().int().min(1).max(20).optional(),
      }),
    )
    .query(({ ctx, input }) => {
      ctx.wb.store.stepDatasets.require(input.id);
      return ctx.wb.store.stepDatasets.examples(input.id, input);
    }),

  example: procedure.input(z.object({ id: Id, exampleId: z.string().min(1) })).query(({ ctx, input }) => {
    ctx.wb.store.stepDatasets.require(input.id);
    const e = ctx.wb.store.stepDatasets.example(input.id, input.exampleId);
    if (!e) throw notFound('step example', input.exampleId, `It is not in dataset ${input.id}.`);
    return e;
  }),

  /**
   * Questions of the dataset with their example counts per stage, for question-by-question browsing;
   * `assignedTo` keeps only the questions assigned to that annotator.
   */
  questions: procedure
    .input(Paging.extend({ id: Id, assignedTo: z.string().trim().min(1).max(100).optional() }))
    .query(({ ctx, input }) => {
      ctx.wb.store.stepDatasets.require(input.id);
      return ctx.wb.store.stepDatasets.questions(input.id, input);
    }),
});
