import { z } from 'zod';
import { notFound } from '../errors';
import { ANNOTATION_STATUSES } from '../store/annotations';
import { procedure, router } from '../trpc';
import { Id } from './schemas';

const Annotator = z.string().trim().min(1).max(100);

export const annotationsRouter = router({
  list: procedure
    .input(
      z.object({
        datasetId: Id,
        questionId: Id.optional(),
        annotator: Annotator.optional(),
        status: z.enum(ANNOTATION_STATUSES).optional(),
      }),
    )
    .query(({ ctx, input }) => {
      ctx.wb.store.stepDatasets.require(input.datasetId);
      return ctx.wb.store.annotations.list(input.datasetId, input);
    }),

  /**
   * Accept, reject or edit one example. `expectedVersion` is the version the annotator read
   * (omit it to create): a stale one is a CONFLICT, never a silent overwrite.
   */
  save: procedure
    .input(
      z.object({
        datasetId: Id,
        exampleId: z.string().min(1),
        annotator: Annotator,
        status: z.enum(ANNOTATION_STATUSES),
        editedTarget: z.string().min(1).max(100_000).nullish(),
        reason: z.string().max(5000).nullish(),
        expectedVersion: z.number().int().min(0).optional(),
      }),
    )
    .mutation(({ ctx, input }) => {
      const { store } = ctx.wb;
      store.stepDatasets.require(input.datasetId);
      const example = store.stepDatasets.example(input.datasetId, input.exampleId);
      if (!example)
        throw notFound('step example', input.exampleId, `It is not in dataset ${input.datasetId}.`);
      return store.annotations.save({ ...input, questionId: example.questionId });
    }),

  remove: procedure
    .input(
      z.object({
        datasetId: Id,
        exampleId: z.string().min(1),
        annotator: Annotator,
        expectedVersion: z.number().int().min(1),
      }),
    )
    .mutation(({ ctx, input }) => {
      ctx.wb.store.annotations.remove(
        input.datasetId,
        input.exampleId,
        input.annotator,
        input.expectedVersion,
      );
      return { removed: true };
    }),

  summary: procedure.input(z.object({ datasetId: Id })).query(({ ctx, input }) => {
    ctx.wb.store.stepDatasets.require(input.datasetId);
    return ctx.wb.store.annotations.summary(input.datasetId);
  }),
});
