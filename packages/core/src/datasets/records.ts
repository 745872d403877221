import { Tokenizer, TokenParser, TokenType } from '@streamparser/json';
import { DatasetParseError, formatPath, jsonSyntaxProblem, type RecordLocation } from './errors';
import { NotUtf8Error, type TextSource, textChunksOf } from './source';
import { findBadText } from './text-check';

/** One raw record of a file and where it starts. */
export interface RawRecord extends RecordLocation {
  value: unknown;
}

const JSON_ARRAY_OR_LINES =
  'Give a JSON array of records ([{...}, {...}]) or JSON lines (one {...} per line).';

/**
 * The records of a JSON-array or JSON-lines file, one at a time, whichever the file is: the first
 * character that is not white space decides ('[' = array). Neither form is ever held whole in
 * memory, so multi-gigabyte files stream.
 */
export async function* readRecords(
  source: TextSource,
  name: string | (() => string),
): AsyncGenerator<RawRecord> {
  // A getter, so a reader that learns the format from the first record names it in later errors.
  const what = typeof name === 'string' ? () => name : name;
  try {
    for await (const record of anyRecords(source, what)) {
      const bad = findBadText(record.value);
      if (bad) {
        throw new DatasetParseError({
          what: what(),
          line: record.line,
          index: record.index,
          field: formatPath(bad.path) || '(record)',
          problem: bad.problem,
          fix: 'Fix the text at its source and save the file as UTF-8.',
        });
      }
      yield record;
    }
  } catch (err) {
    if (!(err instanceof NotUtf8Error)) throw err;
    throw new DatasetParseError({
      what: what(),
      line: err.line,
      problem: 'not valid UTF-8 text',
      fix: 'Save the file as UTF-8 (it may be in another encoding, or damaged) and try again.',
    });
  }
}

async function* anyRecords(source: TextSource, what: () => string): AsyncGenerator<RawRecord> {
  const chunks = textChunksOf(source)[Symbol.asyncIterator]();
  // Peek until the first meaningful character; everything read so far is replayed.
  const head: string[] = [];
  let first: string | undefined;
  while (first === undefined) {
    const next = await chunks.next();
    if (next.done) break;
    head.push(next.value);
    first = next.value.replace(/^[\s\uFEFF]+/, '')[0];
  }
  if (first === undefined) return;
  // A byte-order mark is not content; dropping it keeps the tokenizer's byte offsets = ours.
  const start = head.findIndex((chunk) => chunk !== '');
  head[start] = (head[start] as string).replace(/^\uFEFF/, '');
  async function* replay(): AsyncGenerator<string> {
    yield* head;
    for (let next = await chunks.next(); !next.done; next = await chunks.next()) yield next.value;
  }
  if (first === '[') yield* jsonArrayRecords(replay(), what);
  else yield* jsonLinesRecords(replay(), what);
}

/**
 * The longest line a JSON-lines file may have (characters). Records are kilobytes; a longer
 * "line" is a file in another form, and holding it would cost memory for nothing.
 */
export const MAX_LINE_CHARS = 16 * 1024 * 1024;

async function* jsonLinesRecords(
  chunks: AsyncIterable<string>,
  what: () => string,
): AsyncGenerator<RawRecord> {
  // The current line so far, as the pieces the chunks gave: each character is looked at once.
  const pieces: string[] = [];
  let pending = 0;
  let line = 0;
  let index = 0;
  const tooLong = (): DatasetParseError =>
    new DatasetParseError({
      what: what(),
      line: line + 1,
      problem: `the line is longer than ${MAX_LINE_CHARS.toLocaleString('en')} characters (16 MiB)`,
      fix: `Each record of a JSON-lines file must fit on one line of at most 16 MiB; is the file really JSON lines? ${JSON_ARRAY_OR_LINES}`,
    });
  const take = (piece: string): void => {
    pending += piece.length;
    if (pending > MAX_LINE_CHARS) throw tooLong();
    if (piece) pieces.push(piece);
  };
  const lineText = (): string => {
    const text = pieces.join('');
    pieces.length = 0;
    pending = 0;
    return text;
  };
  const parse = (text: string): RawRecord | undefined => {
    line++;
    const trimmed = text.trim().replace(/^\uFEFF/, '');
    if (trimmed === '') return undefined;
    try {
      return { value: JSON.parse(trimmed), line, index: index++ };
    } catch (err) {
      throw new DatasetParseError({
        what: what(),
        line,
        problem: jsonSyntaxProblem(err),
        fix: `Each line must hold one complete JSON record. ${JSON_ARRAY_OR_LINES}`,
      });
    }
  };
  for await (const chunk of chunks) {
    // Only the new chunk is searched for line ends: a long line is never scanned again.
    let start = 0;
    for (let nl = chunk.indexOf('\n'); nl !== -1; nl = chunk.indexOf('\n', start)) {
      take(chunk.slice(start, nl));
      const record = parse(lineText());
      start = nl + 1;
      if (record) yield record;
    }
    take(chunk.slice(start));
  }
  if (pieces.length > 0) {
    const record = parse(lineText());
    if (record) yield record;
  }
}

