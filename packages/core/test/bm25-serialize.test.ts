import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DOC_BLOCK_SHIFT } from '../src/bm25/doc-blocks';
import { Bm25Index } from '../src/bm25/index';
import type { Bm25Data } from '../src/bm25/index-data';
import type { Passage } from '../src/types/data';
import { Rng } from '../src/util/rng';

const WORDS = [
  'harbor',
  'film',
  'river',
  'Zoë',
  'Москва',
  'director',
  'born',
  'capital',
  'novel',
  'running',
  'runs',
];

function corpus(n: number, seed: number): Passage[] {
  const rng = new Rng(seed);
  const sentence = (len: number) => Array.from({ length: len }, () => rng.pick(WORDS)).join(' ');
  return Array.from({ length: n }, (_, i) => ({
    id: `doc-${i}`,
    title: sentence(2),
    text: `${sentence(12)}.`,
  }));
}

const QUERIES = ['harbor film', 'zoë москва', 'director born capital', 'running', 'the', 'novel novel river'];

describe('Bm25Index toBytes / fromBytes', () => {
  const passages = corpus(120, 3);
  const index = Bm25Index.build(passages);
  const bytes = index.toBytes();

  it('round-trips to identical results, scores bit for bit', () => {
    const loaded = Bm25Index.fromBytes(bytes);
    expect(loaded.size).toBe(index.size);
    expect(loaded.vocabularySize).toBe(index.vocabularySize);
    expect(loaded.postingCount).toBe(index.postingCount);
    for (const q of QUERIES) expect(loaded.search(q, 7)).toEqual(index.search(q, 7));
    expect(loaded.search('harbor', 3, new Set(['doc-0']))).toEqual(
      index.search('harbor', 3, new Set(['doc-0'])),
    );
  });

  it('keeps the passages and finds them by id', () => {
    const loaded = Bm25Index.fromBytes(bytes);
    expect(loaded.passage(17)).toEqual(passages[17]);
    expect(loaded.docOf('doc-42')).toBe(42);
  });

  it('writes the same bytes again after loading', () => {
    const again = Bm25Index.fromBytes(bytes).toBytes();
    expect(again.length).toBe(bytes.length);
    expect(Buffer.compare(again, bytes)).toBe(0);
  });

  it('reads its arrays as views of the given bytes, and copies only when unaligned', () => {
    const loaded = Bm25Index.fromBytes(bytes);
    const shifted = new Uint8Array(bytes.length + 1);
    shifted.set(bytes, 1);
    const unaligned = Bm25Index.fromBytes(shifted.subarray(1));
    for (const q of QUERIES) expect(unaligned.search(q, 5)).toEqual(loaded.search(q, 5));
    // A view: changing the bytes under a loaded index changes what it reads.
    const copy = bytes.slice();
    const view = Bm25Index.fromBytes(copy);
    copy.fill(0, copy.length - 64);
    expect(view.passage(119).text).not.toEqual(passages[119]!.text);
  });

  it('records the analyser, so a stemmed index stems its queries after loading', () => {
    const stemmed = Bm25Index.build(passages, { analyzer: { stem: true, stopwords: false } });
    const loaded = Bm25Index.fromBytes(stemmed.toBytes());
    expect(loaded.analyzerOptions).toEqual({ name: 'steper', stem: true, stopwords: false });
    expect(loaded.params).toEqual({ k1: 1.2, b: 0.75 });
    expect(loaded.analyze('The runs')).toEqual(['the', 'run']);
    expect(loaded.search('run', 5)).toEqual(stemmed.search('running', 5));
  });

  it('round-trips an index without text', () => {
    const idsOnly = Bm25Index.build(passages, { storeText: false });
    const loaded = Bm25Index.fromBytes(idsOnly.toBytes());
    expect(loaded.hasText).toBe(false);
    expect(loaded.search('film river', 4)).toEqual(index.search('film river', 4));
  });

  it('rejects bytes that are not an index, truncated or with a bad header', () => {
    expect(() => Bm25Index.fromBytes(new TextEncoder().encode('{"not":"an index"}'))).toThrow(/STEPBM25/);
    expect(() => Bm25Index.fromBytes(bytes.subarray(0, bytes.length - 100))).toThrow(/truncated/);

    const headerLength = new DataView(bytes.buffer, bytes.byteOffset).getUint32(8, true);
    const header = new TextDecoder().decode(bytes.subarray(12, 12 + headerLength));
    const tampered = bytes.slice();
    tampered.set(new TextEncoder().encode(header.replace('"docCount":120', '"docCount":-12')), 12);
    expect(() => Bm25Index.fromBytes(tampered)).toThrow(/header field "docCount"/);
  });

  it('writes in chunks exactly the bytes of toBytes, mostly views of its arrays', () => {
    const pieces = [...index.chunks()];
    const joined = Buffer.concat(pieces);
    expect(Buffer.compare(joined, bytes)).toBe(0);
    expect(pieces.length).toBeGreaterThan(5);
  });

  it('loads an index written before block-max pruning (format 1, float32 scores)', () => {
    // Written by the previous release: Ada, Babbage, Turing; it searched "analytical engine" as
    // babbage 1.1314306259155273, ada 0.9556450843811035.
    const v1 = Bm25Index.fromBytes(
      new Uint8Array(readFileSync(new URL('./fixtures/bm25/index-v1.bin', import.meta.url))),
    );
    const hits = v1.search('analytical engine', 3);
    expect(hits.map((h) => h.id)).toEqual(['babbage', 'ada']);
    expect(hits[0]!.score).toBeCloseTo(1.1314306259155273, 6);
    expect(hits[1]!.score).toBeCloseTo(0.9556450843811035, 6);
    // Saved again, it is a current-format file with the same results.
    expect(Bm25Index.fromBytes(v1.toBytes()).search('analytical engine', 3)).toEqual(hits);
  });
  it('writes the document blocks and reads them back as they were', () => {
    const built = Bm25Index.build(corpus(3000, 5), { storeText: false });
    const file = built.toBytes();
    const header = headerOf(file);
    expect(header.docBlockShift).toBe(DOC_BLOCK_SHIFT);
    const before = dataOf(built).docBlocks!;
    const after = dataOf(Bm25Index.fromBytes(file)).docBlocks!;
    expect(after.denseSlot).toEqual(before.denseSlot);
    expect(after.denseMax).toEqual(before.denseMax);
    expect(after.denseStart).toEqual(before.denseStart);
    expect(before.denseMax.length).toBeGreaterThan(0); // the common words are there
  });

  it('rejects damaged document blocks with a message that names them', () => {
    const file = Bm25Index.build(corpus(3000, 5), { storeText: false }).toBytes();
    const s = headerOf(file).sections['docBlocks.denseStart']!;
    const damaged = file.slice();
    new DataView(damaged.buffer).setUint32(s.offset + 4 * 3, 0xffffff, true);
    expect(() => Bm25Index.fromBytes(damaged)).toThrow(
      /document blocks: postings of term \d+ are not ascending/,
    );
  });

  it('rejects a vocabulary that holds another number of terms than the header says', () => {
    const file = Bm25Index.build(corpus(300, 5), { storeText: false }).toBytes();
    const damaged = file.slice();
    const at = damaged.indexOf(10, headerOf(file).sections.vocab!.offset); // a newline between terms
    damaged[at] = 'x'.charCodeAt(0);
    expect(() => Bm25Index.fromBytes(damaged)).toThrow(
      /the vocabulary does not match the header: Vocabulary: \d+ terms, \d+ expected/,
    );
  });

  it('loads a file whose document blocks are of another size without them', () => {
    const passages = corpus(3000, 5);
    const file = Bm25Index.build(passages, { storeText: false }).toBytes();
    const other = file.slice();
    const at = Buffer.from(other).indexOf(`"docBlockShift":${DOC_BLOCK_SHIFT}`);
    other[at + '"docBlockShift":'.length] = '5'.charCodeAt(0);
    const loaded = Bm25Index.fromBytes(other);
    expect(dataOf(loaded).docBlocks).toBeUndefined();
    const query = 'harbor film river director born capital novel running runs zoë москва harbor film river';
    expect(loaded.search(query, 5)).toEqual(Bm25Index.fromBytes(file).search(query, 5));
  });

  it('loads an index written before document blocks, and answers long queries the same without them', () => {
    // Written by the previous release (p36 14.6082…, p281 7.2122…, p327 7.0249…, p53 6.7749…
    // for this 18-term query); its long queries now take the kernel's windows.
    const old = Bm25Index.fromBytes(
      new Uint8Array(
        readFileSync(new URL('./fixtures/bm25/index-v2-before-doc-blocks.bin', import.meta.url)),
      ),
    );
    expect(dataOf(old).docBlocks).toBeUndefined();
    const query = 'river city film born year north w1 w2 w3 w4 w5 w6 w7 w8 w9 w10 w11 w12';
    for (const path of ['auto', 'blocks', 'pruned'] as const) {
      old.queryPath = path;
      const hits = old.search(query, 4);
      expect(hits.map((h) => h.id)).toEqual(['p36', 'p281', 'p327', 'p53']);
      expect(hits[0]!.score).toBeCloseTo(14.60824853181839, 9);
    }
    expect(old.usesKernel).toBe(true);
  });
});

/** An index file's JSON header. */
function headerOf(file: Uint8Array): {
  docBlockShift?: number;
  sections: Record<string, { offset: number }>;
} {
  const length = new DataView(file.buffer, file.byteOffset).getUint32(8, true);
  return JSON.parse(new TextDecoder().decode(file.subarray(12, 12 + length)));
}

/** The plain data behind an index (its private field, read for checks). */
function dataOf(index: Bm25Index): Bm25Data {
  return (index as unknown as { data: Bm25Data }).data;
}
