import { z } from 'zod';
import type { EvidenceFact, Question } from '../../types/data';
import { contextPassage, distinct, joinSentences, type QuestionFormatSpec } from './common';
import { checkFactsInContext, nonBlank } from './fields';

const Title = z.string();
const SentenceIndex = z.number().int().nonnegative();

/** One HotpotQA record (hotpot_*_distractor_v1.json / fullwiki: a JSON array of these). */
export const HotpotRecordSchema = z
  .object({
    _id: nonBlank('every question needs an id'),
    question: nonBlank('every question needs its text'),
    answer: nonBlank('every question needs its gold answer'),
    /** [title, sentence index] pairs, in reasoning order. */
    supporting_facts: z.array(z.tuple([Title, SentenceIndex])),
    /** [title, sentences] pairs: the gold paragraphs and the distractors. */
    context: z
      .array(z.tuple([Title, z.array(z.string())]))
      .min(1, 'empty: every question needs its context paragraphs'),
    type: z.string().optional(),
    level: z.string().optional(),
  })
  .superRefine((r, ctx) => checkFactsInContext(r.supporting_facts, r.context, ctx));
export type HotpotRecord = z.infer<typeof HotpotRecordSchema>;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function zip(a: unknown, b: unknown): unknown[] | undefined {
  if (!Array.isArray(a) || !Array.isArray(b)) return undefined;
  return Array.from({ length: Math.max(a.length, b.length) }, (_, i) => [a[i], b[i]]);
}

/**
 * The Hugging Face `hotpot_qa` export stores columns (`context: {title: [], sentences: []}`,
 * `supporting_facts: {title: [], sent_id: []}`, `id`); turn it into the official row shape.
 */
function fromHuggingFace(value: unknown): unknown {
  if (!isRecord(value) || !isRecord(value.context)) return value;
  const { context, supporting_facts: facts } = value;
  return {
    ...value,
    _id: value._id ?? value.id,
    context: zip(context.title, context.sentences) ?? context,
    supporting_facts: isRecord(facts) ? (zip(facts.title, facts.sent_id) ?? facts) : facts,
  };
}

function convert(record: HotpotRecord): { question: Question } {
  const context = record.context.map(([title, sentences]) => ({
    passage: contextPassage(title, joinSentences(sentences)),
    sentences,
  }));
  const byTitle = new Map<string, (typeof context)[number]>();
  for (const entry of context) if (!byTitle.has(entry.passage.title)) byTitle.set(entry.passage.title, entry);

  const evidence: EvidenceFact[] = [];
  const missing: string[] = [];
  for (const [title, index] of record.supporting_facts) {
    const entry = byTitle.get(title.trim());
    const sentence = entry?.sentences[index]?.trim();
    // A few HotpotQA training records point past a paragraph's last sentence; keep the rest.
    if (!entry || !sentence) {
      missing.push(`${title}#${index}`);
      continue;
    }
    evidence.push({ text: sentence, passageTitle: entry.passage.title, passageId: entry.passage.id });
  }
  const goldTitles = distinct(record.supporting_facts.map(([title]) => title.trim()));
  const goldPassageIds = goldTitles.flatMap((title) => {
    const entry = byTitle.get(title);
    return entry ? [entry.passage.id] : [];
  });
  return {
    question: {
      id: record._id,
      dataset: 'hotpotqa',
      question: record.question.trim(),
      answers: [record.answer.trim()],
      type: record.type,
      hops: goldTitles.length || undefined,
      evidence,
      goldTitles,
      goldPassageIds: goldPassageIds.length === goldTitles.length ? goldPassageIds : [],
      context: context.map((entry) => entry.passage),
      meta: {
        format: 'hotpotqa',
        ...(record.level !== undefined && { level: record.level }),
        ...(missing.length > 0 && { missingSupportingFacts: missing }),
      },
    },
  };
}

export const hotpotqa: QuestionFormatSpec<HotpotRecord> = {
  format: 'hotpotqa',
  label: 'HotpotQA',
  idField: '_id',
  looksLike: (r) => 'supporting_facts' in r && 'context' in r && !('evidences' in r),
  schema: z.preprocess(fromHuggingFace, HotpotRecordSchema),
  convert,
};
