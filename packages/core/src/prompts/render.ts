import { ANSWER_FLAGS, type LoopName } from '../types/trace';
import {
  checkDemonstrationFormat,
  type DemonstrationFile,
  demonstrationsOf,
  promptFormatOf,
} from './demonstrations';
import {
  IRCOT_AGGREGATION_INSTRUCTION,
  IRCOT_DEMO_SEPARATOR,
  IRCOT_STOP,
  ircotAnswerLead,
  ircotChain,
  ircotQuery,
  ircotStudentPrompt,
  parseIrcotStep,
} from './ircot';
import type { PromptPassage } from './passages';
import {
  parseSelfAskStep,
  SELF_ASK_AGGREGATION_INSTRUCTION,
  SELF_ASK_DEMO_SEPARATOR,
  SELF_ASK_INSTRUCTION,
  SELF_ASK_STOP,
  selfAskAnswerLead,
  selfAskChain,
  selfAskQuery,
  selfAskStudentPrompt,
} from './self-ask';
import type { ParsedStep } from './step-output';

/**
 * Every prompt of the workbench is rendered here, once (DESIGN.md §3): the step data stores
 * these strings, so the trainer and the browser never re-implement formatting. The invariant
 * the student relies on: renderStudentPrompt(q, P_≤s) + renderChain(R) is exactly the text it
 * is trained on, and exactly the text it continues at inference.
 */

/** The student prompt for (q, P_≤s): no demonstrations; it ends where the answer starts. */
export function renderStudentPrompt(
  loop: LoopName,
  question: string,
  passages: readonly PromptPassage[],
): string {
  return promptFormatOf(loop) === 'self-ask'
    ? selfAskStudentPrompt(question, passages)
    : ircotStudentPrompt(question, passages);
}

/**
 * The text that follows a prompt: the chain R with its leading space, and when `answer` is given
 * the loop's answer flag and the answer ("… So the answer is: a").
 */
export function renderChain(loop: LoopName, chain: readonly string[], answer?: string): string {
  if (answer === undefined) {
    return promptFormatOf(loop) === 'self-ask' ? selfAskChain(chain) : ircotChain(chain);
  }
  return `${renderAnswerLead(loop, chain)} ${answer}`;
}

/** The chain followed by the answer flag: what a student continues with the answer alone. */
export function renderAnswerLead(loop: LoopName, chain: readonly string[]): string {
  const flag = ANSWER_FLAGS[loop];
  return promptFormatOf(loop) === 'self-ask' ? selfAskAnswerLead(chain, flag) : ircotAnswerLead(chain, flag);
}

export interface TeacherPromptOptions {
  /** No-retrieval renders its demonstrations without their passages. */
  withPassages?: boolean;
}

function preamble(loop: LoopName, file: DemonstrationFile, aggregate: boolean): string[] {
  const lines: string[] = [];
  const instruction =
    file.instruction ?? (promptFormatOf(loop) === 'self-ask' ? SELF_ASK_INSTRUCTION : undefined);
  if (instruction) lines.push(instruction);
  if (aggregate) {
    lines.push(
      file.aggregationInstruction ??
        (promptFormatOf(loop) === 'self-ask'
          ? SELF_ASK_AGGREGATION_INSTRUCTION
          : IRCOT_AGGREGATION_INSTRUCTION),
    );
  }
  return lines;
}

function teacherPrompt(
  loop: LoopName,
  file: DemonstrationFile,
  question: string,
  passages: readonly PromptPassage[],
  chain: readonly string[],
  aggregate: boolean,
  options: TeacherPromptOptions,
): string {
  checkDemonstrationFormat(loop, file);
  const withPassages = options.withPassages ?? true;
  const examples = demonstrationsOf(file).map(
    (d) =>
      renderStudentPrompt(loop, d.question, withPassages ? d.passages : []) +
      renderChain(loop, d.chain, d.answer),
  );
  examples.push(renderStudentPrompt(loop, question, passages) + renderChain(loop, chain));
  const head = preamble(loop, file, aggregate);
  if (promptFormatOf(loop) === 'self-ask') {
    return [head.join('\n'), ...examples].filter((part) => part !== '').join(SELF_ASK_DEMO_SEPARATOR);
  }
  return [...head, ...examples].join(IRCOT_DEMO_SEPARATOR);
}

/** The teacher's step prompt: demonstrations, then (q, P_≤s), then the chain so far R_≤s−1. */
export function renderTeacherPrompt(
  loop: LoopName,
  demonstrations: DemonstrationFile,
  question: string,
  passages: readonly PromptPassage[],
  chain: readonly string[],
  options: TeacherPromptOptions = {},
): string {
  return teacherPrompt(loop, demonstrations, question, passages, chain, false, options);
}

/**
 * The teacher's aggregation prompt: the step prompt over P_≤t and R_<t, headed by a line asking
 * it to conclude from all passages and all reasoning with the answer flag and the answer.
 */
export function renderAggregationPrompt(
  loop: LoopName,
  demonstrations: DemonstrationFile,
  question: string,
  passages: readonly PromptPassage[],
  chain: readonly string[],
  options: TeacherPromptOptions = {},
): string {
  return teacherPrompt(loop, demonstrations, question, passages, chain, true, options);
}

/** Stop strings per loop: a generation ends with its line (IRCoT) or its example (Self-Ask). */
export function stopStrings(loop: LoopName): string[] {
  return promptFormatOf(loop) === 'self-ask' ? [...SELF_ASK_STOP] : [...IRCOT_STOP];
}

/** The reasoning step r_s a continuation contributes, and whether it carries the answer flag. */
export function parseStepOutput(loop: LoopName, output: string): ParsedStep {
  const flag = ANSWER_FLAGS[loop];
  return promptFormatOf(loop) === 'self-ask' ? parseSelfAskStep(output, flag) : parseIrcotStep(output, flag);
}

/**
 * The search query of the next step, from R_≤s−1: IRCoT's last sentence, Self-Ask's last
 * follow-up question; null when the chain has none (the loop then searches with q).
 */
export function queryFromChain(loop: LoopName, chain: readonly string[]): string | null {
  return promptFormatOf(loop) === 'self-ask' ? selfAskQuery(chain) : ircotQuery(chain);
}
