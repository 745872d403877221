import type { Question } from '../../types/data';
import type { Stage, Trace } from '../../types/trace';

/** One reasoning step as a judge sees it. */
export interface JudgedStep {
  step: number;
  stage: Stage;
  text: string;
}

/** What the stage judge reads: the question, its gold answers and the reasoning step by step. */
export interface StageJudgeInput {
  question: string;
  answers: readonly string[];
  /** The kept chain (init, then exp) followed by the aggregation output. */
  steps: readonly JudgedStep[];
}

export interface SubQuestion {
  question: string;
  answer: string;
}

/** What the rationale judge reads: the question, the rationale and the sub-questions. */
export interface RationaleJudgeInput {
  question: string;
  rationale: string;
  subQuestions: readonly SubQuestion[];
}

export type Score01 = 0 | 1;

/** The three reasoning-stage criteria (StepER Table 17, Figure 3). */
export interface StageScores {
  initialization: Score01;
  /** null when the trace has no expansion step, so expansion cannot be judged. */
  expansion: Score01 | null;
  aggregation: Score01;
}

export interface StageVerdict extends StageScores {
  questionId: string;
  /** The judge's label; offline verdicts say "offline evidence judge (no LM)". */
  judge: string;
  /** The judge's raw output (LM judges) or its reasons (offline judge). */
  raw: string;
}

export interface RationaleVerdict {
  questionId: string;
  judge: string;
  /** One entry per sub-question, in order: answerable from the rationale or not. */
  answered: boolean[];
  raw: string;
}

/** Scores the reasoning of traces: an LM over any Generator, or the offline evidence judge. */
export interface Judge {
  readonly label: string;
  judgeStages(trace: Trace, question: Question, signal?: AbortSignal): Promise<StageVerdict>;
  judgeRationale(trace: Trace, question: Question, signal?: AbortSignal): Promise<RationaleVerdict>;
}
