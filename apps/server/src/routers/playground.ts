import {
  type Generator,
  LoopNameSchema,
  type Question,
  type Retriever,
  runLoop,
  type ScoredPassage,
  type Stage,
  type Trace,
} from '@steper/core';
import { z } from 'zod';
import { errorMessage, notFound } from '../errors';
import { AsyncQueue } from '../jobs/queue';
import { createTeacher } from '../teachers/create';
import { TeacherSpecSchema } from '../teachers/spec';
import { procedure, router } from '../trpc';
import { Id } from './schemas';

export type PlaygroundEvent =
  | { type: 'retrieval'; query: string; passages: ScoredPassage[]; ms: number }
  | { type: 'generation'; stage: Stage; step: number; prompt: string; output: string; ms: number }
  | { type: 'done'; trace: Trace }
  | { type: 'error'; message: string };

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
   * whole trace. Nothing is stored; LM calls still go through the content cache.
   */
  run: procedure.input(PlaygroundInput).subscription(async function* ({ ctx, input, signal }) {
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
    const events = new AsyncQueue<PlaygroundEvent>();
    const watchedRetriever: Retriever = {
      passage: (id) => retriever.passage(id),
      search: async (query, k, exclude) => {
        const t0 = performance.now();
        const passages = await retriever.search(query, k, exclude);
        events.push({ type: 'retrieval', query, passages, ms: performance.now() - t0 });
        return passages;
      },
    };
    const watchedGenerator: Generator = {
      label: teacher.generator.label,
      generate: async (request, s) => {
        const t0 = performance.now();
        const result = await teacher.generator.generate(request, s);
        const { stage, step } = request.context;
        events.push({
          type: 'generation',
          stage,
          step,
          prompt: request.prompt,
          output: result.text,
          ms: performance.now() - t0,
        });
        return result;
      },
    };
    const config = {
      loop: input.loop,
      maxSteps: input.maxSteps,
      topK: input.topK,
      maxTokens: input.maxTokens,
      promptStyle: input.promptStyle,
    };
    runLoop(question, { retriever: watchedRetriever, generator: watchedGenerator, config }, signal)
      .then((trace) => events.push({ type: 'done', trace }))
      .catch((err) => events.push({ type: 'error', message: errorMessage(err) }))
      .finally(() => events.close());
    yield* events;
  }),
});
