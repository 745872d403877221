import { renderStudentPrompt, renderTeacherPrompt } from '../prompts/render';
import type { LoopState } from './context';
import type { LoopOutcome } from './multi-step';
import { accessibleIdsOf, generateStep, retrieveStep } from './step-io';

/**
 * The two baselines answer in one generation, chain and answer together, in IRCoT's format:
 * single-step RAG over P_1 = search(q, K), and no retrieval at all. The single step is the
 * aggregation step (t = 1), so the kept chain R_<1 is empty and the whole text is the output.
 */
export async function runSingleShot(state: LoopState): Promise<LoopOutcome> {
  const { loop, promptStyle } = state.config;
  const q = state.question.question;
  const retrieves = loop === 'single-step';
  const retrieval = retrieves ? await retrieveStep(state, q, 1, 'agg') : { retrieved: [], retrievalMs: 0 };
  const prompt =
    promptStyle === 'student'
      ? renderStudentPrompt(loop, q, state.accessible)
      : renderTeacherPrompt(loop, state.demonstrations, q, state.accessible, [], {
          withPassages: retrieves,
        });
  const { output, generationMs } = await generateStep(state, prompt, 1, 'agg', []);
  return {
    steps: [
      {
        step: 1,
        stage: 'agg',
        query: retrieves ? q : null,
        retrieved: retrieval.retrieved,
        accessibleIds: accessibleIdsOf(state),
        prompt,
        output,
        sentence: '',
        retrievalMs: retrieval.retrievalMs,
        generationMs,
      },
    ],
    chain: [],
    aggregatedAt: 1,
    earlyStop: false,
    finalOutput: output.trim(),
  };
}
