export {
  buildStepDataset,
  type DroppedTrace,
  type StepDataset,
  type StepDatasetOptions,
} from './dataset';
export { selectStepConfig, stepExamplesOf } from './examples';
export { matchedAnswer } from './filter';
export { parseStepExampleLine, parseStepJsonl, readStepJsonl, StepDataParseError, toJsonl } from './jsonl';
