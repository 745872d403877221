import { z } from 'zod';

/** One retrievable unit: a Wikipedia-like paragraph. BM25 indexes title + text. */
export const PassageSchema = z.object({
  id: z.string().min(1),
  title: z.string(),
  text: z.string(),
});
export type Passage = z.infer<typeof PassageSchema>;

export const DATASET_NAMES = [
  'synthetic',
  'hotpotqa',
  '2wikimultihopqa',
  'musique',
  'ircot',
  'subqa',
] as const;
export const DatasetNameSchema = z.enum(DATASET_NAMES);
export type DatasetName = z.infer<typeof DatasetNameSchema>;

/**
 * One gold fact on the reasoning path, in order. The offline evidence teacher states these,
 * the offline judge checks against them, SubQA sub-questions live here too.
 */
export const EvidenceFactSchema = z.object({
  /** The fact as one declarative sentence, e.g. "The director of Blue Harbor is Ada Reyes." */
  text: z.string().min(1),
  /** Title of the passage that states the fact; the teacher may state it only once that passage is retrieved. */
  passageTitle: z.string(),
  /** Corpus id of that passage when known (filled when a corpus is built from the dataset). */
  passageId: z.string().optional(),
  /** The sub-question this fact answers (MuSiQue decomposition, SubQA, Self-Ask follow-up). */
  subQuestion: z.string().optional(),
  /** The entity or value this hop yields (bridge entity, intermediate answer). */
  answer: z.string().optional(),
});
export type EvidenceFact = z.infer<typeof EvidenceFactSchema>;

export const QuestionSchema = z.object({
  id: z.string().min(1),
  dataset: DatasetNameSchema,
  question: z.string().min(1),
  /** Gold answer first, then aliases. Never empty for a training question. */
  answers: z.array(z.string()).min(1),
  /** Dataset's own type label: compositional, comparison, bridge, inference, bridge_comparison, 2hop, … */
  type: z.string().optional(),
  hops: z.number().int().positive().optional(),
  /** Ordered gold reasoning path. May be empty for datasets without evidence. */
  evidence: z.array(EvidenceFactSchema).default([]),
  /** Gold passages by title (datasets name them this way) and, once resolved against a corpus, by id. */
  goldTitles: z.array(z.string()).default([]),
  goldPassageIds: z.array(z.string()).default([]),
  /** Passages shipped with the question (HotpotQA/2Wiki context, MuSiQue paragraphs); used to build corpora. */
  context: z.array(PassageSchema.omit({ id: true }).extend({ id: z.string().optional() })).optional(),
  meta: z.record(z.string(), z.unknown()).optional(),
});
export type Question = z.infer<typeof QuestionSchema>;
export type QuestionInput = z.input<typeof QuestionSchema>;

/** How a question subset was drawn, recorded with the set so it can be re-drawn exactly. */
export const SampleRecordSchema = z.object({
  seed: z.number().int(),
  source: z.string(),
  sourceSize: z.number().int().nonnegative(),
  size: z.number().int().nonnegative(),
  split: z.string(),
});
export type SampleRecord = z.infer<typeof SampleRecordSchema>;

export const QuestionSetSchema = z.object({
  name: z.string(),
  dataset: DatasetNameSchema,
  questions: z.array(QuestionSchema),
  sample: SampleRecordSchema.optional(),
});
export type QuestionSet = z.infer<typeof QuestionSetSchema>;
