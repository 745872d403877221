import { z } from 'zod';
import { ANALYZER_VERSION, AnalyzerOptionsSchema } from '../text/analyzer';
import { blockMaxima, DOC_LENGTHS, INDEX_FIELDS } from './build';
import { DOC_BLOCK_SHIFT, type DocBlocks, docBlocksProblem } from './doc-blocks';
import type { Bm25Data } from './index-data';
import { encodeColumn, type Utf8Column, Utf8PassageStore } from './passage-store';
import { BLOCK } from './query';
import { impactBits, toImpact } from './scoring';
import { Vocabulary } from './vocabulary';

/**
 * File layout (all little-endian):
 *   bytes 0–7   magic "STEPBM25"
 *   bytes 8–11  n = byte length of the JSON header (uint32)
 *   bytes 12…   the JSON header (UTF-8), then zero padding to a multiple of 8
 *   sections    raw typed arrays, each starting on a multiple of 8; the header lists each one's
 *               byte offset, element type and element count.
 * Sections are read as views on the caller's bytes (no copy) whenever they are aligned, which
 * holds for a buffer read whole from a file or fetched into an ArrayBuffer.
 *
 * Versions: 2 stores fixed-point impacts and block maxima (sections impacts, maxImpacts,
 * blockPtr, blockMax, blockLast). 1 stored float32 scores (scores, maxScores): such a file still
 * loads; its scores are converted to impacts and its block maxima computed, once, at load.
 * Block maxima over document ranges (DocBlocks: header field docBlockShift, sections docBlocks.*)
 * are optional within version 2: a file written before them loads, and its long queries take
 * the kernel's exhaustive path instead (rebuild the index for the faster one).
 */
const MAGIC = 'STEPBM25';
const FORMAT = 'steper-bm25';
const VERSION = 2;

const SectionSchema = z.object({
  type: z.enum(['u8', 'u32', 'f32']),
  offset: z.number().int().nonnegative(),
  length: z.number().int().nonnegative(),
});
type Section = z.infer<typeof SectionSchema>;

const HeaderSchema = z.object({
  format: z.literal(FORMAT),
  version: z.union([z.literal(1), z.literal(VERSION)]),
  impactBits: z.number().int().min(0).max(24).optional(),
  littleEndian: z.literal(true),
  analyzerVersion: z.number().int(),
  analyzer: AnalyzerOptionsSchema,
  /** Absent in files written before passages could be indexed by their text alone. */
  fields: z.enum(INDEX_FIELDS).default('title+text'),
  docLengths: z.enum(DOC_LENGTHS).default('exact'),
  params: z.object({ k1: z.number().positive(), b: z.number().min(0).max(1) }),
  docCount: z.number().int().positive(),
  avgDocLength: z.number().nonnegative(),
  vocabSize: z.number().int().nonnegative(),
  postings: z.number().int().nonnegative(),
  hasText: z.boolean(),
  /** log2 of documents per DocBlocks block; absent where the file has none. */
  docBlockShift: z.number().int().min(0).max(7).optional(),
  sections: z.record(z.string(), SectionSchema),
});
type Header = z.infer<typeof HeaderSchema>;

