import { extractAnswer } from '../metrics';
import { checkDemonstrationFormat, defaultDemonstrations } from '../prompts/demonstrations';
import type { Question } from '../types/data';
import { ANSWER_FLAGS, LoopConfigSchema, type Trace } from '../types/trace';
import { runSingleShot } from './baselines';
import type { LoopDeps, LoopState } from './context';
import { runMultiStep } from './multi-step';

/**
 * Runs one question through its loop and returns the full trace. Throws a LoopStepError (with
 * the step) when the retriever or generator fails, and the signal's reason when cancelled.
 */
export async function runLoop(question: Question, deps: LoopDeps, signal?: AbortSignal): Promise<Trace> {
  const config = LoopConfigSchema.parse(deps.config);
  const demonstrations = deps.demonstrations ?? defaultDemonstrations(config.loop);
  checkDemonstrationFormat(config.loop, demonstrations);
  const goldIds = new Set(question.goldPassageIds);
  const goldTitles = new Set(question.goldTitles);
  for (const fact of question.evidence) {
    if (fact.passageId) goldIds.add(fact.passageId);
    else if (fact.passageTitle) goldTitles.add(fact.passageTitle);
  }
  const state: LoopState = {
    question,
    config,
    deps,
    demonstrations,
    signal,
    accessible: [],
    accessibleIds: new Set(),
    goldIds,
    goldTitles,
  };
  signal?.throwIfAborted();
  const started = performance.now();
  const outcome =
    config.loop === 'ircot' || config.loop === 'self-ask'
      ? await runMultiStep(state)
      : await runSingleShot(state);
  return {
    questionId: question.id,
    question: question.question,
    answers: question.answers,
    loop: config.loop,
    generator: deps.generator.label,
    config,
    steps: outcome.steps,
    chain: outcome.chain,
    aggregatedAt: outcome.aggregatedAt,
    earlyStop: outcome.earlyStop,
    finalOutput: outcome.finalOutput,
    prediction: extractAnswer(outcome.finalOutput, ANSWER_FLAGS[config.loop]),
    totalMs: performance.now() - started,
  };
}
