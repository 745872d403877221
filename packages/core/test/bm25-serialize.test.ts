import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Bm25Index } from '../src/bm25/index';
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
});
