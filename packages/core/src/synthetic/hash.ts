/**
 * Stateless integer hashing. Per-entity choices (which paraphrase a sentence uses, which split
 * an entity falls in) are hashed from the entity's index instead of drawn from the PRNG stream,
 * so a passage can be rendered on its own, in any order, and always reads the same.
 */
import { fmix32 } from '../util/fmix32';

export function hash3(a: number, b: number, c: number): number {
  let h = fmix32(a ^ 0x9e3779b9);
  h = fmix32(h ^ Math.imul(b + 0x7f4a7c15, 0x2545f491));
  return fmix32(h ^ Math.imul(c + 0x1b873593, 0x6c8e9cf5));
}

/** Uniform in [0, 1). */
export function hash01(a: number, b: number, c: number): number {
  return hash3(a, b, c) / 4294967296;
}

/**
 * A seeded bijection of [0, size): picking the first n images gives n distinct codes with no
 * set to remember them, which keeps naming a million entities cheap. Bijective mixing rounds
 * on the smallest power-of-two domain holding `size`, with cycle walking back into range.
 */
export class IndexPermutation {
  private readonly mask: number;
  private readonly shift: number;
  private readonly keys: [number, number, number];

  constructor(
    readonly size: number,
    key: number,
  ) {
    if (!Number.isInteger(size) || size < 1 || size > 0x80000000) {
      throw new Error(`IndexPermutation: size must be an integer in [1, 2^31], got ${size}`);
    }
    let bits = 1;
    while (2 ** bits < size) bits++;
    this.mask = bits >= 31 ? 0x7fffffff : (1 << bits) - 1;
    this.shift = Math.max(1, bits >> 1);
    this.keys = [hash3(key, 1, size), hash3(key, 2, size), hash3(key, 3, size)];
  }

  at(index: number): number {
    let x = index;
    do {
      for (const k of this.keys) {
        x = (x + k) & this.mask;
        x = Math.imul(x, (k | 1) >>> 0) & this.mask;
        x ^= x >>> this.shift;
      }
    } while (x >= this.size);
    return x;
  }
}
