import { z } from 'zod';
import { normalizeAnswer } from '../../metrics/normalize';
import type { EvidenceFact, Passage } from '../../types/data';
import {
  answeredSubQuestion,
  type Converted,
  contextPassage,
  distinct,
  type QuestionFormatSpec,
  sentenceStating,
  withoutQualifier,
} from './common';
import { nonBlank, recordId, TextOrNumber } from './fields';

const Text = TextOrNumber;

const ContextSchema = z.object({
  idx: z.number().int().optional(),
  title: z.string(),
  paragraph_text: z.string(),
  is_supporting: z.boolean().default(false),
});

const AnswerObjectSchema = z.object({
  number: Text.default(''),
  date: z
    .object({ day: Text.default(''), month: Text.default(''), year: Text.default('') })
    .default({ day: '', month: '', year: '' }),
  spans: z.array(z.string()).default([]),
});
type AnswerObject = z.infer<typeof AnswerObjectSchema>;

/** Every answer an object allows: its spans, its number, its date ("day month year" parts present). */
function answersOf(object: AnswerObject): string[] {
  // String(): the record-level refine below also runs on a record whose fields failed (a rounded
  // number left untransformed), and must refuse it by its field, not crash on it.
  const date = [object.date.day, object.date.month, object.date.year]
    .map((p) => String(p).trim())
    .filter(Boolean);
  return [...object.spans, object.number, date.join(' ')]
    .map((a) => String(a).trim())
    .filter((a) => a !== '');
}

/**
 * One record of IRCoT's processed data (processed_data/<dataset>/{train,dev,test_subsampled}.jsonl,
 * written by its processing_scripts/process_*.py): DROP-style answer objects and contexts.
 */
export const IrcotRecordSchema = z
  .object({
    question_id: recordId('every question needs an id'),
    question_text: nonBlank('every question needs its text'),
    answers_objects: z.array(AnswerObjectSchema).min(1, 'empty: at least one answer object is needed'),
    contexts: z.array(ContextSchema),
    /** IIRC only: the paragraph the question was written from. */
    pinned_contexts: z.array(ContextSchema).optional(),
    /** 2Wiki: "subject relation object"; MuSiQue: "sub-question >>>> answer"; absent for HotpotQA. */
    reasoning_steps: z.array(z.string()).optional(),
    dataset: z.string().optional(),
    type: z.string().optional(),
    level: z.string().optional(),
  })
  .refine((r) => r.contexts.length + (r.pinned_contexts?.length ?? 0) > 0, {
    message: 'empty: every question needs its context paragraphs',
    path: ['contexts'],
  })
  .refine((r) => r.answers_objects.some((o) => answersOf(o).length > 0), {
    message: 'blank: no answer object holds a span, number or date',
    path: ['answers_objects'],
  });
export type IrcotRecord = z.infer<typeof IrcotRecordSchema>;

const MUSIQUE_STEP = ' >>>> ';

/** The gold paragraph a reasoning step was written from, by the best evidence the step gives. */
function stepSource(gold: readonly Passage[], used: Set<Passage>, step: string, answer: string, i: number) {
  const fresh = gold.filter((p) => !used.has(p));
  const needle = normalizeAnswer(answer);
  const low = step.toLowerCase();
  return (
    (needle !== '' ? fresh.find((p) => normalizeAnswer(p.text).includes(needle)) : undefined) ??
    // 2Wiki steps start with the subject: the paragraph's title, maybe without its "(film)".
    [...fresh]
      .sort((a, b) => b.title.length - a.title.length)
      .find(
        (p) =>
          low.startsWith(p.title.toLowerCase()) ||
          low.startsWith(`${withoutQualifier(p.title).toLowerCase()} `),
      ) ??
    gold[Math.min(i, gold.length - 1)]
  );
}

function evidenceOf(steps: readonly string[], gold: readonly Passage[]): EvidenceFact[] {
  const used = new Set<Passage>();
  return steps.map((step, i) => {
    const musique = step.includes(MUSIQUE_STEP);
    const [subQuestion = '', answer = ''] = musique ? step.split(MUSIQUE_STEP).map((s) => s.trim()) : [];
    const source = stepSource(gold, used, step, answer, i);
    if (source) used.add(source);
    const text = musique
      ? ((source && sentenceStating(source.text, answer)) ?? answeredSubQuestion(subQuestion, answer))
      : /[.!?]$/.test(step.trim())
        ? step.trim()
        : `${step.trim()}.`;
    return {
      text,
      passageTitle: source?.title ?? '',
      ...(source && { passageId: source.id }),
      ...(musique && { subQuestion, answer }),
    };
  });
}

function convert(record: IrcotRecord): Converted {
  const answers = distinct(record.answers_objects.flatMap(answersOf));
  if (answers.length === 0) return { skip: 'answers_objects hold no span, number or date' };
  const all = [...(record.pinned_contexts ?? []), ...record.contexts].map((c) => ({
    supporting: c.is_supporting,
    passage: contextPassage(c.title, c.paragraph_text),
  }));
  const gold = all.filter((c) => c.supporting).map((c) => c.passage);
  return {
    question: {
      id: record.question_id,
      dataset: 'ircot',
      question: record.question_text.trim(),
      answers,
      type: record.type,
      hops: gold.length || undefined,
      evidence: evidenceOf(record.reasoning_steps ?? [], gold),
      goldTitles: distinct(gold.map((p) => p.title)),
      goldPassageIds: distinct(gold.map((p) => p.id)),
      context: all.map((c) => c.passage),
      meta: {
        format: 'ircot',
        ...(record.dataset !== undefined && { sourceDataset: record.dataset }),
        ...(record.level !== undefined && { level: record.level }),
      },
    },
  };
}

export const ircot: QuestionFormatSpec<IrcotRecord> = {
  format: 'ircot',
  label: 'IRCoT processed',
  idField: 'question_id',
  looksLike: (r) => 'question_id' in r && 'question_text' in r,
  schema: IrcotRecordSchema,
  convert,
};
