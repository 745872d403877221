import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { assembleKernel, kernelSource } from '../scripts/build-kernel';
import { Bm25Index } from '../src/bm25/index';
import { KERNEL_WINDOW, placeInKernelMemory, ScoringKernel } from '../src/bm25/kernel';
import type { Columns } from '../src/bm25/query';
import { decodeIndex } from '../src/bm25/serialize';

const committed = fileURLToPath(new URL('../src/bm25/kernel-wasm.ts', import.meta.url));

/** Two terms over documents 0 … 2·KERNEL_WINDOW: term 0 in every third document, term 1 in every fifth. */
function columns(): Columns {
  const t0 = Array.from({ length: Math.ceil((2 * KERNEL_WINDOW) / 3) }, (_, i) => 3 * i);
  const t1 = Array.from({ length: Math.ceil((2 * KERNEL_WINDOW) / 5) }, (_, i) => 5 * i);
  const docs = Uint32Array.from([...t0, ...t1]);
  // Impacts: 10 + doc for term 0, 2 for term 1, so every sum is known.
  const impacts = Uint32Array.from([...t0.map((d) => 10 + d), ...t1.map(() => 2)]);
  const n = docs.length;
  return {
    indptr: Uint32Array.from([0, t0.length, n]),
    docs,
    impacts,
    maxImpacts: new Uint32Array(2),
    blockPtr: new Uint32Array(3),
    blockMax: new Uint32Array(0),
    blockLast: new Uint32Array(0),
  };
}

/** A kernel over `columns()` with both terms set up, term 1 weighing 3. */
function primed() {
  const c = columns();
  const kernel = ScoringKernel.create(c, 2 * KERNEL_WINDOW)!;
  const split = c.indptr[1]!;
  kernel.pos.set([0, split]);
  kernel.end.set([split, c.docs.length]);
  kernel.weight.set([1, 3]);
  return { c, kernel };
}

/** A document's sum under `primed()`: 10 + doc through term 0, 3 · 2 through term 1. */
const score = (d: number) => (d % 3 === 0 ? 10 + d : 0) + (d % 5 === 0 ? 6 : 0);

describe('the WebAssembly scoring kernel', () => {
  it('is the module kernel.wat assembles to (run scripts/build-kernel.ts after editing it)', async () => {
    expect(readFileSync(committed, 'utf8')).toBe(kernelSource(await assembleKernel()));
  });

  it('moves the postings into its memory and points the columns at them', () => {
    const c = columns();
    const docs = c.docs.slice();
    const kernel = ScoringKernel.create(c, 2 * KERNEL_WINDOW);
    expect(kernel).not.toBeNull();
    expect(c.docs).toEqual(docs);
    expect(c.docs.buffer).not.toBe(docs.buffer);
    expect(c.impacts.buffer).toBe(c.docs.buffer);
  });

  it('adds weighted impacts window by window and hands back the documents reaching θ, clearing the buffer', () => {
    const { c, kernel } = primed();
    const added = kernel.accumulate(2, 0);
    // Exactly the postings of the first window, and each term's cursor left at the second.
    const inWindow = [...c.docs].filter((d) => d < KERNEL_WINDOW).length;
    expect(added).toBe(inWindow);
    expect(c.docs[kernel.pos[0]! - 1]).toBeLessThan(KERNEL_WINDOW);
    expect(c.docs[kernel.pos[0]!]).toBeGreaterThanOrEqual(KERNEL_WINDOW);
    expect(c.docs[kernel.pos[1]!]).toBeGreaterThanOrEqual(KERNEL_WINDOW);

    const theta = 5000;
    const n = kernel.collect(theta);
    const expected = Array.from({ length: KERNEL_WINDOW }, (_, d) => d).filter((d) => score(d) >= theta);
    expect([...kernel.outIdx.subarray(0, n)]).toEqual(expected);
    expect([...kernel.outScore.subarray(0, n)]).toEqual(expected.map(score));
    // Cleared: nothing reaches even 1 now.
    expect(kernel.collect(1)).toBe(0);

    // The second window starts where the cursors stopped.
    kernel.accumulate(2, KERNEL_WINDOW);
    const m = kernel.collect(1);
    expect(m).toBe(new Set([...c.docs].filter((d) => d >= KERNEL_WINDOW)).size);
    expect(kernel.outScore[0]).toBe(score(KERNEL_WINDOW + kernel.outIdx[0]!));
  });

  it('in sparse mode notes each document once, when its sum first reaches θ, and clears on request', () => {
    const { kernel } = primed();
    const theta = 5000;
    const n = kernel.accumulateCrossing(2, 0, theta);
    const expected = Array.from({ length: KERNEL_WINDOW }, (_, d) => d).filter((d) => score(d) >= theta);
    const noted = [...kernel.outIdx.subarray(0, n)];
    expect(noted.length).toBe(new Set(noted).size); // once each
    expect(noted.sort((a, b) => a - b)).toEqual(expected);
    for (const x of expected) expect(kernel.acc[x]).toBe(score(x));
    kernel.clear();
    expect(kernel.acc.every((v) => v === 0)).toBe(true);
  });

  it('leaves an index that still writes and reads back the same file', () => {
    const passages = Array.from({ length: 3000 }, (_, i) => ({
      id: `p${i}`,
      title: `t${i % 7}`,
      text: Array.from({ length: 12 }, (_, j) => `w${(i * 31 + j * 17) % 97}`).join(' '),
    }));
    const index = Bm25Index.build(passages);
    const query = Array.from({ length: 30 }, (_, j) => `w${j * 3}`).join(' ');
    const before = index.search(query, 10);
    expect(index.usesKernel).toBe(true);
    const again = Bm25Index.fromBytes(index.toBytes());
    again.queryPath = 'pruned';
    expect(again.search(query, 10)).toEqual(before);
  });
});

describe('an index loaded from a file', () => {
  it('is decoded inside the kernel memory, which then reads its columns in place', () => {
    // Over 1 MiB of index file, so that fromBytes places it in a kernel memory.
    const passages = Array.from({ length: 20_000 }, (_, i) => ({
      id: `p${i}`,
      title: `t${i % 11}`,
      text: Array.from({ length: 16 }, (_, j) => `w${(i * 13 + j * 29) % 211}`).join(' '),
    }));
    const file = Bm25Index.build(passages, { storeText: false }).toBytes();
    expect(file.length).toBeGreaterThan(1 << 20);
    const placed = placeInKernelMemory(file, passages.length)!;
    expect(Buffer.compare(placed.file, file)).toBe(0);
    const c = decodeIndex(placed.file);
    const docs = c.docs;
    expect(docs.buffer).toBe(placed.memory.buffer);
    const blocks = c.docBlocks!;
    expect(blocks.denseStart.buffer).toBe(placed.memory.buffer);
    const kernel = ScoringKernel.create(c, c.docCount, placed.memory);
    expect(kernel?.hasBlocks).toBe(true);
    expect(c.docs).toBe(docs); // not copied
    expect(c.docBlocks!.denseStart).toBe(blocks.denseStart);

    const loaded = Bm25Index.fromBytes(file);
    const query = Array.from({ length: 30 }, (_, j) => `w${j * 7}`).join(' ');
    const hits = loaded.search(query, 5);
    expect(loaded.usesKernel).toBe(true);
    const all = loaded.scoreAll(query);
    const expected = [...all.keys()].sort((a, b) => all[b]! - all[a]! || a - b).slice(0, 5);
    expect(hits.map((h) => h.doc)).toEqual(expected);
  });
});
