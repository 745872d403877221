import {
  type Generator,
  matchedAnswer,
  type Question,
  type Retriever,
  runLoop,
  type Trace,
} from '@steper/core';
import type { ResolvedTeachConfig } from './config';

/** One question through the run's loop; counts the calls its cache answered. */
export async function teachQuestion(
  question: Question,
  deps: { retriever: Retriever; generator: Generator; config: ResolvedTeachConfig },
  signal?: AbortSignal,
): Promise<{ trace: Trace; correct: boolean; cacheHits: number }> {
  let cacheHits = 0;
  const counting: Generator = {
    label: deps.generator.label,
    generate: async (request, s) => {
      const result = await deps.generator.generate(request, s);
      if (result.cached) cacheHits += 1;
      return result;
    },
  };
  const { config } = deps;
  const trace = await runLoop(
    question,
    {
      retriever: deps.retriever,
      generator: counting,
      config: {
        loop: config.loop,
        maxSteps: config.maxSteps,
        topK: config.topK,
        maxTokens: config.maxTokens,
        promptStyle: 'teacher',
      },
      demonstrations: config.demonstrations,
    },
    signal,
  );
  const correct =
    trace.error === undefined && matchedAnswer(trace.prediction, trace.answers, config.filterRule) !== null;
  return { trace, correct, cacheHits };
}
