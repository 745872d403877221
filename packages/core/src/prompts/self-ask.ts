import { type PromptPassage, renderPassages } from './passages';
import { flagIndex, type ParsedStep } from './step-output';

/**
 * Self-Ask's format (Press et al. 2023, with retrieved passages; StepER Tables 13–16): an
 * instruction header, then per example "Passages:", "Question:", "Are follow up questions
 * needed here:", "Follow up:" / "Intermediate answer:" lines and "So the final answer is:".
 *
 * One reasoning step r_s is one unit of lines ending with a follow-up question, so the question
 * is the search query of the next step (as in Self-Ask with a search engine, where the follow-up
 * is asked before its answer is looked up):
 *   r_1 = "Yes.\nFollow up: Q1"
 *   r_s = "Intermediate answer: A_{s−1}\nFollow up: Q_s"
 *   and, once nothing is left to ask, "Intermediate answer: A_n" alone; the flag comes next.
 */
export const SELF_ASK_FLAG = 'So the final answer is:';
export const FOLLOW_UP = 'Follow up:';
export const INTERMEDIATE_ANSWER = 'Intermediate answer:';
export const FOLLOW_UP_NEEDED = 'Are follow up questions needed here:';
export const SELF_ASK_INSTRUCTION =
  'Solve the question with the given knowledge.\nEach line should start with either "Intermediate answer:", "Follow up:", "So the final answer is:", or "Are follow up questions needed here:".';
export const SELF_ASK_AGGREGATION_INSTRUCTION =
  'For the last question, use all of its passages and the follow ups so far: finish and end with "So the final answer is:" followed by the answer.';
/** Between the header and each example, as in the Self-Ask prompts. */
export const SELF_ASK_DEMO_SEPARATOR = '\n#\n';
export const SELF_ASK_STOP = ['\n\n', '\n#', '\nQuestion:', '\nPassages:'];

export function selfAskStudentPrompt(question: string, passages: readonly PromptPassage[]): string {
  const context = passages.length > 0 ? `Passages:\n${renderPassages(passages)}\n\n` : '';
  return `${context}Question: ${question}\n${FOLLOW_UP_NEEDED}`;
}

/** The units follow "Are follow up questions needed here:" after one space, one line each. */
export function selfAskChain(units: readonly string[]): string {
  return units.length > 0 ? ` ${units.join('\n')}` : '';
}

/** With no follow-up at all, Self-Ask answers "No." and gives the final answer directly. */
export function selfAskAnswerLead(units: readonly string[], flag: string): string {
  return units.length > 0 ? `${selfAskChain(units)}\n${flag}` : ` No.\n${flag}`;
}

/** A demonstration's follow-ups as reasoning units (see the module comment). */
export function selfAskUnits(followUps: readonly { question: string; answer: string }[]): string[] {
  const units: string[] = [];
  let pending = 'Yes.';
  for (const f of followUps) {
    units.push(`${pending}\n${FOLLOW_UP} ${f.question}`);
    pending = `${INTERMEDIATE_ANSWER} ${f.answer}`;
  }
  if (followUps.length > 0) units.push(pending);
  return units;
}

const YES_NO = /^(yes|no)\.?$/i;

/**
 * The first unit of the continuation: lines up to and including the first follow-up question.
 * The flag counts only when no intermediate answer or follow-up precedes it in the unit; an
 * intermediate answer followed by the flag is a step of its own (the flag comes next step),
 * just as IRCoT keeps "X was born in Y." apart from "So the answer is: Y.".
 */
export function parseSelfAskStep(output: string, flag: string): ParsedStep {
  const lines = output.replace(/^\s+/, '').split('\n');
  const unit: string[] = [];
  let followUp: string | undefined;
  let intermediateAnswer: string | undefined;
  let hasFlag = false;
  for (const raw of lines) {
    const line = raw.trim();
    if (line === '') break;
    if (flagIndex(line, flag) === 0) {
      if (followUp === undefined && intermediateAnswer === undefined) {
        unit.push(line);
        hasFlag = true;
      }
      break;
    }
    if (line.startsWith(FOLLOW_UP)) {
      unit.push(line);
      followUp = line.slice(FOLLOW_UP.length).trim();
      break;
    }
    if (line.startsWith(INTERMEDIATE_ANSWER)) {
      if (intermediateAnswer !== undefined) break;
      unit.push(line);
      intermediateAnswer = line.slice(INTERMEDIATE_ANSWER.length).trim();
      continue;
    }
    if (line.startsWith(FOLLOW_UP_NEEDED)) {
      const rest = line.slice(FOLLOW_UP_NEEDED.length).trim();
      if (unit.length > 0 || !YES_NO.test(rest)) break;
      unit.push(rest);
      continue;
    }
    // Free text (the "Yes." line, or a model ignoring the format) opens a unit, never extends one.
    if (unit.length > 0) break;
    unit.push(line);
    if (flagIndex(line, flag) >= 0) {
      hasFlag = true;
      break;
    }
  }
  const step: ParsedStep = { sentence: unit.join('\n'), hasFlag };
  if (followUp !== undefined) step.followUp = followUp;
  if (intermediateAnswer !== undefined) step.intermediateAnswer = intermediateAnswer;
  return step;
}

/** Self-Ask's next query is the last follow-up question asked in the chain. */
export function selfAskQuery(units: readonly string[]): string | null {
  for (let i = units.length - 1; i >= 0; i--) {
    const lines = (units[i] as string).split('\n');
    for (let j = lines.length - 1; j >= 0; j--) {
      const line = (lines[j] as string).trim();
      if (line.startsWith(FOLLOW_UP)) {
        const question = line.slice(FOLLOW_UP.length).trim();
        if (question) return question;
      }
    }
  }
  return null;
}
