import type { z } from 'zod';

/** Where in a file a record sits: 1-based line, 0-based record (array element / JSONL record) index. */
export interface RecordLocation {
  line: number;
  index: number;
}

export interface DatasetParseErrorInit {
  /** What was being read, e.g. "HotpotQA" or "corpus JSONL". */
  what: string;
  line?: number;
  index?: number;
  /** The record's own id, when it has one, to find it in the file. */
  recordId?: string;
  /** Dotted path of the offending field, e.g. "supporting_facts[0][1]". */
  field?: string;
  /** What was found and what was expected. */
  problem: string;
  /** How to fix it. */
  fix?: string;
}

/** A file that cannot be read as the format asked for; the message names the line, the field and the fix. */
export class DatasetParseError extends Error {
  readonly line: number | undefined;
  readonly index: number | undefined;
  readonly field: string | undefined;
  readonly recordId: string | undefined;

  constructor(init: DatasetParseErrorInit) {
    super(formatMessage(init));
    this.name = 'DatasetParseError';
    this.line = init.line;
    this.index = init.index;
    this.field = init.field;
    this.recordId = init.recordId;
  }
}

function formatMessage(init: DatasetParseErrorInit): string {
  const where: string[] = [];
  if (init.line !== undefined) where.push(`line ${init.line}`);
  if (init.index !== undefined) where.push(`record #${init.index}`);
  if (init.recordId !== undefined) where.push(`id ${JSON.stringify(init.recordId)}`);
  const at = where.length > 0 ? ` at ${where.join(', ')}` : '';
  const field = init.field ? `field "${init.field}": ` : '';
  const fix = init.fix ? ` ${init.fix}` : '';
  return `${init.what}${at}: ${field}${init.problem}.${fix}`;
}

/** "a.b[0][1]" from a zod issue path. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') {
    const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
    return `string ${JSON.stringify(shown)}`;
  }
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

/** One zod issue as "what was expected, what was found" in plain words. */
export function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type') {
    if (issue.input === undefined) return `missing (expected ${issue.expected})`;
    return `expected ${issue.expected}, got ${describeValue(issue.input)}`;
  }
  return issue.message;
}

/** The first issue of a failed parse, turned into a DatasetParseError at the record's location. */
export function issueToError(
  what: string,
  error: z.ZodError,
  location: RecordLocation,
  recordId: string | undefined,
  fix: string,
): DatasetParseError {
  const issue = error.issues[0];
  const more =
    error.issues.length > 1 ? ` (and ${error.issues.length - 1} more problem(s) in this record)` : '';
  return new DatasetParseError({
    what,
    line: location.line,
    index: location.index,
    recordId,
    field: issue ? formatPath(issue.path) || '(record)' : undefined,
    problem: `${issue ? describeIssue(issue) : 'invalid record'}${more}`,
    fix,
  });
}

/**
 * A JSON syntax error in words, without the text the parser quotes (V8 quotes the input's first
 * characters): an error about a file never repeats what the file holds.
 */
export function jsonSyntaxProblem(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  if (/end of (JSON )?input|Unexpected end/i.test(message)) return 'not valid JSON (it ends too soon)';
  const at = /at position (\d+)/.exec(message);
  return at ? `not valid JSON (at character ${Number(at[1]) + 1})` : 'not valid JSON';
}
