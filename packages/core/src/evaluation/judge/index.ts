export {
  answeredCorrectly,
  type JudgedMean,
  type RationaleEntry,
  type RationaleSummary,
  type StageSummary,
  sqaScore,
  summarizeRationaleVerdicts,
  summarizeStageVerdicts,
} from './aggregate';
export { judgedSteps, rationaleJudgeInput, rationaleOf, stageJudgeInput, subQuestionsOf } from './inputs';
export { LmJudge, type LmJudgeOptions } from './lm-judge';
export { OFFLINE_JUDGE_LABEL, OfflineEvidenceJudge, type OfflineJudgeOptions } from './offline-judge';
export { JudgeOutputError, parseRationaleJudgeOutput, parseStageJudgeOutput } from './parse';
export { renderRationaleJudgePrompt, renderStageJudgePrompt } from './render';
export {
  fillPlaceholders,
  parseRationaleJudgeTemplate,
  parseStageJudgeTemplate,
  RATIONALE_JUDGE_TEMPLATE,
  type RationaleJudgeTemplate,
  RationaleJudgeTemplateSchema,
  STAGE_JUDGE_TEMPLATE,
  type StageJudgeTemplate,
  StageJudgeTemplateSchema,
} from './templates';
export type {
  Judge,
  JudgedStep,
  RationaleJudgeInput,
  RationaleVerdict,
  Score01,
  StageJudgeInput,
  StageScores,
  StageVerdict,
  SubQuestion,
} from './types';
