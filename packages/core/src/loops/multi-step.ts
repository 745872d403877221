import {
  parseStepOutput,
  queryFromChain,
  renderAggregationPrompt,
  renderAnswerLead,
  renderChain,
  renderStudentPrompt,
  renderTeacherPrompt,
} from '../prompts/render';
import { ANSWER_FLAGS, type TraceStep } from '../types/trace';
import type { LoopState } from './context';
import { accessibleIdsOf, generateStep, retrieveStep } from './step-io';

export interface LoopOutcome {
  steps: TraceStep[];
  chain: string[];
  aggregatedAt: number;
  earlyStop: boolean;
  finalOutput: string;
}

/**
 * IRCoT and Self-Ask, exactly as DESIGN.md §2 states them:
 * - step 1: P_1 = search(q, K); r_1 from (q, P_1) is always kept;
 * - steps 2 … S−1: q_s from R_≤s−1 (IRCoT: last sentence; Self-Ask: last follow-up question),
 *   P_s = search(q_s, K) with nothing excluded; r_s from (q, P_≤s, R_≤s−1); if r_s carries the
 *   answer flag, R_≤s−1 is kept and aggregation runs over P_≤s at this step;
 * - step S: P_S from r_S−1, then aggregation over P_≤S.
 */
export async function runMultiStep(state: LoopState): Promise<LoopOutcome> {
  const { config, question } = state;
  const { loop, maxSteps, promptStyle } = config;
  const chain: string[] = [];
  const steps: TraceStep[] = [];

  for (let s = 1; s <= maxSteps; s++) {
    const isLast = s === maxSteps;
    const stage = isLast ? 'agg' : s === 1 ? 'init' : 'exp';
    const query = s === 1 ? question.question : (queryFromChain(loop, chain) ?? question.question);
    const { retrieved, retrievalMs } = await retrieveStep(state, query, s, stage);
    const base = { step: s, query, retrieved, accessibleIds: accessibleIdsOf(state), retrievalMs };

    if (isLast) {
      const agg = await aggregate(state, s, chain);
      steps.push({ ...base, stage: 'agg', ...agg.step });
      return { steps, chain, aggregatedAt: s, earlyStop: false, finalOutput: agg.finalOutput };
    }

    const prompt =
      promptStyle === 'student'
        ? renderStudentPrompt(loop, question.question, state.accessible) + renderChain(loop, chain)
        : renderTeacherPrompt(loop, state.demonstrations, question.question, state.accessible, chain);
    const { output, generationMs } = await generateStep(state, prompt, s, stage, chain);
    const parsed = parseStepOutput(loop, output);

    if (s >= 2 && parsed.hasFlag) {
      // Early stop: r_s is discarded, R_≤s−1 kept, aggregation over P_≤s. A student has just
      // written the flag from (q, P_≤s, R_≤s−1), which is all its aggregation would be given:
      // that output is its answer (a second call would only repeat it).
      if (promptStyle === 'student') {
        steps.push({
          ...base,
          stage: 'agg',
          prompt,
          output,
          sentence: '',
          discardedOutput: output,
          generationMs,
        });
        return { steps, chain, aggregatedAt: s, earlyStop: true, finalOutput: parsed.sentence };
      }
      const agg = await aggregate(state, s, chain);
      steps.push({
        ...base,
        stage: 'agg',
        ...agg.step,
        discardedOutput: output,
        generationMs: generationMs + agg.step.generationMs,
      });
      return { steps, chain, aggregatedAt: s, earlyStop: true, finalOutput: agg.finalOutput };
    }

    steps.push({
      ...base,
      stage,
      prompt,
      output,
      sentence: parsed.sentence,
      ...(parsed.followUp !== undefined ? { followUp: parsed.followUp } : {}),
      ...(parsed.intermediateAnswer !== undefined ? { intermediateAnswer: parsed.intermediateAnswer } : {}),
      generationMs,
    });
    chain.push(parsed.sentence);
  }
  throw new Error(`maxSteps must be at least 1 (got ${maxSteps})`);
}

interface Aggregation {
  step: Pick<TraceStep, 'prompt' | 'output' | 'sentence' | 'generationMs'>;
  finalOutput: string;
}

/**
 * The teacher is asked to conclude from P_≤t and R_<t; the student is handed R_<t and the
 * answer flag and writes the answer.
 */
async function aggregate(state: LoopState, step: number, chain: readonly string[]): Promise<Aggregation> {
  const { loop, promptStyle } = state.config;
  const q = state.question.question;
  if (promptStyle === 'student') {
    const prompt = renderStudentPrompt(loop, q, state.accessible) + renderAnswerLead(loop, chain);
    const { output, generationMs } = await generateStep(state, prompt, step, 'agg', chain);
    const answer = (output.split('\n')[0] ?? '').trim();
    return {
      step: { prompt, output, sentence: '', generationMs },
      finalOutput: `${ANSWER_FLAGS[loop]} ${answer}`,
    };
  }
  const prompt = renderAggregationPrompt(loop, state.demonstrations, q, state.accessible, chain);
  const { output, generationMs } = await generateStep(state, prompt, step, 'agg', chain);
  return { step: { prompt, output, sentence: '', generationMs }, finalOutput: output.trim() };
}
