export {
  ANALYZER_VERSION,
  type Analyzer,
  type AnalyzerOptions,
  type AnalyzerOptionsInput,
  AnalyzerOptionsSchema,
  createAnalyzer,
  DEFAULT_ANALYZER_OPTIONS,
  resolveAnalyzerOptions,
} from './analyzer';
export { ENGLISH_STOPWORDS } from './stopwords';
export { tokenize } from './tokenize';
