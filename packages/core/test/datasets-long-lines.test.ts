import { describe, expect, it } from 'vitest';
import { DatasetParseError } from '../src/datasets/errors';
import { readPassages } from '../src/datasets/passages';
import { MAX_LINE_CHARS } from '../src/datasets/records';

/** A string cut into chunks of `size`, as a file stream would hand it over. */
function* chunked(text: string, size: number): Generator<string> {
  for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size);
}

const passage = (id: string, textLength: number) =>
  `{"id":"${id}","title":"T","text":"${'x'.repeat(textLength)}"}`;

describe('JSON lines: a line longer than the cap', () => {
  it('is refused with the line named, whether streamed in chunks or given whole', async () => {
    const over = `${passage('a', 10)}\n${passage('b', MAX_LINE_CHARS)}\n${passage('c', 10)}\n`;
    for (const source of [over, chunked(over, 64 * 1024)]) {
      const err = await readPassages(source).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DatasetParseError);
      expect((err as DatasetParseError).line).toBe(2);
      expect((err as Error).message).toMatch(
        /^Corpus at line 2: the line is longer than 16,777,216 characters \(16 MiB\)\. Each record/,
      );
    }
    // An unterminated last line is measured too.
    const last = `${passage('a', 10)}\n${'x'.repeat(MAX_LINE_CHARS + 1)}`;
    expect((await readPassages(chunked(last, 1 << 20)).catch((e: Error) => e.message)) as string).toMatch(
      /line 2: the line is longer than/,
    );
  });

  it('is read up to the cap, however the chunks fall', async () => {
    const text = `${passage('a', 3)}\n${passage('long', MAX_LINE_CHARS - 100)}\r\n${passage('c', 3)}`;
    for (const size of [text.length, 64 * 1024]) {
      expect((await readPassages(chunked(text, size))).map((p) => p.id)).toEqual(['a', 'long', 'c']);
    }
    const small = `${passage('a', 3)}\n\n${passage('b', 50)}\r\n${passage('c', 3)}`;
    expect((await readPassages(chunked(small, 7))).map((p) => p.id)).toEqual(['a', 'b', 'c']);
  });
});
