import type { DecodeResult } from '../../apps/web/src/inference/decoder';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return (s[(s.length - 1) >> 1]! + s[s.length >> 1]!) / 2;
}

/** Median milliseconds of `runs` calls, after three untimed ones (allocations, first-call set-up). */
export async function medianMs(call: () => Promise<unknown>, runs: number): Promise<number> {
  const ms: number[] = [];
  for (let i = 0; i < runs + 3; i++) {
    const t = performance.now();
    await call();
    ms.push(performance.now() - t);
  }
  return median(ms.slice(3));
}

/** A fixed prompt of n ordinary token ids (the same on both sides). */
export function promptIds(n: number): number[] {
  return Array.from({ length: n }, (_, i) => ((i * 7919) % 40000) + 100);
}

/** Decode tokens/s after the first token, and the time to it. */
export function decodeFigures(promptTokens: number, r: DecodeResult) {
  return {
    promptTokens,
    tokens: r.ids.length,
    firstTokenMs: r.firstTokenMs,
    decodeTokensPerS: (r.ids.length - 1) / ((r.totalMs - r.firstTokenMs) / 1000),
    ids: r.ids,
  };
}
