/**
 * The synthetic world: a seeded fictional encyclopedia (people, films, places, organisations)
 * and 2- to 4-hop questions over it with ordered gold evidence, split train/dev/test. The
 * embedded default for demos and tests, and a controlled setting for StepER vs Vanilla-KD.
 * Word lists and sentence templates are data: data/words.json and data/templates.json.
 */
export { type SyntheticCorpus, syntheticCorpus } from './corpus';
export {
  DEFAULT_SYNTHETIC_OPTIONS,
  resolveSyntheticOptions,
  SYNTHETIC_MAX_PASSAGES,
  SYNTHETIC_MIN_PASSAGES,
} from './options';
export { factObject } from './relations';
export {
  type ResolvedSyntheticWorldOptions,
  SPLIT_NAMES,
  type SplitName,
  SYNTHETIC_QUESTION_TYPES,
  SYNTHETIC_STYLES,
  type SyntheticQuestionType,
  type SyntheticStyle,
  type SyntheticWorld,
  type SyntheticWorldOptions,
} from './types';
export { generateSyntheticWorld } from './world';
