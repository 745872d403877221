import type { Passage, Question } from '../types/data';

export interface SyntheticWorldOptions {
  /** PRNG seed (unsigned 32-bit integer). Default 42. */
  seed?: number;
  /** Corpus size: one passage per entity. Default 3,000; up to 2,000,000. */
  passages?: number;
  /** Number of questions over all splits. Default 2,000. */
  questions?: number;
  /**
   * How facts are worded. 'paraphrased' (default): two phrasings per relation, picked per entity
   * ("X stars Y" or "The lead actor of X is Y"), and natural questions. 'plain': one phrasing, the
   * question's own words ("The lead actor of X is Y."; "What is the lead actor of X?"), so every
   * hop can be found by matching words — a world sized for students a CPU can train.
   */
  style?: SyntheticStyle;
}

export const SYNTHETIC_STYLES = ['paraphrased', 'plain'] as const;
export type SyntheticStyle = (typeof SYNTHETIC_STYLES)[number];

export type ResolvedSyntheticWorldOptions = Required<SyntheticWorldOptions>;

export const SPLIT_NAMES = ['train', 'dev', 'test'] as const;
export type SplitName = (typeof SPLIT_NAMES)[number];

export interface SyntheticWorld {
  seed: number;
  options: ResolvedSyntheticWorldOptions;
  corpus: Passage[];
  questions: Question[];
  /** Question ids per split; disjoint, and no test question shares its root entity (so its evidence chain) with train. */
  splits: Record<SplitName, string[]>;
}

/** The five question types, as labelled by 2WikiMultihopQA (and MuSiQue for bridge chains). */
export const SYNTHETIC_QUESTION_TYPES = [
  'compositional',
  'inference',
  'bridge',
  'comparison',
  'bridge_comparison',
] as const;
export type SyntheticQuestionType = (typeof SYNTHETIC_QUESTION_TYPES)[number];
