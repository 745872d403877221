import { ANALYZER_NAMES } from '@steper/core';
import { z } from 'zod';
import { confineSource, IMPORTS_DIR } from '../corpora/confine';
import { CorpusImportSchema, importCorpus } from '../corpora/import';
import { procedure, router } from '../trpc';
import { Id, Paging } from './schemas';

export const corporaRouter = router({
  list: procedure.query(({ ctx }) => ctx.wb.store.corpora.list()),

  get: procedure
    .input(z.object({ id: Id }))
    .query(({ ctx, input }) => ctx.wb.store.corpora.require(input.id)),

  /**
   * Parses the file (an upload, or a file in the workspace's imports/ folder; nothing is written
   * when it is malformed), stores the passages, queues the index job.
   */
  import: procedure.input(CorpusImportSchema).mutation(async ({ ctx, input }) => {
    const source = confineSource(input.source, ctx.wb.store.path(IMPORTS_DIR));
    const { corpus, job } = await importCorpus(ctx.wb.store, { ...input, source }, (c) =>
      ctx.wb.runner.enqueue('index', { corpusId: c.id }),
    );
    return { corpus, job: job! };
  }),

  /** Rebuilds the index, with the corpus's analyser or the one given. */
  buildIndex: procedure
    .input(z.object({ id: Id, analyzer: z.enum(ANALYZER_NAMES).optional() }))
    .mutation(({ ctx, input }) => {
      ctx.wb.store.corpora.require(input.id);
      ctx.wb.retrievers.forget(input.id);
      return ctx.wb.runner.enqueue('index', {
        corpusId: input.id,
        ...(input.analyzer ? { analyzer: input.analyzer } : {}),
      });
    }),

  search: procedure
    .input(
      z.object({
        id: Id,
        query: z.string().min(1).max(2000),
        k: z.number().int().min(1).max(100).default(4),
      }),
    )
    .query(async ({ ctx, input }) => ctx.wb.retrievers.get(input.id).search(input.query, input.k)),

  passages: procedure
    .input(Paging.extend({ id: Id, title: z.string().max(200).optional() }))
    .query(({ ctx, input }) => {
      ctx.wb.store.corpora.require(input.id);
      return ctx.wb.store.corpora.passages(input.id, input);
    }),
});
