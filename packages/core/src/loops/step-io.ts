import { stopStrings } from '../prompts/render';
import type { Passage } from '../types/data';
import type { Stage } from '../types/trace';
import type { GenerationResult, LoopState, RetrievalResult } from './context';
import { LoopStepError, wrapStepError } from './errors';

/**
 * P_s = search(query, K), with no exclusion of passages seen before (DESIGN.md §2): a passage
 * retrieved again is flagged `seenBefore` (it counts towards duplicativeness) and only the union
 * P_≤s drops it.
 */
export async function retrieveStep(
  state: LoopState,
  query: string,
  step: number,
  stage: Stage,
): Promise<RetrievalResult> {
  const { retriever } = state.deps;
  if (!retriever) {
    throw new LoopStepError(
      state.question.id,
      step,
      stage,
      'retriever',
      new Error(`the ${state.config.loop} loop needs a retriever: pass deps.retriever`),
    );
  }
  state.signal?.throwIfAborted();
  const started = performance.now();
  let hits: Awaited<ReturnType<typeof retriever.search>>;
  try {
    hits = await retriever.search(query, state.config.topK);
  } catch (error) {
    wrapStepError(
      error,
      state.signal,
      () => new LoopStepError(state.question.id, step, stage, 'retriever', error),
    );
  }
  const retrievalMs = performance.now() - started;
  state.signal?.throwIfAborted();
  const knowGold = state.goldIds.size > 0 || state.goldTitles.size > 0;
  const retrieved = hits.map((hit, rank) => {
    const seenBefore = state.accessibleIds.has(hit.id);
    if (!seenBefore) {
      const passage: Passage = { id: hit.id, title: hit.title, text: hit.text };
      state.accessible.push(passage);
      state.accessibleIds.add(hit.id);
    }
    return {
      id: hit.id,
      title: hit.title,
      text: hit.text,
      score: hit.score,
      rank,
      seenBefore,
      ...(knowGold ? { isGold: state.goldIds.has(hit.id) || state.goldTitles.has(hit.title) } : {}),
    };
  });
  return { retrieved, retrievalMs };
}

/** One generator call, given the structured context that offline generators read. */
export async function generateStep(
  state: LoopState,
  prompt: string,
  step: number,
  stage: Stage,
  chain: readonly string[],
): Promise<GenerationResult> {
  state.signal?.throwIfAborted();
  const started = performance.now();
  let text: string;
  try {
    const result = await state.deps.generator.generate(
      {
        prompt,
        stop: stopStrings(state.config.loop),
        maxTokens: state.config.maxTokens,
        context: {
          loop: state.config.loop,
          stage,
          step,
          question: state.question,
          passages: state.accessible.slice(),
          chain: chain.slice(),
        },
      },
      state.signal,
    );
    text = result.text;
  } catch (error) {
    wrapStepError(
      error,
      state.signal,
      () => new LoopStepError(state.question.id, step, stage, 'generator', error, state.deps.generator.label),
    );
  }
  state.signal?.throwIfAborted();
  return { output: text, generationMs: performance.now() - started };
}

export function accessibleIdsOf(state: LoopState): string[] {
  return state.accessible.map((p) => p.id);
}
