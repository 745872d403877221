import { z } from 'zod';

/**
 * SubQA (Tang, Ng & Tung 2021, "Do Multi-Hop Question Answering Systems Know How to Answer the
 * Single-Hop Sub-Questions?"): HotpotQA dev questions, each with two single-hop sub-questions and
 * their answers. The release's exact file layout could not be confirmed, so two layouts are read:
 *
 * 1. One file of combined records (JSON array or JSON lines) — the workbench's SubQA format:
 *      { "_id", "question", "answer",
 *        "sub_questions": [{ "question", "answer" }, { "question", "answer" }],
 *        "type"?, "level"?, "context"?, "supporting_facts"? }
 *    "id" may stand for "_id"; context and supporting_facts, when given, are HotpotQA's.
 * 2. HotpotQA-format files joined by "_id": the multi-hop questions (a HotpotQA dev file) and one
 *    file per sub-question position, each record { "_id", "question", "answer", … } giving the
 *    sub-question and its answer for the multi-hop question with the same id.
 */
export const SubQuestionSchema = z.object({
  question: z.string().trim().min(1, 'empty: every sub-question needs its text'),
  answer: z.string().trim().min(1, 'empty: every sub-question needs its answer'),
});

const HotpotContextSchema = z.array(z.tuple([z.string(), z.array(z.string())]));
const HotpotSupportSchema = z.array(z.tuple([z.string(), z.number().int().nonnegative()]));

export const SubQaRecordSchema = z
  .object({
    _id: z.string().min(1),
    question: z.string().trim().min(1),
    answer: z.string().trim().min(1, 'empty: every question needs its gold answer'),
    sub_questions: z.array(SubQuestionSchema).min(1, 'empty: a SubQA question needs its sub-questions'),
    type: z.string().optional(),
    level: z.string().optional(),
    context: HotpotContextSchema.optional(),
    supporting_facts: HotpotSupportSchema.optional(),
  })
  .refine((r) => (r.context === undefined) === (r.supporting_facts === undefined), {
    message: 'give both context and supporting_facts (HotpotQA form) or neither',
    path: ['supporting_facts'],
  });
export type SubQaRecord = z.infer<typeof SubQaRecordSchema>;

/** A record of a sub-question file in layout 2: HotpotQA-shaped, only these fields are read. */
export const SubQuestionRecordSchema = z.object({
  _id: z.string().min(1),
  question: z.string().trim().min(1, 'empty: every sub-question needs its text'),
  answer: z.string().trim().min(1, 'empty: every sub-question needs its answer'),
});
export type SubQuestionRecord = z.infer<typeof SubQuestionRecordSchema>;

/** "id" for "_id", so files exported by other tools read too. */
export function withUnderscoreId(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const record = value as Record<string, unknown>;
  if (record._id === undefined && record.id !== undefined) return { ...record, _id: record.id };
  return value;
}
