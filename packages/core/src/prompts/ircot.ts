import { type PromptPassage, renderPassages } from './passages';
import { firstSentence } from './sentences';
import { flagIndex, type ParsedStep } from './step-output';

/**
 * IRCoT's format (Trivedi et al. 2023, the Flan-T5 prompts; StepER Tables 9–12): passage blocks,
 * then the question under a fixed instruction, then "A:" and the chain on one line. Used by the
 * single-step and no-retrieval baselines too.
 */
export const IRCOT_FLAG = 'So the answer is:';
export const IRCOT_INSTRUCTION = 'Answer the following question by reasoning step-by-step.';
export const IRCOT_AGGREGATION_INSTRUCTION =
  'For the last question, use all of its passages and the reasoning so far: finish the reasoning and end with "So the answer is:" followed by the answer.';
/** Between demonstrations, as in IRCoT's prompt files. */
export const IRCOT_DEMO_SEPARATOR = '\n\n\n';
/** The whole chain sits on the "A:" line, so a newline ends a generation. */
export const IRCOT_STOP = ['\n'];

export function ircotStudentPrompt(question: string, passages: readonly PromptPassage[]): string {
  const context = passages.length > 0 ? `${renderPassages(passages)}\n\n` : '';
  return `${context}Q: ${IRCOT_INSTRUCTION}\n${question}\nA:`;
}

/** Each sentence follows "A:" after one space; the answer flag closes the line. */
export function ircotChain(chain: readonly string[]): string {
  return chain.map((sentence) => ` ${sentence}`).join('');
}

export function ircotAnswerLead(chain: readonly string[], flag: string): string {
  return `${ircotChain(chain)} ${flag}`;
}

/**
 * The first sentence of the continuation. A sentence that holds the flag runs to the end of the
 * line, so answers with periods ("Washington, D.C.", "J.R.R. Tolkien") stay whole.
 */
export function parseIrcotStep(output: string, flag: string): ParsedStep {
  const line = output.replace(/^\s+/, '').split('\n')[0] ?? '';
  const first = firstSentence(line);
  const flagAt = flagIndex(line, flag);
  if (flagAt >= 0 && flagAt < first.length) {
    return { sentence: line.trim(), hasFlag: true };
  }
  return { sentence: first, hasFlag: false };
}

/** IRCoT's next query is the last reasoning sentence r_{s−1}. */
export function ircotQuery(chain: readonly string[]): string | null {
  const last = chain.at(-1)?.trim();
  return last ? last : null;
}
