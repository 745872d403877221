import { type AnalyzerOptions, createAnalyzer } from '../text/analyzer';
import type { Passage } from '../types/data';
import { buildDocBlocks } from './doc-blocks';
import type { Bm25Data } from './index-data';
import { ArrayPassageStore } from './passage-store';
import { BLOCK } from './query';
import {
  type Bm25Params,
  impactBits,
  lengthNorm,
  luceneDocLength,
  luceneIdf,
  termScore,
  toImpact,
} from './scoring';
import { Vocabulary } from './vocabulary';

/**
 * Which passage fields are scored: "title+text" (title, then text, as one field) or "text" (the
 * passage text alone, the title only stored: IRCoT's Elasticsearch index matched queries against
 * paragraph_text and kept the title in its own field, searched only by its title lookups).
 */
export const INDEX_FIELDS = ['title+text', 'text'] as const;
export type IndexFields = (typeof INDEX_FIELDS)[number];

/** Document lengths for length normalisation: true token counts, or Lucene's one-byte lengths. */
export const DOC_LENGTHS = ['exact', 'lucene'] as const;
export type DocLengths = (typeof DOC_LENGTHS)[number];

/** The text BM25 indexes for a passage: title, then text (or the text alone). */
export function passageDocument(p: Passage, fields: IndexFields = 'title+text'): string {
  return fields === 'text' ? p.text : `${p.title}\n${p.text}`;
}

/**
 * Builds the index in two passes over flat typed arrays, never one JS object per posting:
 * 1. one pass over the passages analyses each and appends its distinct (term id, tf) pairs
 *    document by document (a CSR matrix), counting document frequencies as it goes;
 * 2. with N, avgdl and every df known, each pair is scored once and scattered into its term's
 *    column (CSC). Documents are visited in order, so every column comes out sorted by doc.
 * Then each column's blocks get their maxima (see `blockMaxima`).
 * The CSR arrays are dropped on return; only the CSC columns and the passage store remain.
 */
export function buildIndexData(
  passages: Iterable<Passage>,
  params: Bm25Params,
  analyzerOptions: AnalyzerOptions,
  storeText: boolean,
  fields: IndexFields = 'title+text',
  docLengths: DocLengths = 'exact',
): Bm25Data {
  const analyze = createAnalyzer(analyzerOptions);
  const vocab = new Map<string, number>();
  const ids: string[] = [];
  const titles: string[] | null = storeText ? [] : null;
  const texts: string[] | null = storeText ? [] : null;
  const seen = new Map<string, number>();

  // CSR: entries entryStart[d] … entryStart[d + 1] − 1 of entryTerm / entryTf belong to doc d.
  let entryTerm = new Uint32Array(1 << 16);
  let entryTf = new Uint16Array(1 << 16);
  const tfOverflow = new Map<number, number>(); // tf ≥ 65535: never in prose, kept exact anyway
  let entryStart = new Uint32Array(1 << 12);
  let docLength = new Uint32Array(1 << 12);
  let docFreq = new Uint32Array(1 << 12);
  let count = new Uint32Array(1 << 12); // per term id, zero between documents
  let distinct = new Uint32Array(256);
  let nEntries = 0;
  let totalLength = 0;
  let doc = 0;

  for (const p of passages) {
    checkPassage(p, doc, seen, ids);
    ids.push(p.id);
    titles?.push(p.title);
    texts?.push(p.text);
    const tokens = analyze(passageDocument(p, fields));

    let nDistinct = 0;
    if (tokens.length > distinct.length) distinct = grow(distinct, tokens.length);
    for (const token of tokens) {
      let t = vocab.get(token);
      if (t === undefined) {
        t = vocab.size;
        vocab.set(token, t);
        if (t >= count.length) {
          count = grow(count, t + 1);
          docFreq = grow(docFreq, t + 1);
        }
      }
      if (count[t] === 0) distinct[nDistinct++] = t;
      count[t]!++;
    }

    if (nEntries + nDistinct > entryTerm.length) {
      entryTerm = grow(entryTerm, nEntries + nDistinct);
      entryTf = grow(entryTf, nEntries + nDistinct);
    }
    for (let i = 0; i < nDistinct; i++) {
      const t = distinct[i]!;
      const tf = count[t]!;
      count[t] = 0;
      docFreq[t]!++;
      entryTerm[nEntries] = t;
      if (tf >= 0xffff) tfOverflow.set(nEntries, tf);
      entryTf[nEntries++] = Math.min(tf, 0xffff);
    }

    if (doc + 2 > entryStart.length) {
      entryStart = grow(entryStart, doc + 2);
      docLength = grow(docLength, doc + 2);
    }
    docLength[doc] = tokens.length;
    entryStart[doc + 1] = nEntries;
    totalLength += tokens.length;
    doc++;
  }

  if (doc === 0) {
    throw new Error(
      'Bm25Index.build: the corpus is empty (0 passages); an index needs at least one passage — ' +
        'check that the corpus file was read and not filtered to nothing',
    );
  }

  const docCount = doc;
  const avgDocLength = totalLength / docCount;
  const nTerms = vocab.size;
  const indptr = new Uint32Array(nTerms + 1);
  for (let t = 0; t < nTerms; t++) indptr[t + 1] = indptr[t]! + docFreq[t]!;
  const idf = new Float64Array(nTerms);
  for (let t = 0; t < nTerms; t++) idf[t] = luceneIdf(docCount, docFreq[t]!);

  const bits = impactBits(docCount, params);
  const docs = new Uint32Array(nEntries);
  const impacts = new Uint32Array(nEntries);
  const cursor = indptr.slice(0, nTerms);
  for (let d = 0; d < docCount; d++) {
    const dl = docLengths === 'lucene' ? luceneDocLength(docLength[d]!) : docLength[d]!;
    const norm = lengthNorm(dl, avgDocLength, params);
    const end = entryStart[d + 1]!;
    for (let e = entryStart[d]!; e < end; e++) {
      const t = entryTerm[e]!;
      const tf = entryTf[e] === 0xffff ? tfOverflow.get(e)! : entryTf[e]!;
      const at = cursor[t]!++;
      docs[at] = d;
      impacts[at] = toImpact(termScore(tf, idf[t]!, norm, params), bits);
    }
  }

  const maxima = blockMaxima(indptr, docs, impacts);
  return {
    params,
    analyzer: analyzerOptions,
    fields,
    docLengths,
    docCount,
    avgDocLength,
    vocab: Vocabulary.fromTerms([...vocab.keys()]),
    indptr,
    docs,
    impacts,
    impactBits: bits,
    ...maxima,
    docBlocks: buildDocBlocks(indptr, docs, impacts, maxima.maxImpacts, docCount),
    store: new ArrayPassageStore(ids, titles, texts),
    idToDoc: seen,
  };
}

