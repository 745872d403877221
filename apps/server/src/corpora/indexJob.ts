import { ANALYZER_NAMES, type AnalyzerName, Bm25Index, bm25Preset } from '@steper/core';
import { z } from 'zod';
import type { JobType } from '../jobs/runner';
import { writeChunksAtomic } from '../store/blobs';
import type { CorpusRow } from '../store/corpora';
import { blobPaths } from '../store/store';

export const IndexJobPayload = z.object({
  corpusId: z.string(),
  /** Overrides the corpus's own analyser (see analyzerOf). */
  analyzer: z.enum(ANALYZER_NAMES).optional(),
});

/**
 * The analyser a corpus is indexed with: the one chosen at import, else "steper" for the
 * synthetic world and "english" (IRCoT's Elasticsearch analyser) for imported real data.
 */
export function analyzerOf(corpus: CorpusRow): AnalyzerName {
  const chosen = z.enum(ANALYZER_NAMES).safeParse(corpus.source.analyzer);
  if (chosen.success) return chosen.data;
  return 'synthetic' in corpus.source ? 'steper' : 'english';
}

/**
 * Builds the corpus's BM25 index and writes it beside the database (temp name, then rename),
 * streamed from the index's own arrays so the file is never held twice in memory.
 */
export const indexJob: JobType = {
  async run({ job, store, signal, progress }) {
    const payload = IndexJobPayload.parse(job.payload);
    const corpus = store.corpora.require(payload.corpusId);
    const analyzer = payload.analyzer ?? analyzerOf(corpus);
    progress({ done: 0, total: corpus.passageCount, message: 'reading passages' });
    const passages = store.corpora.allPassages(payload.corpusId);
    signal.throwIfAborted();
    const t0 = performance.now();
    const index = Bm25Index.build(passages, bm25Preset(analyzer));
    signal.throwIfAborted();
    const rel = blobPaths.corpusIndex(payload.corpusId);
    const bytes = await writeChunksAtomic(store.path(rel), index.chunks());
    const meta = {
      passages: index.size,
      vocabulary: index.vocabularySize,
      analyzer,
      bytes,
      buildMs: Math.round(performance.now() - t0),
    };
    store.corpora.setIndex(payload.corpusId, rel, meta);
    progress({ done: corpus.passageCount, message: 'indexed' });
    return meta;
  },
};
