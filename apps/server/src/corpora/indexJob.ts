import { Bm25Index } from '@steper/core';
import { z } from 'zod';
import type { JobType } from '../jobs/runner';
import { writeFileAtomic } from '../store/blobs';
import { blobPaths } from '../store/store';

export const IndexJobPayload = z.object({ corpusId: z.string() });

/** Builds the corpus's BM25 index and writes it beside the database (temp name, then rename). */
export const indexJob: JobType = {
  async run({ job, store, signal, progress }) {
    const { corpusId } = IndexJobPayload.parse(job.payload);
    const corpus = store.corpora.require(corpusId);
    progress({ done: 0, total: corpus.passageCount, message: 'reading passages' });
    const passages = store.corpora.allPassages(corpusId);
    signal.throwIfAborted();
    const t0 = performance.now();
    const index = Bm25Index.build(passages);
    const bytes = index.toBytes();
    signal.throwIfAborted();
    const rel = blobPaths.corpusIndex(corpusId);
    await writeFileAtomic(store.path(rel), bytes);
    const meta = {
      passages: index.size,
      vocabulary: index.vocabularySize,
      bytes: bytes.byteLength,
      buildMs: Math.round(performance.now() - t0),
    };
    store.corpora.setIndex(corpusId, rel, meta);
    progress({ done: corpus.passageCount, message: 'indexed' });
    return meta;
  },
};
