export { type SubQuestionPair, withSubQuestions } from './convert';
export {
  parseSubQa,
  readSubQa,
  readSubQaSplit,
  type SubQaSplitFiles,
  type SubQaSplitOptions,
} from './read';
export { type SubQaRecord, SubQaRecordSchema, SubQuestionRecordSchema, SubQuestionSchema } from './schema';