const ELEMENT_BYTES = { u8: 1, u32: 4, f32: 4 } as const;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeIndex(data: Bm25Data): Uint8Array {
  const pieces = [...encodeIndexChunks(data)];
  const out = new Uint8Array(pieces.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of pieces) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The file as consecutive pieces: magic and header, then each section (a view) and padding. */
export function* encodeIndexChunks(data: Bm25Data): Generator<Uint8Array> {
  const store = data.store;
  const columns =
    store instanceof Utf8PassageStore
      ? store.columns()
      : {
          ids: encodeColumn(store.size, (i) => store.id(i)),
          titles: store.hasText ? encodeColumn(store.size, (i) => store.title(i)) : null,
          texts: store.hasText ? encodeColumn(store.size, (i) => store.text(i)) : null,
        };

  const arrays: Record<string, Uint8Array | Uint32Array | Float32Array> = {
    vocab: data.vocab.bytes,
    indptr: data.indptr,
    docs: data.docs,
    impacts: data.impacts,
    maxImpacts: data.maxImpacts,
    blockPtr: data.blockPtr,
    blockMax: data.blockMax,
    blockLast: data.blockLast,
    ...(data.docBlocks ? docBlockArrays(data.docBlocks) : {}),
    ...columnArrays('ids', columns.ids),
    ...(columns.titles ? columnArrays('titles', columns.titles) : {}),
    ...(columns.texts ? columnArrays('texts', columns.texts) : {}),
  };

  // Header size depends on the offsets it lists: lay sections out after a generous guess of it.
  const sections: Record<string, Section> = {};
  const headerFor = (): Header => ({
    format: FORMAT,
    version: VERSION,
    impactBits: data.impactBits,
    littleEndian: true,
    analyzerVersion: ANALYZER_VERSION,
    analyzer: data.analyzer,
    fields: data.fields,
    docLengths: data.docLengths,
    params: { k1: data.params.k1, b: data.params.b },
    docCount: data.docCount,
    avgDocLength: data.avgDocLength,
    vocabSize: data.vocab.size,
    postings: data.docs.length,
    hasText: store.hasText,
    ...(data.docBlocks ? { docBlockShift: DOC_BLOCK_SHIFT } : {}),
    sections,
  });
  let headerBytes = encoder.encode(JSON.stringify(headerFor()));
  let start = align8(12 + headerBytes.length + 1024);
  for (;;) {
    let at = start;
    for (const [name, a] of Object.entries(arrays)) {
      sections[name] = { type: typeOf(a), offset: at, length: a.length };
      at = align8(at + a.byteLength);
    }
    headerBytes = encoder.encode(JSON.stringify(headerFor()));
    if (12 + headerBytes.length <= start) break;
    start = align8(12 + headerBytes.length + 1024);
  }

  const head = new Uint8Array(start);
  head.set(encoder.encode(MAGIC), 0);
  new DataView(head.buffer).setUint32(8, headerBytes.length, true);
  head.set(headerBytes, 12);
  yield head;
  let at = start;
  for (const [name, a] of Object.entries(arrays)) {
    const s = sections[name]!;
    if (s.offset > at) yield new Uint8Array(s.offset - at);
    yield new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    at = s.offset + a.byteLength;
  }
}

/** The file's header, checked; throws a message naming the problem. */
function readHeader(bytes: Uint8Array): Header {
  if (bytes.length < 12 || decoder.decode(bytes.subarray(0, 8)) !== MAGIC) {
    throw new Error('Bm25Index.fromBytes: not a StepER BM25 index (missing "STEPBM25" magic)');
  }
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
    throw new Error('Bm25Index.fromBytes: index files are little-endian; this platform is big-endian');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(8, true);
  if (12 + headerLength > bytes.length) throw new Error('Bm25Index.fromBytes: file truncated in its header');
  let raw: unknown;
  try {
    raw = JSON.parse(decoder.decode(bytes.subarray(12, 12 + headerLength)));
  } catch (e) {
    throw new Error(`Bm25Index.fromBytes: header is not JSON (${(e as Error).message})`);
  }
  const parsed = HeaderSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(
      `Bm25Index.fromBytes: header field "${issue.path.join('.')}": ${issue.message} ` +
        `(written by another version? rebuild the index)`,
    );
  }
  return parsed.data;
}

/** How many documents an index file holds, from its header alone (to size memory before decoding). */
export function indexDocCount(bytes: Uint8Array): number {
  return readHeader(bytes).docCount;
}

