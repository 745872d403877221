import type { Choice } from './FormField';

/** Choices several forms offer, spelled the same everywhere. */

export const EVIDENCE_CHOICE: Choice = { value: 'evidence', label: 'Evidence teacher (offline, no LM)' };

/** The loops a teacher run builds step data with. */
export const TEACHER_LOOPS: Choice[] = [
  { value: 'ircot', label: 'IRCoT' },
  { value: 'self-ask', label: 'Self-Ask' },
];

/** Every loop, the baselines included. */
export const ALL_LOOPS: Choice[] = [
  ...TEACHER_LOOPS,
  { value: 'single-step', label: 'single-step' },
  { value: 'no-retrieval', label: 'no retrieval' },
];
