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

/** The source as text chunks; a multi-byte character split across byte chunks is kept whole. */
export async function* textChunksOf(source: TextSource): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8');
  let sawBytes = false;
  for await (const chunk of chunksOf(source)) {
    if (typeof chunk === 'string') {
      yield chunk;
    } else {
      sawBytes = true;
      const text = decoder.decode(chunk, { stream: true });
      if (text) yield text;
    }
  }
  if (sawBytes) {
    const rest = decoder.decode();
    if (rest) yield rest;
  }
}
