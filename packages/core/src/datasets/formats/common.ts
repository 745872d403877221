import type { z } from 'zod';
import { normalizeAnswer } from '../../metrics/normalize';
import type { DatasetName, Passage, Question } from '../../types/data';
import { passageId } from '../passage-id';

/** Formats a question file can be in. */
export const QUESTION_FORMATS = ['hotpotqa', '2wikimultihopqa', 'musique', 'ircot'] as const;
export type QuestionFormat = (typeof QUESTION_FORMATS)[number];

export interface ConvertOptions {
  /** Dataset label to give the questions instead of the format's own. */
  dataset?: DatasetName;
  /** MuSiQue-full's unanswerable questions are dropped unless this is false. */
  skipUnanswerable?: boolean;
}

/** A parsed record becomes a Question, or is skipped with a reason. */
export type Converted = { question: Question } | { skip: string };

/** How one question format is read: its schema, its id field, and the conversion. */
export interface QuestionFormatSpec<T> {
  format: QuestionFormat;
  /** Name in messages. */
  label: string;
  /** Field holding the record's id, quoted in error messages. */
  idField: string;
  /** True when a record's keys say it is in this format (auto-detection). */
  looksLike(record: Record<string, unknown>): boolean;
  schema: z.ZodType<T>;
  convert(record: T, options: ConvertOptions): Converted;
}

/** A context paragraph (trimmed) with its content id: passages are Passages from the start. */
export function contextPassage(title: string, text: string): Passage {
  const t = title.trim();
  const x = text.trim();
  return { id: passageId(t, x), title: t, text: x };
}

/**
 * A paragraph from its sentences. HotpotQA's sentences carry their own leading space, 2Wiki's do
 * not; trimming each and joining with one space gives the same text for both.
 */
export function joinSentences(sentences: readonly string[]): string {
  return sentences
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .join(' ');
}

/** A Wikipedia title without its trailing qualifier: "Blue Harbor (film)" → "Blue Harbor". */
export function withoutQualifier(title: string): string {
  return title.replace(/\s*\([^)]*\)\s*$/, '');
}

/** Distinct values in first-seen order. */
export function distinct<T>(values: Iterable<T>): T[] {
  return [...new Set(values)];
}

let segmenter: Intl.Segmenter | undefined;

/** The paragraph's sentences (Unicode sentence segmentation). */
export function splitSentences(text: string): string[] {
  segmenter ??= new Intl.Segmenter('en', { granularity: 'sentence' });
  return [...segmenter.segment(text)].map((s) => s.segment.trim()).filter((s) => s !== '');
}

/** First sentence of the paragraph that contains the answer (normalised), if any. */
export function sentenceStating(paragraph: string, answer: string): string | undefined {
  const needle = normalizeAnswer(answer);
  if (needle === '') return undefined;
  return splitSentences(paragraph).find((s) => normalizeAnswer(s).includes(needle));
}

/** A hop that has no sentence of its own, stated as one declarative sentence. */
export function answeredSubQuestion(subQuestion: string, answer: string): string {
  return `The answer to "${subQuestion.trim()}" is ${answer.trim()}.`;
}
