import {
  type DemonstrationFile,
  type Generator,
  type LoopConfigInput,
  type LoopName,
  LoopNameSchema,
  parseStepOutput,
  type Question,
  type RetrievedPassage,
  type Retriever,
  runLoop,
  type ScoredPassage,
  type Stage,
  type Trace,
  type TraceStep,
} from '@steper/core';
import { z } from 'zod';
import { errorMessage, notFound } from '../errors';
import { AsyncQueue } from '../jobs/queue';
import { createEvalGenerator } from '../students/create';
import { type LiveGenerator, liveGenerators } from '../students/generators';
import { procedure, router } from '../trpc';
import { Id } from './schemas';

/** What a question going through its loop reports, as it happens. */
export type LoopEvent =
  | { type: 'retrieval'; query: string; passages: ScoredPassage[]; ms: number }
  | { type: 'generation'; stage: Stage; step: number; prompt: string; output: string; ms: number }
  | { type: 'done'; trace: Trace }
  | { type: 'error'; message: string };

export interface WatchedLoop {
  retriever: Retriever;
  generator: Generator;
  config: LoopConfigInput;
  demonstrations?: DemonstrationFile;
}

/**
 * One question through its loop with every retrieval and generation reported as it happens, then
 * the whole trace (or the error). Shared by live.run and playground.run. Stopping the iteration
 * (or aborting `signal`) stops the loop; the iteration ends only once the loop has.
 */
