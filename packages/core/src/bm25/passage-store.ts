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

/** Encodes n strings into one column; grows its buffer as it goes instead of sizing twice. */
export function encodeColumn(n: number, at: (i: number) => string): Utf8Column {
  const offsets = new Uint32Array(n + 1);
  let bytes = new Uint8Array(1024);
  let pos = 0;
  for (let i = 0; i < n; i++) {
    const s = at(i);
    // UTF-16 → UTF-8 is at most 3 bytes per code unit.
    const need = pos + s.length * 3;
    if (need > bytes.length) {
      const grown = new Uint8Array(Math.max(need, bytes.length * 2));
      grown.set(bytes.subarray(0, pos));
      bytes = grown;
    }
    pos += encoder.encodeInto(s, bytes.subarray(pos)).written;
    if (pos > 0xffff_ffff) throw new Error('passage store: more than 4 GiB of text in one column');
    offsets[i + 1] = pos;
  }
  return { bytes: bytes.subarray(0, pos), offsets };
}
