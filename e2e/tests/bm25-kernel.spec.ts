import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';

// The module's bytes as the app bundles them (read as text: e2e does not compile core's sources).
const KERNEL_WASM_BASE64 = /'([A-Za-z0-9+/=]+)'/.exec(
  readFileSync(new URL('../../packages/core/src/bm25/kernel-wasm.ts', import.meta.url), 'utf8'),
)![1]!;

/**
 * The BM25 kernel (packages/core/src/bm25/kernel.wat) compiles and scores in Chromium on the
 * app's own page, under its Content-Security-Policy, as the playground's worker runs it: one
 * window of three documents and two terms, checked against sums made here.
 */
test('the WebAssembly BM25 kernel runs in the browser under the app’s CSP', async ({ page }) => {
  await page.goto('/');
  const result = await page.evaluate((base64) => {
    const bytes = Uint8Array.from(atob(base64), (ch) => ch.charCodeAt(0));
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 1 });
    const k = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } })
      .exports as unknown as {
      accumulate(...args: number[]): number;
      collect(...args: number[]): number;
    };
    // Layout: pos @0, end @16, weight @32, docs @64, impacts @128, acc @256 (8 docs), out @1024/2048.
    new Uint32Array(memory.buffer, 0, 2).set([0, 3]);
    new Uint32Array(memory.buffer, 16, 2).set([3, 5]);
    new Float64Array(memory.buffer, 32, 2).set([1, 2]);
    new Uint32Array(memory.buffer, 64, 5).set([0, 2, 5, 2, 9]); // term 0: docs 0 2 5; term 1: docs 2 9
    new Uint32Array(memory.buffer, 128, 5).set([7, 1, 4, 3, 8]);
    const added = k.accumulate(2, 0, 16, 32, 64, 128, 256, 0, 8); // window [0, 8): doc 9 waits
    const n = k.collect(256, 8, 4, 1024, 2048);
    return {
      added,
      pos: [...new Uint32Array(memory.buffer, 0, 2)],
      idx: [...new Uint32Array(memory.buffer, 1024, n)],
      scores: [...new Float64Array(memory.buffer, 2048, n)],
      cleared: k.collect(256, 8, 1, 1024, 2048),
    };
  }, KERNEL_WASM_BASE64);
  // Doc 0: 7; doc 2: 1 + 2·3 = 7; doc 5: 4 (θ = 4 keeps all three).
  expect(result).toEqual({ added: 4, pos: [3, 4], idx: [0, 2, 5], scores: [7, 7, 4], cleared: 0 });
});
