/**
 * The index's terms and their ids: an open-addressing hash table over the terms' UTF-8 bytes,
 * which stay as the index file stores them (terms joined by newlines, in id order).
 *
 * Every search looks its terms up, and on a large vocabulary each lookup misses the cache: in a
 * Map<string, number> several times over (bucket, entry, then the key string compared by
 * content). Here a slot holds the hash and where its term's bytes lie, and a query's slots are
 * all found before any term's bytes are compared, so the misses of different terms overlap.
 * Inside searches (bench/bm25/block-probes.ts, the bench's five-sentence queries, ~38 terms):
 * real text, 235,721 terms, 19.0 µs a query through a Map, 10.0 through this. Loading makes no
 * string per term and no Map (real 202k: load 300–332 → 250–272 ms, JS heap 28 → 9 MiB; both in
 * docs/results/bm25-2026-12-07-load-ahead/).
 */
import { fmix32 } from '../util/fmix32';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const NEWLINE = 10;
/** Words per slot: hash, id + 1 (0: an empty slot), start and end of the term's bytes. */
const SLOT = 4;

export class Vocabulary {
  private hashes = new Uint32Array(64);
  private firstSlot = new Int32Array(64);

  private constructor(
    private readonly utf8: Uint8Array,
    private readonly slots: Uint32Array,
    private readonly mask: number,
    /** How many terms. */
    readonly size: number,
  ) {}

  /** The terms in id order; none may contain a newline. */
  static fromTerms(terms: readonly string[]): Vocabulary {
    const bad = terms.findIndex((t) => t.includes('\n'));
    if (bad >= 0) throw new Error(`Vocabulary: term ${bad} contains a newline`);
    return Vocabulary.fromUtf8(encoder.encode(terms.join('\n')), terms.length);
  }

  /**
   * `size` terms as UTF-8 joined by newlines, in id order (no bytes for none), read in place.
   * Throws naming the counts where they differ. A term given twice keeps the later id, as a Map
   * filled in id order would.
   */
  static fromUtf8(utf8: Uint8Array, size: number): Vocabulary {
    if (size === 0) {
      if (utf8.length !== 0) throw new Error('Vocabulary: no terms expected, but there are bytes');
      return new Vocabulary(utf8, new Uint32Array(SLOT), 0, 0);
    }
    // Checked before the table is sized by `size`: n terms need at least n − 1 newlines.
    if (size > utf8.length + 1) {
      throw new Error(
        `Vocabulary: ${size} terms expected, but ${utf8.length} bytes hold at most ${utf8.length + 1}`,
      );
    }
    let capacity = 8;
    while (capacity < 2 * size) capacity *= 2;
    const slots = new Uint32Array(SLOT * capacity);
    const mask = capacity - 1;
    let id = 0;
    let start = 0;
    for (let at = 0; at <= utf8.length; at++) {
      if (at < utf8.length && utf8[at] !== NEWLINE) continue;
      if (id === size) throw new Error(`Vocabulary: more than the ${size} terms expected`);
      const h = hashBytes(utf8, start, at);
      for (let s = h & mask; ; s = (s + 1) & mask) {
        const o = SLOT * s;
        const empty = slots[o + 1] === 0;
        if (empty || (slots[o] === h && sameBytes(utf8, slots[o + 2]!, slots[o + 3]!, utf8, start, at))) {
          slots[o] = h;
          slots[o + 1] = id + 1;
          slots[o + 2] = start;
          slots[o + 3] = at;
          break;
        }
      }
      id++;
      start = at + 1;
    }
    if (id !== size) throw new Error(`Vocabulary: ${id} terms, ${size} expected`);
    return new Vocabulary(utf8, slots, mask, size);
  }

  /** The terms joined by newlines, as UTF-8 (what the index file stores). */
  get bytes(): Uint8Array {
    return this.utf8;
  }

  /** The terms in id order. */
  terms(): string[] {
    return this.size === 0 ? [] : decoder.decode(this.utf8).split('\n');
  }

  /** The term's id, or −1 where it is not in the vocabulary. */
  id(term: string): number {
    const h = asciiHash(term);
    return h < 0 ? this.idOfBytes(encoder.encode(term)) : this.idFrom(term, h, h & this.mask);
  }

  /**
   * The ids of the terms found, in order, unknown terms left out. First each term's hash and
   * the first slot holding that hash or none (slot loads that do not wait on each other), then
   * the bytes compared.
   */
  idsOf(terms: readonly string[]): number[] {
    const n = terms.length;
    if (this.hashes.length < n) {
      this.hashes = new Uint32Array(n);
      this.firstSlot = new Int32Array(n);
    }
    const { slots, mask, hashes, firstSlot } = this;
    for (let i = 0; i < n; i++) {
      const h = asciiHash(terms[i]!);
      if (h < 0) {
        firstSlot[i] = -1; // not ASCII: looked up from its bytes below
        continue;
      }
      let s = h & mask;
      while (slots[SLOT * s + 1] !== 0 && slots[SLOT * s] !== h) s = (s + 1) & mask;
      hashes[i] = h;
      firstSlot[i] = s;
    }
    const ids: number[] = [];
    for (let i = 0; i < n; i++) {
      const term = terms[i]!;
      const id =
        firstSlot[i]! < 0
          ? this.idOfBytes(encoder.encode(term))
          : this.idFrom(term, hashes[i]!, firstSlot[i]!);
      if (id >= 0) ids.push(id);
    }
    return ids;
  }

  /** An ASCII term's id, probing from slot s on; h its hash. */
  private idFrom(term: string, h: number, s: number): number {
    const { slots, utf8, mask } = this;
    const n = term.length;
    for (; ; s = (s + 1) & mask) {
      const o = SLOT * s;
      if (slots[o + 1] === 0) return -1;
      if (slots[o] !== h) continue;
      const start = slots[o + 2]!;
      if (slots[o + 3]! - start !== n) continue;
      let i = 0;
      while (i < n && utf8[start + i] === term.charCodeAt(i)) i++;
      if (i === n) return slots[o + 1]! - 1;
    }
  }

  private idOfBytes(bytes: Uint8Array): number {
    const h = hashBytes(bytes, 0, bytes.length);
    const { slots, utf8, mask } = this;
    for (let s = h & mask; ; s = (s + 1) & mask) {
      const o = SLOT * s;
      if (slots[o + 1] === 0) return -1;
      if (slots[o] === h && sameBytes(utf8, slots[o + 2]!, slots[o + 3]!, bytes, 0, bytes.length))
        return slots[o + 1]! - 1;
    }
  }
}

// FNV-1a over the bytes, then murmur3's finaliser (linear probing reads the low bits).
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

function hashBytes(b: Uint8Array, start: number, end: number): number {
  let h = FNV_OFFSET;
  for (let i = start; i < end; i++) h = Math.imul(h ^ b[i]!, FNV_PRIME);
  return fmix32(h);
}

/** The hash of an ASCII string's bytes (as hashBytes); −1 where it is not ASCII. */
function asciiHash(term: string): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < term.length; i++) {
    const c = term.charCodeAt(i);
    if (c >= 0x80) return -1;
    h = Math.imul(h ^ c, FNV_PRIME);
  }
  return fmix32(h);
}

function sameBytes(a: Uint8Array, s1: number, e1: number, b: Uint8Array, s2: number, e2: number): boolean {
  if (e1 - s1 !== e2 - s2) return false;
  for (let i = 0; i < e1 - s1; i++) if (a[s1 + i] !== b[s2 + i]) return false;
  return true;
}
