import { DatasetParseError, issueToError } from '../../datasets/errors';
import { FORMAT_READERS } from '../../datasets/formats/index';
import { readRecords } from '../../datasets/records';
import type { TextSource } from '../../datasets/source';
import type { Question } from '../../types/data';
import { convertSubQaRecord, type SubQuestionPair, withSubQuestions } from './convert';
import { SubQaRecordSchema, SubQuestionRecordSchema, withUnderscoreId } from './schema';

const LABEL = 'SubQA';

function recordId(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Record<string, unknown>;
  const id = record._id ?? record.id;
  return typeof id === 'string' || typeof id === 'number' ? String(id) : undefined;
}

function duplicate(
  what: string,
  line: number,
  index: number,
  id: string,
  firstLine: number,
): DatasetParseError {
  return new DatasetParseError({
    what,
    line,
    index,
    recordId: id,
    field: '_id',
    problem: `the id was already used by the record at line ${firstLine}`,
    fix: 'Question ids must be unique within a file: remove the duplicate.',
  });
}

/**
 * Questions of a SubQA file in the combined layout (see schema.ts), one at a time as the text
 * streams in: dataset 'subqa', the sub-questions and their answers in evidence[] (subQuestion,
 * answer). A record that does not fit stops the read with a DatasetParseError naming its line
 * and field.
 */
export async function* parseSubQa(source: TextSource): AsyncGenerator<Question> {
  const seen = new Map<string, number>();
  for await (const record of readRecords(source, LABEL)) {
    const id = recordId(record.value);
    const parsed = SubQaRecordSchema.safeParse(withUnderscoreId(record.value), { reportInput: true });
    if (!parsed.success) {
      throw issueToError(
        LABEL,
        parsed.error,
        record,
        id,
        'Each record needs _id, question, answer and sub_questions: [{question, answer}, …]; for the release as separate HotpotQA-format files use readSubQaSplit.',
      );
    }
    const first = seen.get(parsed.data._id);
    if (first !== undefined) throw duplicate(LABEL, record.line, record.index, parsed.data._id, first);
    seen.set(parsed.data._id, record.line);
    yield convertSubQaRecord(parsed.data);
  }
}

/** All questions of a combined-layout SubQA file (see parseSubQa). */
export async function readSubQa(source: TextSource): Promise<Question[]> {
  const out: Question[] = [];
  for await (const question of parseSubQa(source)) out.push(question);
  return out;
}

export interface SubQaSplitFiles {
  /** The multi-hop questions: a HotpotQA-format file (the dev file, or just SubQA's questions). */
  original: TextSource;
  /** One HotpotQA-format file per sub-question position (SubQA: two), joined to `original` by _id. */
  subQuestions: readonly TextSource[];
}

export interface SubQaSplitOptions {
  /** Told about each multi-hop question skipped because no sub-question file has it. */
  onSkip?: (skipped: { line: number; index: number; id: string }) => void;
}

interface SubEntry extends SubQuestionPair {
  line: number;
}

async function readSubQuestionFile(source: TextSource, position: number): Promise<Map<string, SubEntry>> {
  const what = `SubQA sub-question ${position} file`;
  const entries = new Map<string, SubEntry>();
  for await (const record of readRecords(source, what)) {
    const parsed = SubQuestionRecordSchema.safeParse(withUnderscoreId(record.value), { reportInput: true });
    if (!parsed.success) {
      throw issueToError(
        what,
        parsed.error,
        record,
        recordId(record.value),
        'Each record needs _id (the multi-hop question it belongs to), question (the sub-question) and answer.',
      );
    }
    const { _id, question, answer } = parsed.data;
    const earlier = entries.get(_id);
    if (earlier) throw duplicate(what, record.line, record.index, _id, earlier.line);
    entries.set(_id, { question, answer, line: record.line });
  }
  return entries;
}

/**
 * SubQA from HotpotQA-format files: the multi-hop questions and one file per sub-question
 * position, joined by _id. Multi-hop questions no sub-question file mentions are skipped (so the
 * whole HotpotQA dev file can be given); one that only some files mention, or a sub-question
 * whose _id is not among the multi-hop questions, is a DatasetParseError naming file and line.
 */
export async function readSubQaSplit(
  files: SubQaSplitFiles,
  options: SubQaSplitOptions = {},
): Promise<Question[]> {
  if (files.subQuestions.length === 0) {
    throw new Error('readSubQaSplit: no sub-question files given; SubQA has one per sub-question (two).');
  }
  const subs: Map<string, SubEntry>[] = [];
  for (const [i, source] of files.subQuestions.entries()) subs.push(await readSubQuestionFile(source, i + 1));

  const reader = FORMAT_READERS.hotpotqa;
  const what = 'SubQA multi-hop question file (HotpotQA format)';
  const used = new Set<string>();
  const questions: Question[] = [];
  const seen = new Map<string, number>();
  for await (const record of readRecords(files.original, what)) {
    const id = recordId(record.value);
    const read = reader.read(record.value, {});
    if (!read.ok) {
      throw issueToError(
        what,
        read.error,
        record,
        id,
        'Give the HotpotQA dev file (or its SubQA questions) unchanged.',
      );
    }
    if (!('question' in read.result)) continue;
    const base = read.result.question;
    const first = seen.get(base.id);
    if (first !== undefined) throw duplicate(what, record.line, record.index, base.id, first);
    seen.set(base.id, record.line);
    const found = subs.map((m) => m.get(base.id));
    const present = found.filter((e): e is SubEntry => e !== undefined);
    if (present.length === 0) {
      options.onSkip?.({ line: record.line, index: record.index, id: base.id });
      continue;
    }
    if (present.length < subs.length) {
      const missing = found.flatMap((e, i) => (e === undefined ? [i + 1] : []));
      throw new DatasetParseError({
        what,
        line: record.line,
        index: record.index,
        recordId: base.id,
        field: '_id',
        problem: `sub-question file(s) ${missing.join(', ')} have no record with this id, while the other(s) do`,
        fix: 'Every SubQA question needs all its sub-questions: check the sub-question files belong to the same release.',
      });
    }
    used.add(base.id);
    questions.push(withSubQuestions(base, present));
  }
  subs.forEach((entries, i) => {
    for (const [id, entry] of entries) {
      if (used.has(id)) continue;
      throw new DatasetParseError({
        what: `SubQA sub-question ${i + 1} file`,
        line: entry.line,
        recordId: id,
        field: '_id',
        problem: 'no multi-hop question in the question file has this id',
        fix: 'Give the HotpotQA file the sub-questions were made from (SubQA uses HotpotQA dev).',
      });
    }
  });
  return questions;
}
