import { describe, expect, it } from 'vitest';
import { Bm25Index, Bm25Retriever } from '../src/bm25/index';
import type { Passage } from '../src/types/data';

const passages: Passage[] = [
  { id: 'p1', title: 'Blue Harbor', text: 'Blue Harbor is a film directed by Ada Reyes.' },
  { id: 'p2', title: 'Ada Reyes', text: 'Ada Reyes is a director born in Lima.' },
  { id: 'p3', title: 'Lima', text: 'Lima is the capital of Peru.' },
];

describe('Bm25Retriever', () => {
  it('returns scored passages with title and text, best first', async () => {
    const retriever = Bm25Retriever.fromPassages(passages);
    const hits = await retriever.search('Blue Harbor director', 2);
    expect(hits.map((h) => h.id)).toEqual(['p1', 'p2']);
    expect(hits[0]).toMatchObject(passages[0]!);
    expect(hits[0]!.score).toBeGreaterThan(hits[1]!.score);
  });

  it('passes the exclude set through and looks passages up by id', async () => {
    const retriever = Bm25Retriever.fromPassages(passages);
    expect((await retriever.search('Ada Reyes', 4, new Set(['p2']))).map((h) => h.id)).toEqual(['p1']);
    expect(retriever.passage('p3')).toEqual(passages[2]);
    expect(retriever.passage('p9')).toBeUndefined();
  });

  it('works over a loaded index', async () => {
    const loaded = new Bm25Retriever(Bm25Index.fromBytes(Bm25Index.build(passages).toBytes()));
    expect(await loaded.search('capital of Peru', 1)).toEqual(
      await Bm25Retriever.fromPassages(passages).search('capital of Peru', 1),
    );
    expect(loaded.passage('p2')).toEqual(passages[1]);
  });

  it('takes the passages separately for an ids-only index, and says so when they are missing', async () => {
    const idsOnly = Bm25Index.build(passages, { storeText: false });
    expect(() => new Bm25Retriever(idsOnly)).toThrow(/pass the passages too/);
    const retriever = new Bm25Retriever(idsOnly, passages);
    expect((await retriever.search('Lima', 1))[0]).toMatchObject(passages[2]!);
    expect(retriever.passage('p1')).toEqual(passages[0]);
  });
});
