import { describe, expect, it } from 'vitest';
import {
  buildDocBlocks,
  DOC_BLOCK_SHIFT,
  denseStride,
  docBlockCount,
  docBlocksProblem,
} from '../src/bm25/doc-blocks';

const B = 2 ** DOC_BLOCK_SHIFT;

/**
 * Three terms over 64 blocks: term 0 in every document (impact 1 + doc % 97), term 1 in every
 * thirteenth block's first document (rare), term 2 in every other document of the first half.
 */
function columns() {
  const docCount = 64 * B;
  const cols = [
    Array.from({ length: docCount }, (_, d) => d),
    Array.from({ length: 5 }, (_, i) => 13 * i * B),
    Array.from({ length: docCount / 4 }, (_, i) => 2 * i),
  ];
  const impactOf = [(d: number) => 1 + (d % 97), () => 40, (d: number) => 7 + (d % 3)];
  const indptr = new Uint32Array(4);
  cols.forEach((c, t) => {
    indptr[t + 1] = indptr[t]! + c.length;
  });
  const docs = Uint32Array.from(cols.flat());
  const impacts = Uint32Array.from(cols.flatMap((c, t) => c.map(impactOf[t]!)));
  const maxImpacts = Uint32Array.from(cols.map((c, t) => Math.max(...c.map(impactOf[t]!))));
  return { docCount, indptr, docs, impacts, maxImpacts };
}

describe('document blocks', () => {
  const c = columns();
  const blocks = buildDocBlocks(c.indptr, c.docs, c.impacts, c.maxImpacts, c.docCount);
  const stride = denseStride(docBlockCount(c.docCount));

  it('keeps the terms present in more than an eighth of the blocks, each in its own slot', () => {
    expect([...blocks.denseSlot]).toEqual([1, 0, 2]);
    expect(blocks.denseMax.length).toBe(2 * stride);
  });

  it('bounds every impact by its block maximum, rounded up to a byte of the column maximum', () => {
    for (const t of [0, 2]) {
      const at = (blocks.denseSlot[t]! - 1) * stride;
      const max = c.maxImpacts[t]!;
      const blockMax = new Map<number, number>();
      for (let p = c.indptr[t]!; p < c.indptr[t + 1]!; p++) {
        const b = c.docs[p]! >>> DOC_BLOCK_SHIFT;
        const q = blocks.denseMax[at + b]!;
        expect((q * max) / 255).toBeGreaterThanOrEqual(c.impacts[p]!);
        blockMax.set(b, Math.max(blockMax.get(b) ?? 0, c.impacts[p]!));
      }
      for (const [b, m] of blockMax) expect(blocks.denseMax[at + b]).toBe(Math.ceil((255 * m) / max));
      // No bound where the term is absent: term 2 stops halfway.
      if (t === 2) expect(blocks.denseMax[at + 40]).toBe(0);
    }
  });

  it('points each block at its first posting, and the end of the last at the column end', () => {
    const at = (blocks.denseSlot[2]! - 1) * stride;
    const nBlocks = docBlockCount(c.docCount);
    for (let b = 0; b < nBlocks; b++) {
      const first = [...c.docs.subarray(c.indptr[2]!, c.indptr[3]!)].findIndex(
        (d) => d >>> DOC_BLOCK_SHIFT >= b,
      );
      expect(blocks.denseStart[at + b]).toBe(first === -1 ? c.indptr[3] : c.indptr[2]! + first);
    }
    expect(blocks.denseStart[at + nBlocks]).toBe(c.indptr[3]);
    expect(docBlocksProblem(blocks, c.indptr, c.docCount)).toBeNull();
  });

  it('names what is wrong with damaged blocks', () => {
    const wrongSlot = { ...blocks, denseSlot: Uint32Array.from([1, 0, 1]) };
    expect(docBlocksProblem(wrongSlot, c.indptr, c.docCount)).toMatch(/slot of term 2/);
    const shortened = { ...blocks, denseMax: blocks.denseMax.subarray(1) };
    expect(docBlocksProblem(shortened, c.indptr, c.docCount)).toMatch(/wrong length/);
    const moved = { ...blocks, denseStart: blocks.denseStart.slice() };
    moved.denseStart[0] = 1;
    expect(docBlocksProblem(moved, c.indptr, c.docCount)).toMatch(
      /postings of term 0 do not match its column/,
    );
  });
});
