import {
  fillPlaceholders,
  RATIONALE_JUDGE_TEMPLATE,
  type RationaleJudgeTemplate,
  STAGE_JUDGE_TEMPLATE,
  type StageJudgeTemplate,
} from './templates';
import type { RationaleJudgeInput, StageJudgeInput } from './types';

function indentContinuation(text: string, indent: string): string {
  return text.trim().replace(/\r?\n/g, `\n${indent}`);
}

/** The stage judge's prompt (Table 17 criteria) for one trace. */
export function renderStageJudgePrompt(
  input: StageJudgeInput,
  template: StageJudgeTemplate = STAGE_JUDGE_TEMPLATE,
): string {
  const what = `Stage judge template "${template.name}"`;
  const { parts } = template;
  const reasoning = input.steps
    .map((step) =>
      fillPlaceholders(
        parts.stepLine,
        {
          step: step.step,
          stage: parts.stageNames[step.stage],
          text: indentContinuation(step.text, parts.continuationIndent),
        },
        what,
      ),
    )
    .join('\n');
  return fillPlaceholders(
    template.template.join('\n'),
    {
      question: input.question.trim(),
      goldAnswers: input.answers.map((a) => a.trim()).join(parts.answerSeparator),
      reasoning,
    },
    what,
  );
}

/** The rationale judge's prompt (Table 18 criterion) for one trace and its sub-questions. */
export function renderRationaleJudgePrompt(
  input: RationaleJudgeInput,
  template: RationaleJudgeTemplate = RATIONALE_JUDGE_TEMPLATE,
): string {
  const what = `Rationale judge template "${template.name}"`;
  const { parts } = template;
  if (input.subQuestions.length === 0) {
    throw new Error('renderRationaleJudgePrompt: no sub-questions to judge; give at least one.');
  }
  const subQuestions = input.subQuestions
    .map((sq, i) =>
      fillPlaceholders(
        parts.subQuestionLine,
        {
          index: i + 1,
          question: indentContinuation(sq.question, parts.continuationIndent),
          answer: sq.answer.trim(),
        },
        what,
      ),
    )
    .join('\n');
  const answerFormat = input.subQuestions
    .map((_, i) => fillPlaceholders(parts.answerLine, { index: i + 1 }, what))
    .join('\n');
  return fillPlaceholders(
    template.template.join('\n'),
    {
      question: input.question.trim(),
      rationale: input.rationale.trim(),
      subQuestions,
      answerFormat,
    },
    what,
  );
}
