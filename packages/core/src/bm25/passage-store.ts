import type { Passage } from '../types/data';

/**
 * Where an index keeps its passages, by document number. A freshly built index keeps the
 * caller's own strings in plain arrays (no copy: the strings are shared with the input); a loaded
 * index keeps the UTF-8 bytes of its file plus offsets and decodes one passage when asked, so
 * loading a million passages costs no string allocation at all.
 */
export interface PassageStore {
  readonly size: number;
  /** false when the index was built with `storeText: false`: ids only. */
  readonly hasText: boolean;
  id(doc: number): string;
  title(doc: number): string;
  text(doc: number): string;
}

export class ArrayPassageStore implements PassageStore {
  constructor(
    private readonly ids: string[],
    private readonly titles: string[] | null,
    private readonly texts: string[] | null,
  ) {}

  get size(): number {
    return this.ids.length;
  }

  get hasText(): boolean {
    return this.titles !== null;
  }

  id(doc: number): string {
    return this.ids[doc]!;
  }

  title(doc: number): string {
    return requireText(this.titles, doc);
  }

  text(doc: number): string {
    return requireText(this.texts, doc);
  }
}

function requireText(column: string[] | null, doc: number): string {
  if (column === null) throw new Error(noTextMessage);
  return column[doc]!;
}

const noTextMessage =
  'this BM25 index was built with storeText: false and keeps passage ids only; ' +
  'give the passages to Bm25Retriever, or rebuild the index with storeText: true';

/** Strings as one UTF-8 byte array and n + 1 byte offsets. */
export interface Utf8Column {
  bytes: Uint8Array;
  offsets: Uint32Array;
}

const decoder = new TextDecoder();

export class Utf8PassageStore implements PassageStore {
  constructor(
    private readonly ids: Utf8Column,
    private readonly titles: Utf8Column | null,
    private readonly texts: Utf8Column | null,
  ) {}

  get size(): number {
    return this.ids.offsets.length - 1;
  }

  get hasText(): boolean {
    return this.titles !== null;
  }

  id(doc: number): string {
    return decodeAt(this.ids, doc);
  }

  title(doc: number): string {
    if (this.titles === null) throw new Error(noTextMessage);
    return decodeAt(this.titles, doc);
  }

  text(doc: number): string {
    if (this.texts === null) throw new Error(noTextMessage);
    return decodeAt(this.texts, doc);
  }

  /** The columns as stored, for writing them out again without a decode/encode round. */
  columns(): { ids: Utf8Column; titles: Utf8Column | null; texts: Utf8Column | null } {
    return { ids: this.ids, titles: this.titles, texts: this.texts };
  }
}

function decodeAt(column: Utf8Column, i: number): string {
  return decoder.decode(column.bytes.subarray(column.offsets[i]!, column.offsets[i + 1]!));
}

export function passageAt(store: PassageStore, doc: number): Passage {
  return { id: store.id(doc), title: store.title(doc), text: store.text(doc) };
}

const encoder = new TextEncoder();

const CHUNK = 4096;

/**
 * Encodes n strings into one column. Strings go in chunks joined into one: joining copies the
 * pieces of concatenated (rope) strings directly, where encoding each string would first flatten
 * it. When a chunk's UTF-8 is as long as its UTF-16 it was plain ASCII and each string's byte
 * length is its length; otherwise the chunk is encoded again string by string.
 */
export function encodeColumn(n: number, at: (i: number) => string): Utf8Column {
  const offsets = new Uint32Array(n + 1);
  // Sized for ASCII (one byte per code unit); grown only when the text is not.
  let chars = 0;
  for (let i = 0; i < n; i++) chars += at(i).length;
  let bytes = new Uint8Array(Math.min(chars + 16, 0xffff_ffff));
  let pos = 0;
  const reserve = (units: number) => {
    // UTF-16 → UTF-8 is at most 3 bytes per code unit.
    const need = pos + units * 3;
    if (need > 0xffff_ffff) throw new Error('passage store: more than 4 GiB of text in one column');
    if (need > bytes.length) {
      const grown = new Uint8Array(Math.min(Math.max(need, bytes.length * 2), 0xffff_ffff));
      grown.set(bytes.subarray(0, pos));
      bytes = grown;
    }
  };
  for (let i0 = 0; i0 < n; i0 += CHUNK) {
    const i1 = Math.min(n, i0 + CHUNK);
    const parts: string[] = [];
    for (let i = i0; i < i1; i++) parts.push(at(i));
    const joined = parts.join('');
    if (pos + joined.length <= bytes.length) {
      const r = encoder.encodeInto(joined, bytes.subarray(pos));
      if (r.read === joined.length && r.written === joined.length) {
        for (let i = i0; i < i1; i++) {
          pos += parts[i - i0]!.length;
          offsets[i + 1] = pos;
        }
        continue;
      }
    }
    for (let i = i0; i < i1; i++) {
      reserve(parts[i - i0]!.length);
      pos += encoder.encodeInto(parts[i - i0]!, bytes.subarray(pos)).written;
      offsets[i + 1] = pos;
    }
  }
  return { bytes: bytes.subarray(0, pos), offsets };
}
