export {
  type JudgeCriteria,
  type JudgeSpec,
  JudgeSpecSchema,
  type JudgeStartInput,
  JudgeStartSchema,
} from './config';
export { JudgeJobPayload, judgeJob } from './job';
export { type JudgementRow, listJudgements } from './list';
export { startJudgement } from './start';
export type { JudgementSummary } from './summary';
