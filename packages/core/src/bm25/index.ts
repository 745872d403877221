export { type Bm25BuildOptions, type Bm25Hit, Bm25Index, bm25Preset } from './bm25-index';
export { DOC_LENGTHS, type DocLengths, INDEX_FIELDS, type IndexFields, passageDocument } from './build';
export type { QueryPath } from './query';
export { Bm25Retriever } from './retriever';
export {
  type Bm25Params,
  LUCENE_PARAMS,
  lengthNorm,
  luceneDocLength,
  luceneIdf,
  termScore,
} from './scoring';
