export { type Bm25BuildOptions, type Bm25Hit, Bm25Index } from './bm25-index';
export { passageDocument } from './build';
export { Bm25Retriever } from './retriever';
export { type Bm25Params, LUCENE_PARAMS, lengthNorm, luceneIdf, termScore } from './scoring';
