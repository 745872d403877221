import { LoopNameSchema, type Question } from '@steper/core';
import { z } from 'zod';
import { notFound } from '../errors';
import { createTeacher } from '../teachers/create';
import { TeacherSpecSchema } from '../teachers/spec';
import { procedure, router } from '../trpc';
import { type LoopEvent, watchLoop } from './live';
import { Id } from './schemas';

export type PlaygroundEvent = LoopEvent;

const PlaygroundInput = z
  .object({
    corpusId: Id,
    /** A question of a set (with its gold answers and evidence) … */
    questionSetId: Id.optional(),
    questionId: Id.optional(),
    /** … or one typed in. */
    question: z.string().trim().min(1).max(2000).optional(),
    answers: z.array(z.string().min(1)).max(20).default([]),
    loop: LoopNameSchema.default('ircot'),
    maxSteps: z.number().int().min(1).max(20).default(5),
    topK: z.number().int().min(1).max(100).default(4),
    maxTokens: z.number().int().positive().max(8192).default(128),
    promptStyle: z.enum(['teacher', 'student']).default('teacher'),
    generator: TeacherSpecSchema.default({ kind: 'evidence' }),
  })
  .refine((i) => i.question || (i.questionSetId && i.questionId), {
    message: 'give either question, or questionSetId and questionId',
    path: ['question'],
  });

export const playgroundRouter = router({
  /**
   * One question through a loop, live: each retrieval and each generation as it happens, then the
   * whole trace (live.run's loop watcher, with its raw events). Nothing is stored; LM calls still
   * go through the content cache. Corpus, question and teacher are checked before the stream starts.
   */
  run: procedure.input(PlaygroundInput).subscription(({ ctx, input, signal }) => {
    const { wb } = ctx;
    const retriever = wb.retrievers.get(input.corpusId);
    let question: Question;
    if (input.questionSetId && input.questionId) {
      wb.store.questionSets.require(input.questionSetId);
      const q = wb.store.questionSets.question(input.questionSetId, input.questionId);
      if (!q)
        throw notFound('question', input.questionId, `It is not in question set ${input.questionSetId}.`);
      question = q;
    } else {
      question = {
        id: 'playground',
        dataset: 'synthetic',
        question: input.question!,
        answers: input.answers.length ? input.answers : [''],
        evidence: [],
        goldTitles: [],
        goldPassageIds: [],
      };
    }
    const teacher = createTeacher(input.generator, { store: wb.store, endpoints: wb.endpoints, owner: null });
    const config = {
      loop: input.loop,
      maxSteps: input.maxSteps,
      topK: input.topK,
      maxTokens: input.maxTokens,
      promptStyle: input.promptStyle,
    };
    return watchLoop(question, { retriever, generator: teacher.generator, config }, signal);
  }),
});
