import type { Question } from '../../types/data';
import type { Trace } from '../../types/trace';
import type { JudgedStep, RationaleJudgeInput, StageJudgeInput, SubQuestion } from './types';

/**
 * The steps of a trace as judged: r_1 is initialization, r_2 … r_{t−1} expansion, and the
 * aggregation output is step t (the kept chain always ends right before aggregation).
 */
export function judgedSteps(trace: Trace): JudgedStep[] {
  const steps: JudgedStep[] = trace.chain.map((text, i) => ({
    step: i + 1,
    stage: i === 0 ? 'init' : 'exp',
    text,
  }));
  steps.push({ step: trace.chain.length + 1, stage: 'agg', text: trace.finalOutput });
  return steps;
}

export function stageJudgeInput(trace: Trace): StageJudgeInput {
  return { question: trace.question, answers: trace.answers, steps: judgedSteps(trace) };
}

/** The whole rationale: the kept chain and the aggregation output, one step a line. */
export function rationaleOf(trace: Trace): string {
  return [...trace.chain, trace.finalOutput]
    .map((text) => text.trim())
    .filter((text) => text !== '')
    .join('\n');
}

/** The question's sub-questions with their answers (SubQA, MuSiQue, the synthetic world). */
export function subQuestionsOf(question: Question): SubQuestion[] {
  const out: SubQuestion[] = [];
  question.evidence.forEach((fact, i) => {
    if (fact.subQuestion === undefined) return;
    if (fact.answer === undefined || fact.answer.trim() === '') {
      throw new Error(
        `Question "${question.id}": evidence[${i}] has a sub-question but no answer; rationale validity needs each sub-question's answer (SubQA gives both).`,
      );
    }
    out.push({ question: fact.subQuestion, answer: fact.answer });
  });
  if (out.length === 0) {
    throw new Error(
      `Question "${question.id}" has no sub-questions (evidence[].subQuestion); rationale validity is judged on SubQA questions or others that carry sub-questions.`,
    );
  }
  return out;
}

export function rationaleJudgeInput(trace: Trace, question: Question): RationaleJudgeInput {
  return { question: trace.question, rationale: rationaleOf(trace), subQuestions: subQuestionsOf(question) };
}
