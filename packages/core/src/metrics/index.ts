export { type AccuracyOptions, accuracy, exactMatch, extractAnswer, f1Score, type Golds } from './answer';
export { answerTokens, normalizeAnswer } from './normalize';
export {
  duplicativeness,
  retrievalRecall,
  retrievalSteps,
  type StepsBin,
  type StepsDistribution,
  stepsDistribution,
} from './retrieval';
export { type ScoreSummary, scoreTrace, scoreTraces, type TraceScore } from './score';
