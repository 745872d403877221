import { createReadStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DatasetParseError } from '../src/datasets/errors';
import { type RawRecord, readRecords } from '../src/datasets/records';
import type { TextChunk } from '../src/datasets/source';

const FIXTURES = join(__dirname, 'fixtures', 'datasets');

async function collect(source: Parameters<typeof readRecords>[0]): Promise<RawRecord[]> {
  const out: RawRecord[] = [];
  for await (const record of readRecords(source, 'Test file')) out.push(record);
  return out;
}

/** The text in pieces of 1, 2, 3, … 7 code units, over and over: boundaries land everywhere. */
async function* oddChunks(text: string): AsyncGenerator<string> {
  let size = 1;
  for (let i = 0; i < text.length; i += size, size = (size % 7) + 1) yield text.slice(i, i + size);
}

/** UTF-8 bytes in 3-byte pieces: multi-byte characters are split across chunks. */
function* byteChunks(text: string): Generator<TextChunk> {
  const bytes = new TextEncoder().encode(text);
  for (let i = 0; i < bytes.length; i += 3) yield bytes.subarray(i, i + 3);
}

async function failure(source: Parameters<typeof readRecords>[0]): Promise<DatasetParseError> {
  try {
    await collect(source);
  } catch (err) {
    if (err instanceof DatasetParseError) return err;
    throw err;
  }
  throw new Error('expected a DatasetParseError');
}

describe('readRecords: JSON lines', () => {
  const text = '{"a": 1}\r\n\n{"b": "é😀"}\n  {"c": [1, 2]}';

  it('reads each line, skips blank lines, keeps 1-based line numbers and record indices', async () => {
    const records = await collect(text);
    expect(records).toEqual([
      { value: { a: 1 }, line: 1, index: 0 },
      { value: { b: 'é😀' }, line: 3, index: 1 },
      { value: { c: [1, 2] }, line: 4, index: 2 },
    ]);
  });

  it('gives the same records whatever the chunking, string or bytes', async () => {
    const whole = await collect(text);
    expect(await collect(oddChunks(text))).toEqual(whole);
    expect(await collect(byteChunks(text))).toEqual(whole);
  });

  it('names the line of bad JSON', async () => {
    const err = await failure('{"a": 1}\n{"a": 2}\n\n{"a": 3,}\n{"a": 4}');
    expect(err.line).toBe(4);
    expect(err.message).toMatch(/^Test file at line 4: not valid JSON/);
    expect(err.message).toContain('one complete JSON record');
  });

  it('streams a real file from a Node stream with tiny chunks', async () => {
    const path = join(FIXTURES, 'musique.jsonl');
    const fromStream = await collect(createReadStream(path, { highWaterMark: 16 }));
    const fromString = await collect(readFileSync(path, 'utf8'));
    expect(fromStream).toHaveLength(3);
    expect(fromStream).toEqual(fromString);
  });

  it('reads nothing from an empty or blank file', async () => {
    expect(await collect('')).toEqual([]);
    expect(await collect(' \n\n ')).toEqual([]);
  });
});

describe('readRecords: JSON array', () => {
  const text = '\uFEFF[\n  {"id": "x", "t": "é😀"},\n  {\n    "id": "y"\n  },\n  [1, {"z": null}]\n]\n';

  it('streams elements with their index and the line each starts on', async () => {
    expect(await collect(text)).toEqual([
      { value: { id: 'x', t: 'é😀' }, line: 2, index: 0 },
      { value: { id: 'y' }, line: 3, index: 1 },
      { value: [1, { z: null }], line: 6, index: 2 },
    ]);
  });

  it('gives the same records and lines whatever the chunking (surrogate pairs and UTF-8 split)', async () => {
    const whole = await collect(text);
    expect(await collect(oddChunks(text))).toEqual(whole);
    expect(await collect(byteChunks(text))).toEqual(whole);
    const surrogateSplit = text.indexOf('😀') + 1;
    expect(await collect([text.slice(0, surrogateSplit), text.slice(surrogateSplit)])).toEqual(whole);
  });

  it('reads a browser-style ReadableStream of bytes (what File.stream() gives)', async () => {
    const stream = new Blob([readFileSync(join(FIXTURES, 'hotpotqa.json'))]).stream();
    const records = await collect(stream);
    expect(records.map((r) => (r.value as { _id: string })._id)).toEqual([
      '5a8b57f25542995d1e6f1371',
      '5a8c7595554299585d9e36b6',
    ]);
  });

  it('streams a real file from a Node byte stream with tiny chunks', async () => {
    const path = join(FIXTURES, '2wikimultihopqa.json');
    const fromStream = await collect(createReadStream(path, { highWaterMark: 5 }));
    expect(fromStream.map((r) => r.index)).toEqual([0, 1]);
    expect(fromStream).toEqual(await collect(readFileSync(path, 'utf8')));
  });

  it('names the line of a syntax error, across chunks', async () => {
    const bad = '[\n{"a": 1},\n{"a": 2},\n{"a": tru}\n]';
    for (const source of [bad, oddChunks(bad)]) {
      const err = await failure(source);
      expect(err.line).toBe(4);
      expect(err.message).toMatch(/^Test file at line 4, record #2: not valid JSON/);
    }
  });

  it('reports a structural error (trailing comma) at its line', async () => {
    const err = await failure('[\n{"a": 1},\n{"a": 2,}\n]');
    expect(err.line).toBe(3);
    expect(err.message).toContain('not valid JSON');
  });

  it('reports a truncated array', async () => {
    const err = await failure('[\n{"a": 1},\n{"a": 2');
    expect(err.message).toMatch(/line 3.*record #1: the file ends before the JSON array is closed/);
  });
});