export async function* watchLoop(
  question: Question,
  deps: WatchedLoop,
  signal: AbortSignal | undefined,
): AsyncGenerator<LoopEvent> {
  const events = new AsyncQueue<LoopEvent>();
  const stop = new AbortController();
  const abort = () => stop.abort(signal?.reason);
  signal?.addEventListener('abort', abort, { once: true });
  const retriever: Retriever = {
    passage: (id) => deps.retriever.passage(id),
    search: async (query, k, exclude) => {
      const t0 = performance.now();
      const passages = await deps.retriever.search(query, k, exclude);
      events.push({ type: 'retrieval', query, passages, ms: performance.now() - t0 });
      return passages;
    },
  };
  const generator: Generator = {
    label: deps.generator.label,
    generate: async (request, s) => {
      const t0 = performance.now();
      const result = await deps.generator.generate(request, s);
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
  const running = runLoop(question, { ...deps, retriever, generator }, stop.signal)
    .then((trace) => events.push({ type: 'done', trace }))
    .catch((err) => events.push({ type: 'error', message: errorMessage(err) }))
    .finally(() => events.close());
  try {
    yield* events;
  } finally {
    signal?.removeEventListener('abort', abort);
    stop.abort();
    await running;
  }
}

export type LiveEvent =
  | { type: 'step'; step: TraceStep }
  | { type: 'done'; trace: Trace }
  | { type: 'error'; message: string };

interface PendingStep {
  step: number;
  query: string;
  retrieved: RetrievedPassage[];
  accessibleIds: string[];
  retrievalMs: number;
  generation: Extract<LoopEvent, { type: 'generation' }> | null;
}

/**
 * Loop events → whole steps. Step s is complete once step s+1 starts retrieving, so it is sent
 * then; the last step (aggregation, early stop) comes from the finished trace itself. The
 * question is typed in and has no gold passages, so no passage is marked gold.
 */
export async function* liveSteps(
  events: AsyncIterable<LoopEvent>,
  loop: LoopName,
): AsyncGenerator<LiveEvent> {
  // P_≤s: the union in retrieval order, duplicates dropped (as the loop keeps it).
  const accessibleIds: string[] = [];
  const seen = new Set<string>();
  let pending: PendingStep | null = null;
  let retrievals = 0;
  let sent = 0;
  for await (const e of events) {
    if (e.type === 'retrieval') {
      if (pending?.generation) {
        yield { type: 'step', step: completeStep(pending, pending.generation, loop) };
        sent = pending.step;
      }
      const retrieved = e.passages.map((p, rank) => {
        const seenBefore = seen.has(p.id);
        if (!seenBefore) {
          seen.add(p.id);
          accessibleIds.push(p.id);
        }
        return { id: p.id, title: p.title, text: p.text, score: p.score, rank, seenBefore };
      });
      pending = {
        step: ++retrievals,
        query: e.query,
        retrieved,
        accessibleIds: accessibleIds.slice(),
        retrievalMs: e.ms,
        generation: null,
      };
    } else if (e.type === 'generation') {
      if (pending && e.step === pending.step && !pending.generation) pending.generation = e;
    } else if (e.type === 'done') {
      for (const step of e.trace.steps) if (step.step > sent) yield { type: 'step', step };
      yield e;
    } else {
      yield e;
    }
  }
}

function completeStep(
  p: PendingStep,
  g: Extract<LoopEvent, { type: 'generation' }>,
  loop: LoopName,
): TraceStep {
  const parsed = parseStepOutput(loop, g.output);
  return {
    step: p.step,
    stage: g.stage,
    query: p.query,
    retrieved: p.retrieved,
    accessibleIds: p.accessibleIds,
    prompt: g.prompt,
    output: g.output,
    sentence: parsed.sentence,
    ...(parsed.followUp !== undefined ? { followUp: parsed.followUp } : {}),
    ...(parsed.intermediateAnswer !== undefined ? { intermediateAnswer: parsed.intermediateAnswer } : {}),
    retrievalMs: p.retrievalMs,
    generationMs: g.ms,
  };
}

const LiveRunInput = z.object({
  corpusId: Id,
  question: z.string().trim().min(1).max(2000),
  answers: z.array(z.string().trim().min(1).max(500)).max(20).default([]),
  loop: LoopNameSchema.default('ircot'),
  /** An id from live.generators. */
  generator: z.string().min(1).max(300),
  maxSteps: z.number().int().min(1).max(20).default(5),
  topK: z.number().int().min(1).max(100).default(4),
  maxTokens: z.number().int().positive().max(8192).default(128),
});

export const liveRouter = router({
  /** What a live single-question run can use, for the explorer's picker. */
  generators: procedure.query(({ ctx }): LiveGenerator[] =>
    liveGenerators(ctx.wb).map(({ id, label, kind }) => ({ id, label, kind })),
  ),

  /**
   * A typed question through a loop, live: each step once it is complete, then the whole trace.
   * Nothing is stored; LM calls still go through the content cache. Corpus and generator are
   * checked before the stream starts, so a wrong id fails the call itself.
   */
  run: procedure.input(LiveRunInput).subscription(({ ctx, input, signal }) => {
    const { wb } = ctx;
    const retriever = wb.retrievers.get(input.corpusId);
    const all = liveGenerators(wb);
    const entry = all.find((g) => g.id === input.generator);
    if (!entry) {
      throw notFound('live generator', input.generator, `Known: ${all.map((g) => g.id).join(', ')}.`);
    }
    const question: Question = {
      id: 'live',
      dataset: 'synthetic',
      question: input.question,
      answers: input.answers.length ? input.answers : [''],
      evidence: [],
      goldTitles: [],
      goldPassageIds: [],
    };
    const config = {
      loop: input.loop,
      maxSteps: input.maxSteps,
      topK: input.topK,
      maxTokens: input.maxTokens,
      promptStyle: entry.promptStyle,
    };
    return (async function* (): AsyncGenerator<LiveEvent> {
      // Opened only once the stream runs, so it is always closed again.
      let opened: Awaited<ReturnType<typeof createEvalGenerator>>;
      try {
        opened = await createEvalGenerator(entry.spec, {
          store: wb.store,
          endpoints: wb.endpoints,
          owner: null,
        });
      } catch (err) {
        yield { type: 'error', message: `${entry.label}: ${errorMessage(err)}` };
        return;
      }
      try {
        const deps = { retriever, generator: opened.generator, config };
        yield* liveSteps(watchLoop(question, deps, signal), input.loop);
      } finally {
        await opened.close();
      }
    })();
  }),
});