/**
 * Per term its largest impact, and per block of BLOCK postings its largest impact and its last
 * document: the bounds that let a query skip what cannot reach its top k.
 */
export function blockMaxima(
  indptr: Uint32Array,
  docs: Uint32Array,
  impacts: Uint32Array,
): Pick<Bm25Data, 'maxImpacts' | 'blockPtr' | 'blockMax' | 'blockLast'> {
  const nTerms = indptr.length - 1;
  const blockPtr = new Uint32Array(nTerms + 1);
  for (let t = 0; t < nTerms; t++)
    blockPtr[t + 1] = blockPtr[t]! + Math.ceil((indptr[t + 1]! - indptr[t]!) / BLOCK);
  const maxImpacts = new Uint32Array(nTerms);
  const blockMax = new Uint32Array(blockPtr[nTerms]!);
  const blockLast = new Uint32Array(blockPtr[nTerms]!);
  for (let t = 0; t < nTerms; t++) {
    const end = indptr[t + 1]!;
    let b = blockPtr[t]!;
    let tmax = 0;
    for (let p = indptr[t]!; p < end; p += BLOCK, b++) {
      const bEnd = Math.min(p + BLOCK, end);
      let mx = 0;
      for (let q = p; q < bEnd; q++) if (impacts[q]! > mx) mx = impacts[q]!;
      blockMax[b] = mx;
      blockLast[b] = docs[bEnd - 1]!;
      if (mx > tmax) tmax = mx;
    }
    maxImpacts[t] = tmax;
  }
  return { maxImpacts, blockPtr, blockMax, blockLast };
}

function checkPassage(p: Passage, i: number, seen: Map<string, number>, ids: string[]): void {
  if (p === null || typeof p !== 'object') {
    throw new Error(`Bm25Index.build: passage #${i} is not an object; expected { id, title, text }`);
  }
  if (typeof p.id !== 'string' || p.id.length === 0) {
    throw new Error(`Bm25Index.build: passage #${i}: "id" must be a non-empty string`);
  }
  for (const field of ['title', 'text'] as const) {
    if (typeof p[field] !== 'string') {
      throw new Error(`Bm25Index.build: passage #${i} (id "${p.id}"): "${field}" must be a string`);
    }
  }
  // One hash operation per passage: set, then see whether the map grew.
  const size = seen.size;
  seen.set(p.id, i);
  if (seen.size === size) {
    throw new Error(
      `Bm25Index.build: duplicate passage id "${p.id}" at #${i} (first at #${ids.indexOf(p.id)}); ` +
        'passage ids must be unique — deduplicate the corpus first',
    );
  }
}

/** A copy at least `min` long, doubling so n appends cost O(n) overall. */
function grow<T extends Uint16Array | Uint32Array>(a: T, min: number): T {
  const next = new (a.constructor as new (n: number) => T)(Math.max(min, a.length * 2));
  next.set(a);
  return next;
}
