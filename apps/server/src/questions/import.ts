import {
  DATASET_NAMES,
  DatasetParseError,
  QUESTION_FORMATS,
  type Question,
  readQuestions,
  resolveQuestions,
  sampleQuestions,
} from '@steper/core';
import { z } from 'zod';
import { describeSource, FileSourceSchema, openSource } from '../corpora/source';
import { badRequest, errorMessage } from '../errors';
import type { QuestionSetRow } from '../store/questionSets';
import type { Store } from '../store/store';

export const QuestionImportSchema = z.object({
  name: z.string().min(1).max(200),
  source: FileSourceSchema,
  format: z.enum([...QUESTION_FORMATS, 'auto']).default('auto'),
  dataset: z.enum(DATASET_NAMES).optional(),
  /** Resolve gold passages against this corpus (ids for recall and the evidence teacher). */
  corpusId: z.string().optional(),
  /** Draw a seeded subset (the paper's protocol); all questions when absent. */
  sample: z
    .object({
      size: z.number().int().positive(),
      seed: z.number().int().default(0),
      split: z.string().default('train'),
    })
    .optional(),
});
export type QuestionImport = z.input<typeof QuestionImportSchema>;

/** Parses, samples and resolves first, then writes the set in one transaction. */
export async function importQuestionSet(store: Store, raw: QuestionImport): Promise<QuestionSetRow> {
  const input = QuestionImportSchema.parse(raw);
  const where = describeSource(input.source);
  const corpus = input.corpusId ? store.corpora.require(input.corpusId) : undefined;
  let questions: Question[];
  try {
    questions = await readQuestions(openSource(input.source), {
      format: input.format,
      ...(input.dataset ? { dataset: input.dataset } : {}),
    });
  } catch (err) {
    if (err instanceof DatasetParseError) throw badRequest(`${where}: ${err.message}`);
    if (err instanceof Error && err.name === 'UserError') throw err;
    throw badRequest(`${where}: ${errorMessage(err)}`);
  }
  if (questions.length === 0) throw badRequest(`${where} holds no questions.`);
  let sample: ReturnType<typeof sampleQuestions>['record'] | undefined;
  if (input.sample) {
    const drawn = sampleQuestions(questions, { ...input.sample, source: where });
    questions = drawn.questions;
    sample = drawn.record;
  }
  if (corpus) questions = resolveQuestions(questions, store.corpora.allPassages(corpus.id)).questions;
  return store.questionSets.create({
    name: input.name,
    dataset: questions[0]!.dataset,
    source: {
      ...('path' in input.source ? { path: input.source.path } : { upload: input.source.filename }),
      format: input.format,
      ...(corpus ? { corpusId: corpus.id } : {}),
    },
    ...(sample ? { sample } : {}),
    questions,
  });
}
