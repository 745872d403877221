export {
  ANALYZER_NAMES,
  ANALYZER_VERSION,
  type Analyzer,
  type AnalyzerName,
  type AnalyzerOptions,
  type AnalyzerOptionsInput,
  AnalyzerOptionsSchema,
  createAnalyzer,
  DEFAULT_ANALYZER_OPTIONS,
  resolveAnalyzerOptions,
} from './analyzer';
export { standardTokens } from './standard';
export { ENGLISH_STOPWORDS } from './stopwords';
export { tokenize } from './tokenize';
