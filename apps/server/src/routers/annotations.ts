import { z } from 'zod';
import { notFound, UserError } from '../errors';
import { listDisputes } from '../stepdata/disputes';
import { ANNOTATION_STATUSES } from '../store/annotations';
import type { Store } from '../store/store';
import { procedure, router } from '../trpc';
import { Id } from './schemas';

const Annotator = z.string().trim().min(1).max(100);

/** The example, or NOT_FOUND naming it and the dataset; the dataset itself is checked first. */
function requireExample(store: Store, datasetId: string, exampleId: string) {
  store.stepDatasets.require(datasetId);
  const example = store.stepDatasets.example(datasetId, exampleId);
  if (!example) throw notFound('step example', exampleId, `It is not in dataset ${datasetId}.`);
  return example;
}

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
      const example = requireExample(ctx.wb.store, input.datasetId, input.exampleId);
      return ctx.wb.store.annotations.save({ ...input, questionId: example.questionId });
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

  /** Who has which question, in dataset order, with each annotator's progress on it. */
  assignments: procedure
    .input(z.object({ datasetId: Id, annotator: Annotator.optional() }))
    .query(({ ctx, input }) => {
      ctx.wb.store.stepDatasets.require(input.datasetId);
      return ctx.wb.store.assignments.list(input.datasetId, input.annotator);
    }),

  /**
   * Gives questions to an annotator: the ones named, or the next `next` questions nobody has yet.
   * A question may go to several annotators (agreement needs a shared sample).
   */
  assign: procedure
    .input(
      z
        .object({
          datasetId: Id,
          annotator: Annotator,
          questionIds: z.array(Id).min(1).max(5000).optional(),
          next: z.number().int().min(1).max(5000).optional(),
          assignedBy: Annotator.optional(),
        })
        .refine((i) => (i.questionIds === undefined) !== (i.next === undefined), {
          message: 'give either questionIds (the questions to assign) or next (how many unassigned ones)',
          path: ['questionIds'],
        }),
    )
    .mutation(({ ctx, input }) => {
      const { store } = ctx.wb;
      store.stepDatasets.require(input.datasetId);
      const wanted = input.questionIds ?? store.assignments.nextUnassigned(input.datasetId, input.next!);
      const questionIds = store.assignments.assign(
        input.datasetId,
        wanted,
        input.annotator,
        input.assignedBy,
      );
      return { assigned: questionIds.length, questionIds };
    }),

  /** Takes questions back from an annotator (all of theirs when none are named). Verdicts stay. */
  unassign: procedure
    .input(
      z.object({
        datasetId: Id,
        annotator: Annotator,
        questionIds: z.array(Id).min(1).max(5000).optional(),
      }),
    )
    .mutation(({ ctx, input }) => {
      ctx.wb.store.stepDatasets.require(input.datasetId);
      return {
        unassigned: ctx.wb.store.assignments.unassign(input.datasetId, input.annotator, input.questionIds),
      };
    }),

  /** The examples annotators disagree on, with every verdict and the resolution if any. */
  disputes: procedure
    .input(
      z.object({
        datasetId: Id,
        questionId: Id.optional(),
        state: z.enum(['open', 'resolved', 'all']).default('all'),
      }),
    )
    .query(({ ctx, input }) => {
      ctx.wb.store.stepDatasets.require(input.datasetId);
      return listDisputes(ctx.wb.store, input.datasetId, input);
    }),

  /**
   * Resolves one example: this verdict overrides the annotators' in the export. A rejection needs a
   * reason, an edit the resolved target; `fromAnnotator` records whose verdict was taken.
   * `expectedVersion` is the resolution's version the adjudicator read (omit it the first time).
   */
  adjudicate: procedure
    .input(
      z.object({
        datasetId: Id,
        exampleId: z.string().min(1),
        status: z.enum(ANNOTATION_STATUSES),
        editedTarget: z.string().max(100_000).nullish(),
        reason: z.string().max(5000).nullish(),
        adjudicator: Annotator,
        fromAnnotator: Annotator.nullish(),
        expectedVersion: z.number().int().min(0).optional(),
      }),
    )
    .mutation(({ ctx, input }) => {
      const { store } = ctx.wb;
      const example = requireExample(store, input.datasetId, input.exampleId);
      if (
        input.fromAnnotator &&
        !store.annotations.get(input.datasetId, input.exampleId, input.fromAnnotator)
      ) {
        throw new UserError(
          'NOT_FOUND',
          `field "fromAnnotator": ${input.fromAnnotator} has no verdict on ${input.exampleId}; name an annotator who has, or leave it out.`,
        );
      }
      return store.adjudications.save({ ...input, questionId: example.questionId });
    }),

  /** Every resolution recorded for the dataset (or one question of it). */
  adjudications: procedure
    .input(z.object({ datasetId: Id, questionId: Id.optional() }))
    .query(({ ctx, input }) => {
      ctx.wb.store.stepDatasets.require(input.datasetId);
      return ctx.wb.store.adjudications.list(input.datasetId, input);
    }),

  /** Reopens a resolved example: the annotators' verdicts count again. */
  unadjudicate: procedure
    .input(
      z.object({ datasetId: Id, exampleId: z.string().min(1), expectedVersion: z.number().int().min(1) }),
    )
    .mutation(({ ctx, input }) => {
      requireExample(ctx.wb.store, input.datasetId, input.exampleId);
      ctx.wb.store.adjudications.remove(input.datasetId, input.exampleId, input.expectedVersion);
      return { reopened: true };
    }),
});
