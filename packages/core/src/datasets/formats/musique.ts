import { z } from 'zod';
import type { EvidenceFact, Passage } from '../../types/data';
import {
  answeredSubQuestion,
  type Converted,
  type ConvertOptions,
  contextPassage,
  distinct,
  type QuestionFormatSpec,
  sentenceStating,
} from './common';
import { nonBlank } from './fields';

/** One MuSiQue record (musique_{ans,full}_v1.0_*.jsonl: one per line). */
export const MusiqueRecordSchema = z
  .object({
    id: nonBlank('every question needs an id'),
    question: nonBlank('every question needs its text'),
    answer: z.string(),
    answer_aliases: z.array(z.string()).default([]),
    answerable: z.boolean().default(true),
    paragraphs: z
      .array(
        z.object({
          idx: z.number().int().nonnegative(),
          title: z.string(),
          paragraph_text: z.string(),
          is_supporting: z.boolean().default(false),
        }),
      )
      .min(1, 'empty: every question needs its context paragraphs'),
    question_decomposition: z.array(
      z.object({
        id: z.union([z.number(), z.string()]).optional(),
        question: z.string(),
        answer: z.string(),
        paragraph_support_idx: z.number().int().nonnegative().nullable(),
      }),
    ),
  })
  // An answerable question without a gold answer is a broken record, not one to skip quietly.
  .refine((r) => !r.answerable || [r.answer, ...r.answer_aliases].some((a) => a.trim() !== ''), {
    message: 'blank: an answerable question needs its gold answer',
    path: ['answer'],
  });
export type MusiqueRecord = z.infer<typeof MusiqueRecordSchema>;

/** "#1", "#2", … in a sub-question stand for earlier hops' answers; later or unknown ones stay. */
export function substituteHopReferences(subQuestion: string, earlierAnswers: readonly string[]): string {
  return subQuestion.replace(/#(\d+)/g, (ref, n: string) => earlierAnswers[Number(n) - 1] ?? ref);
}

function convert(record: MusiqueRecord, options: ConvertOptions): Converted {
  if (!record.answerable && options.skipUnanswerable !== false) {
    return { skip: 'unanswerable (MuSiQue-full contrast question)' };
  }
  const answers = distinct(
    [record.answer, ...record.answer_aliases].map((a) => a.trim()).filter((a) => a !== ''),
  );
  if (answers.length === 0) return { skip: 'no gold answer' };

  const paragraphs = record.paragraphs.map((p) => ({
    idx: p.idx,
    supporting: p.is_supporting,
    passage: contextPassage(p.title, p.paragraph_text),
  }));
  // paragraph_support_idx names a paragraph's idx; idx is its position in every released file.
  const byIdx = (idx: number | null) =>
    idx === null ? undefined : (paragraphs.find((p) => p.idx === idx) ?? paragraphs[idx]);

  const hopAnswers: string[] = [];
  const evidence: EvidenceFact[] = [];
  const goldFromSteps: Passage[] = [];
  for (const step of record.question_decomposition) {
    const subQuestion = substituteHopReferences(step.question.trim(), hopAnswers);
    const answer = step.answer.trim();
    hopAnswers.push(answer);
    const source = byIdx(step.paragraph_support_idx)?.passage;
    if (source) goldFromSteps.push(source);
    evidence.push({
      text: (source && sentenceStating(source.text, answer)) ?? answeredSubQuestion(subQuestion, answer),
      passageTitle: source?.title ?? '',
      ...(source && { passageId: source.id }),
      subQuestion,
      answer,
    });
  }
  // Gold in reasoning order, then any other paragraph marked supporting.
  const gold = distinct([...goldFromSteps, ...paragraphs.filter((p) => p.supporting).map((p) => p.passage)]);
  return {
    question: {
      id: record.id,
      dataset: 'musique',
      question: record.question.trim(),
      answers,
      type: /^\dhop\d*/.exec(record.id)?.[0],
      hops: record.question_decomposition.length || undefined,
      evidence,
      goldTitles: distinct(gold.map((p) => p.title)),
      goldPassageIds: distinct(gold.map((p) => p.id)),
      context: paragraphs.map((p) => p.passage),
      meta: { format: 'musique', answerable: record.answerable },
    },
  };
}

export const musique: QuestionFormatSpec<MusiqueRecord> = {
  format: 'musique',
  label: 'MuSiQue',
  idField: 'id',
  looksLike: (r) => 'question_decomposition' in r || 'paragraphs' in r,
  schema: MusiqueRecordSchema,
  convert,
};
