import { z } from 'zod';
import { confineSource, IMPORTS_DIR } from '../corpora/confine';
import { notFound } from '../errors';
import { importQuestionSet, QuestionImportSchema } from '../questions/import';
import { procedure, router } from '../trpc';
import { Id, Paging } from './schemas';

export const questionSetsRouter = router({
  list: procedure.query(({ ctx }) => ctx.wb.store.questionSets.list()),

  get: procedure
    .input(z.object({ id: Id }))
    .query(({ ctx, input }) => ctx.wb.store.questionSets.require(input.id)),

  /** Parses, samples and resolves gold passages; a malformed file writes nothing. */
  import: procedure.input(QuestionImportSchema).mutation(({ ctx, input }) => {
    const source = confineSource(input.source, ctx.wb.store.path(IMPORTS_DIR));
    return importQuestionSet(ctx.wb.store, { ...input, source });
  }),

  questions: procedure
    .input(Paging.extend({ id: Id, search: z.string().max(200).optional() }))
    .query(({ ctx, input }) => {
      ctx.wb.store.questionSets.require(input.id);
      return ctx.wb.store.questionSets.page(input.id, input);
    }),

  question: procedure.input(z.object({ id: Id, questionId: Id })).query(({ ctx, input }) => {
    ctx.wb.store.questionSets.require(input.id);
    const q = ctx.wb.store.questionSets.question(input.id, input.questionId);
    if (!q) throw notFound('question', input.questionId, `It is not in question set ${input.id}.`);
    return q;
  }),
});