export function decodeIndex(bytes: Uint8Array): Bm25Data {
  const h = readHeader(bytes);
  if (h.analyzerVersion !== ANALYZER_VERSION) {
    throw new Error(
      `Bm25Index.fromBytes: index was analysed with tokeniser v${h.analyzerVersion}, ` +
        `this build has v${ANALYZER_VERSION}; rebuild the index so queries are analysed the same way`,
    );
  }

  const section = <T extends 'u8' | 'u32' | 'f32'>(name: string, type: T, length?: number) => {
    const s = h.sections[name];
    if (!s) throw new Error(`Bm25Index.fromBytes: section "${name}" is missing`);
    if (s.type !== type)
      throw new Error(`Bm25Index.fromBytes: section "${name}" is ${s.type}, expected ${type}`);
    if (length !== undefined && s.length !== length) {
      throw new Error(`Bm25Index.fromBytes: section "${name}" has ${s.length} elements, expected ${length}`);
    }
    const end = s.offset + s.length * ELEMENT_BYTES[type];
    if (end > bytes.length) throw new Error(`Bm25Index.fromBytes: file truncated in section "${name}"`);
    return viewOf(bytes, s, type) as T extends 'u8'
      ? Uint8Array
      : T extends 'u32'
        ? Uint32Array
        : Float32Array;
  };

  const indptr = section('indptr', 'u32', h.vocabSize + 1);
  if (indptr[h.vocabSize] !== h.postings) {
    throw new Error('Bm25Index.fromBytes: postings pointer does not match the posting count');
  }
  const docs = section('docs', 'u32', h.postings);
  let columns: Pick<
    Bm25Data,
    'impacts' | 'impactBits' | 'maxImpacts' | 'blockPtr' | 'blockMax' | 'blockLast'
  >;
  if (h.version === 1) {
    // Float32 scores of a version-1 file: to fixed point, and block maxima made here, once.
    const scores = section('scores', 'f32', h.postings);
    const bits = impactBits(h.docCount, h.params);
    const impacts = new Uint32Array(h.postings);
    for (let p = 0; p < impacts.length; p++) impacts[p] = toImpact(scores[p]!, bits);
    columns = { impacts, impactBits: bits, ...blockMaxima(indptr, docs, impacts) };
  } else {
    if (h.impactBits === undefined)
      throw new Error('Bm25Index.fromBytes: header field "impactBits" is missing');
    const blockPtr = section('blockPtr', 'u32', h.vocabSize + 1);
    for (let t = 0; t < h.vocabSize; t++) {
      if (blockPtr[t + 1]! - blockPtr[t]! !== Math.ceil((indptr[t + 1]! - indptr[t]!) / BLOCK)) {
        throw new Error(`Bm25Index.fromBytes: block pointers of term ${t} do not match its postings`);
      }
    }
    const nBlocks = blockPtr[h.vocabSize]!;
    columns = {
      impacts: section('impacts', 'u32', h.postings),
      impactBits: h.impactBits,
      maxImpacts: section('maxImpacts', 'u32', h.vocabSize),
      blockPtr,
      blockMax: section('blockMax', 'u32', nBlocks),
      blockLast: section('blockLast', 'u32', nBlocks),
    };
  }
  let docBlocks: DocBlocks | undefined;
  if (h.docBlockShift === DOC_BLOCK_SHIFT) {
    docBlocks = {
      denseSlot: section('docBlocks.denseSlot', 'u32', h.vocabSize),
      denseMax: section('docBlocks.denseMax', 'u8'),
      denseStart: section('docBlocks.denseStart', 'u32'),
    };
    const problem = docBlocksProblem(docBlocks, indptr, h.docCount);
    if (problem)
      throw new Error(`Bm25Index.fromBytes: document blocks: ${problem} (damaged file? rebuild the index)`);
  } // another block size (a later version): the file loads without them
  let vocab: Vocabulary;
  try {
    vocab = Vocabulary.fromUtf8(section('vocab', 'u8'), h.vocabSize);
  } catch (e) {
    throw new Error(`Bm25Index.fromBytes: the vocabulary does not match the header: ${(e as Error).message}`);
  }

  const column = (name: string): Utf8Column => ({
    bytes: section(`${name}.bytes`, 'u8'),
    offsets: section(`${name}.offsets`, 'u32', h.docCount + 1),
  });
  const store = new Utf8PassageStore(
    column('ids'),
    h.hasText ? column('titles') : null,
    h.hasText ? column('texts') : null,
  );

  return {
    params: h.params,
    analyzer: h.analyzer,
    fields: h.fields,
    docLengths: h.docLengths,
    docCount: h.docCount,
    avgDocLength: h.avgDocLength,
    vocab,
    indptr,
    docs,
    ...columns,
    ...(docBlocks ? { docBlocks } : {}),
    store,
  };
}

function docBlockArrays(d: DocBlocks): Record<string, Uint8Array | Uint32Array> {
  return {
    'docBlocks.denseSlot': d.denseSlot,
    'docBlocks.denseMax': d.denseMax,
    'docBlocks.denseStart': d.denseStart,
  };
}

function columnArrays(name: string, c: Utf8Column): Record<string, Uint8Array | Uint32Array> {
  return { [`${name}.bytes`]: c.bytes, [`${name}.offsets`]: c.offsets };
}

function typeOf(a: Uint8Array | Uint32Array | Float32Array): Section['type'] {
  return a instanceof Float32Array ? 'f32' : a instanceof Uint32Array ? 'u32' : 'u8';
}

function align8(n: number): number {
  return Math.ceil(n / 8) * 8;
}

/** A view when the absolute offset is aligned to the element size, else a copy. */
function viewOf(
  bytes: Uint8Array,
  s: Section,
  type: Section['type'],
): Uint8Array | Uint32Array | Float32Array {
  const at = bytes.byteOffset + s.offset;
  if (type === 'u8') return new Uint8Array(bytes.buffer, at, s.length);
  const aligned = at % 4 === 0;
  const buffer = aligned ? bytes.buffer : bytes.slice(s.offset, s.offset + s.length * 4).buffer;
  const from = aligned ? at : 0;
  return type === 'u32' ? new Uint32Array(buffer, from, s.length) : new Float32Array(buffer, from, s.length);
}
