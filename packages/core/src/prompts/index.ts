export {
  checkDemonstrationFormat,
  type Demonstration,
  type DemonstrationFile,
  DemonstrationFileError,
  DemonstrationFileSchema,
  defaultDemonstrations,
  demonstrationsOf,
  type PromptFormat,
  parseDemonstrationFile,
  parseDemonstrationJson,
  promptFormatOf,
} from './demonstrations';
export { IRCOT_INSTRUCTION } from './ircot';
export { type PromptPassage, renderPassages } from './passages';
export {
  parseStepOutput,
  queryFromChain,
  renderAggregationPrompt,
  renderAnswerLead,
  renderChain,
  renderStudentPrompt,
  renderTeacherPrompt,
  stopStrings,
  type TeacherPromptOptions,
} from './render';
export {
  FOLLOW_UP,
  FOLLOW_UP_NEEDED,
  INTERMEDIATE_ANSWER,
  SELF_ASK_INSTRUCTION,
  selfAskUnits,
} from './self-ask';
export { firstSentence, splitSentences } from './sentences';
export type { ParsedStep } from './step-output';
