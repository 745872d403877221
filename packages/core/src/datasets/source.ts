/**
 * Text handed to a parser: a whole string, or chunks as a host streams them (a Node file stream
 * with an encoding, a browser File's stream, a fetch body). Byte chunks are decoded as UTF-8.
 */
export type TextChunk = string | Uint8Array;
export type TextSource = string | AsyncIterable<TextChunk> | Iterable<TextChunk> | ReadableStream<TextChunk>;

/** The source's chunks in order; a string is one chunk. */
export async function* chunksOf(source: TextSource): AsyncGenerator<TextChunk> {
  if (typeof source === 'string') {
    yield source;
    return;
  }
  // Safari's ReadableStream (File.stream(), fetch bodies) is not async-iterable: read it by hand.
  if ('getReader' in source) {
    const reader = source.getReader();
    try {
      for (let next = await reader.read(); !next.done; next = await reader.read()) yield next.value;
    } finally {
      reader.releaseLock();
    }
    return;
  }
  if (Symbol.asyncIterator in source) {
    for await (const chunk of source) yield chunk;
    return;
  }
  for (const chunk of source) yield chunk;
}

/** Bytes that are not UTF-8, with the line they are on: never silently turned into U+FFFD. */
export class NotUtf8Error extends Error {
  constructor(readonly line: number) {
    super(`line ${line} is not valid UTF-8`);
    this.name = 'NotUtf8Error';
  }
}

function newlinesIn(bytes: Uint8Array, end = bytes.length): number {
  let n = 0;
  for (let i = bytes.indexOf(10); i !== -1 && i < end; i = bytes.indexOf(10, i + 1)) n++;
  return n;
}

/** Index of the first byte of a chunk that breaks UTF-8 (continuation bytes of a character begun in the previous chunk skipped). */
function firstBadByte(bytes: Uint8Array): number {
  let start = 0;
  while (start < 3 && start < bytes.length && ((bytes[start] as number) & 0xc0) === 0x80) start++;
  const probe = new TextDecoder('utf-8', { fatal: true });
  // Grow the valid prefix a line at a time, then byte by byte within the failing line.
  let good = start;
  for (let nl = bytes.indexOf(10, start); nl !== -1; nl = bytes.indexOf(10, nl + 1)) {
    try {
      probe.decode(bytes.subarray(start, nl + 1));
      good = nl + 1;
    } catch {
      break;
    }
  }
  return good;
}

/**
 * The source as text chunks; a multi-byte character split across byte chunks is kept whole.
 * Bytes that are not UTF-8 stop the read with NotUtf8Error naming their line.
 */
export async function* textChunksOf(source: TextSource): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let sawBytes = false;
  let lines = 1;
  for await (const chunk of chunksOf(source)) {
    if (typeof chunk === 'string') {
      yield chunk;
    } else {
      sawBytes = true;
      let text: string;
      try {
        text = decoder.decode(chunk, { stream: true });
      } catch {
        throw new NotUtf8Error(lines + newlinesIn(chunk, firstBadByte(chunk)));
      }
      lines += newlinesIn(chunk);
      if (text) yield text;
    }
  }
  if (sawBytes) {
    let rest: string;
    try {
      rest = decoder.decode();
    } catch {
      // The file ends inside a character.
      throw new NotUtf8Error(lines);
    }
    if (rest) yield rest;
  }
}
