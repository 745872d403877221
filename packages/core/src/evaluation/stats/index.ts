export {
  type BootstrapOptions,
  bootstrapMeanCI,
  DEFAULT_BOOTSTRAP,
  type MeanInterval,
  quantileSorted,
  type ResolvedBootstrapOptions,
  resolveBootstrapOptions,
} from './bootstrap';
export {
  binomialHalfCdf,
  binomialHalfTwoSided,
  chiSquare1UpperTail,
  erfc,
  normalUpperTail,
} from './distributions';
export {
  type McNemarOptions,
  type McNemarResult,
  mcnemar,
  type PairedTest,
  pairedBootstrap,
  type SignTestOptions,
  signTest,
} from './paired';
export {
  COMPARED_METRICS,
  type ComparedMetric,
  compareStudents,
  INTERVAL_METRICS,
  type IntervalMetric,
  type MetricComparison,
  metricValues,
  type StudentComparison,
  scoreIntervals,
} from './scores';
