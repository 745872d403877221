export {
  buildCorpus,
  CorpusBuilder,
  PassageLookup,
  resolveQuestion,
  resolveQuestions,
  type UnresolvedGold,
} from './corpus';
export { type DetectedFormat, detectFormat } from './detect';
export {
  DatasetParseError,
  type DatasetParseErrorInit,
  jsonSyntaxProblem,
  type RecordLocation,
} from './errors';
export {
  HotpotRecordSchema,
  IrcotRecordSchema,
  MusiqueRecordSchema,
  QUESTION_FORMATS,
  type QuestionFormat,
  renderTriple,
  substituteHopReferences,
  TwoWikiRecordSchema,
} from './formats/index';
export { passageId } from './passage-id';
export { CorpusRecordSchema, parsePassages, readPassages } from './passages';
export { type ParseQuestionsOptions, parseQuestions, readQuestions, type SkippedRecord } from './questions';
export { MAX_LINE_CHARS, type RawRecord, readRecords } from './records';
export {
  PAPER_SAMPLE_SIZES,
  type PaperSplits,
  redrawSample,
  type Sample,
  type SampleOptions,
  samplePaperSplits,
  sampleQuestions,
} from './sampling';
export type { TextChunk, TextSource } from './source';