/** Maps byte offsets of the current chunk to 1-based line numbers. */
class LineCounter {
  private linesBefore = 0;
  private chunkStart = 0;
  private chunkLength = 0;
  private newlines: number[] = [];

  feed(bytes: Uint8Array): void {
    this.linesBefore += this.newlines.length;
    this.chunkStart += this.chunkLength;
    this.chunkLength = bytes.length;
    this.newlines = [];
    for (let i = bytes.indexOf(10); i !== -1; i = bytes.indexOf(10, i + 1)) this.newlines.push(i);
  }

  /** Line of an absolute byte offset; offsets before the current chunk report its first line. */
  lineAt(offset: number): number {
    const local = offset - this.chunkStart;
    let lo = 0;
    let hi = this.newlines.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.newlines[mid] as number) < local) lo = mid + 1;
      else hi = mid;
    }
    return this.linesBefore + lo + 1;
  }

  /** Line of a position within the current chunk. */
  lineInChunk(position: number): number {
    return this.lineAt(this.chunkStart + position);
  }
}

async function* jsonArrayRecords(
  chunks: AsyncIterable<string>,
  what: () => string,
): AsyncGenerator<RawRecord> {
  const tokenizer = new Tokenizer();
  // keepStack false: emitted elements are dropped from the root array, so memory stays flat.
  const parser = new TokenParser({ paths: ['$.*'], keepStack: false });
  const lines = new LineCounter();
  const encoder = new TextEncoder();
  const ready: RawRecord[] = [];
  let depth = 0;
  let index = -1;
  let elementLine = 1;
  let lastLine = 1;

  tokenizer.onToken = (info) => {
    lastLine = lines.lineAt(info.offset);
    // readRecords routes here only when the file starts with '[', so depth 0 is the root.
    if (depth === 1 && info.token !== TokenType.COMMA && info.token !== TokenType.RIGHT_BRACKET) {
      index++;
      elementLine = lastLine;
    }
    if (info.token === TokenType.LEFT_BRACE || info.token === TokenType.LEFT_BRACKET) depth++;
    else if (info.token === TokenType.RIGHT_BRACE || info.token === TokenType.RIGHT_BRACKET) depth--;
    parser.write(info);
  };
  parser.onValue = ({ value }) => {
    ready.push({ value, line: elementLine, index });
  };

  const syntaxError = (err: unknown, line: number): DatasetParseError => {
    if (err instanceof DatasetParseError) return err;
    return new DatasetParseError({
      what: what(),
      line,
      index: index >= 0 ? index : undefined,
      problem: jsonSyntaxProblem(err),
      fix: 'Check the file is complete and is one JSON array of records.',
    });
  };

  const write = (text: string): void => {
    const bytes = encoder.encode(text);
    lines.feed(bytes);
    try {
      tokenizer.write(bytes);
    } catch (err) {
      const at = /chunk position "(\d+)"/.exec((err as Error).message);
      throw syntaxError(err, at ? lines.lineInChunk(Number(at[1])) : lastLine);
    }
  };

  let pendingSurrogate = '';
  for await (const chunk of chunks) {
    let text = pendingSurrogate + chunk;
    pendingSurrogate = '';
    const last = text.charCodeAt(text.length - 1);
    // A high surrogate at the end of a chunk waits for its partner, else it would encode as U+FFFD.
    if (last >= 0xd800 && last <= 0xdbff) {
      pendingSurrogate = text.slice(-1);
      text = text.slice(0, -1);
    }
    write(text);
    yield* ready.splice(0);
  }
  if (pendingSurrogate) write(pendingSurrogate);
  try {
    tokenizer.end();
  } catch (err) {
    throw syntaxError(err, lastLine);
  }
  yield* ready.splice(0);
  if (!parser.isEnded) {
    throw new DatasetParseError({
      what: what(),
      line: lastLine,
      index: index >= 0 ? index : undefined,
      problem: 'the file ends before the JSON array is closed',
      fix: 'The file looks truncated: download or copy it again.',
    });
  }
}
