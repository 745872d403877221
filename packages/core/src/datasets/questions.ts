import type { DatasetName, Question } from '../types/data';
import { detectFormat } from './detect';
import { DatasetParseError, issueToError } from './errors';
import { quotableId } from './formats/fields';
import { FORMAT_READERS, QUESTION_FORMATS, type QuestionFormat } from './formats/index';
import { readRecords } from './records';
import type { TextSource } from './source';

export interface SkippedRecord {
  line: number;
  index: number;
  id: string | undefined;
  reason: string;
}

export interface ParseQuestionsOptions {
  /** The file's format; 'auto' (default) decides from the first record. */
  format?: QuestionFormat | 'auto';
  /** Dataset label for the questions instead of the format's own (e.g. 'hotpotqa' for IRCoT files of it). */
  dataset?: DatasetName;
  /** MuSiQue-full's unanswerable questions are skipped unless this is false. */
  skipUnanswerable?: boolean;
  /** Told about each record that was read but not turned into a question. */
  onSkip?: (skipped: SkippedRecord) => void;
}

const FORMAT_LIST = QUESTION_FORMATS.join(', ');

function recordId(value: unknown, field: string): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  return quotableId((value as Record<string, unknown>)[field]);
}

/**
 * Questions of a HotpotQA, 2WikiMultihopQA, MuSiQue or IRCoT-processed file, one at a time as the
 * text streams in (JSON array or JSON lines). A record that does not fit the format stops the
 * read with a DatasetParseError naming its line, the field and what was expected.
 */
export async function* parseQuestions(
  source: TextSource,
  options: ParseQuestionsOptions = {},
): AsyncGenerator<Question> {
  let format = options.format === 'auto' ? undefined : options.format;
  const seen = new Map<string, number>();
  for await (const record of readRecords(source, () =>
    format ? FORMAT_READERS[format].label : 'Question file',
  )) {
    if (!format) {
      const detected = detectFormat(record.value);
      if (detected === undefined || detected === 'corpus') {
        const keys =
          typeof record.value === 'object' && record.value !== null ? Object.keys(record.value) : [];
        throw new DatasetParseError({
          what: 'Question file',
          line: record.line,
          index: record.index,
          problem:
            detected === 'corpus'
              ? 'this is a passage corpus ({id, title, text}), not a question file'
              : `the first record (keys: ${keys.join(', ') || 'none'}) matches no known format`,
          fix:
            detected === 'corpus'
              ? 'Load it as a corpus instead.'
              : `Give one of: ${FORMAT_LIST}, and check the file is one of their train/dev files.`,
        });
      }
      format = detected;
    }
    const reader = FORMAT_READERS[format];
    const id = recordId(record.value, reader.idField);
    const read = reader.read(record.value, options);
    if (!read.ok) {
      throw issueToError(
        reader.label,
        read.error,
        record,
        id,
        `Fix this record, or check the file really is ${reader.label} (format "${format}").`,
      );
    }
    if ('skip' in read.result) {
      options.onSkip?.({ line: record.line, index: record.index, id, reason: read.result.skip });
      continue;
    }
    const question = read.result.question;
    const firstLine = seen.get(question.id);
    if (firstLine !== undefined) {
      throw new DatasetParseError({
        what: reader.label,
        line: record.line,
        index: record.index,
        recordId: question.id,
        field: reader.idField,
        problem: `the id was already used by the record at line ${firstLine}`,
        fix: 'Question ids must be unique within a file: remove the duplicate.',
      });
    }
    seen.set(question.id, record.line);
    yield options.dataset ? { ...question, dataset: options.dataset } : question;
  }
}

/** All questions of a file (see parseQuestions). */
export async function readQuestions(
  source: TextSource,
  options: ParseQuestionsOptions = {},
): Promise<Question[]> {
  const questions: Question[] = [];
  for await (const question of parseQuestions(source, options)) questions.push(question);
  return questions;
}
