import { answerTokens, normalizeAnswer } from './normalize';

/** Gold answers: the answer first, then its aliases. A single string is one gold. */
export type Golds = string | readonly string[];

function goldList(golds: Golds): readonly string[] {
  return typeof golds === 'string' ? [golds] : golds;
}

/** Best score over the gold aliases; 0 when there is no gold at all. */
function best(golds: Golds, score: (gold: string) => number): number {
  let top = 0;
  for (const gold of goldList(golds)) top = Math.max(top, score(gold));
  return top;
}

/** Exact match after normalisation (1 or 0), best over aliases. */
export function exactMatch(prediction: string, golds: Golds): number {
  const pred = normalizeAnswer(prediction);
  return best(golds, (gold) => (normalizeAnswer(gold) === pred ? 1 : 0));
}

const SPECIAL = new Set(['yes', 'no', 'noanswer']);

/**
 * Token F1 of the official HotpotQA script for one gold: a yes/no/noanswer prediction or gold
 * that differs from the other scores 0; otherwise the harmonic mean of token precision and recall
 * over the normalised multisets. As in that script, no common token (two empty answers included)
 * scores 0.
 */
function f1Single(prediction: string, gold: string): number {
  const pred = normalizeAnswer(prediction);
  const ref = normalizeAnswer(gold);
  if ((SPECIAL.has(pred) || SPECIAL.has(ref)) && pred !== ref) return 0;
  const predTokens = answerTokens(prediction);
  const refTokens = answerTokens(gold);
  const counts = new Map<string, number>();
  for (const token of refTokens) counts.set(token, (counts.get(token) ?? 0) + 1);
  let same = 0;
  for (const token of predTokens) {
    const left = counts.get(token) ?? 0;
    if (left > 0) {
      same++;
      counts.set(token, left - 1);
    }
  }
  if (same === 0) return 0;
  const precision = same / predTokens.length;
  const recall = same / refTokens.length;
  return (2 * precision * recall) / (precision + recall);
}

/** Token F1 (HotpotQA rule), best over aliases. */
export function f1Score(prediction: string, golds: Golds): number {
  return best(golds, (gold) => f1Single(prediction, gold));
}

export interface AccuracyOptions {
  /**
   * Test containment in this text — the whole generation — instead of in the predicted answer.
   * Lenient; report it under its own label (e.g. "Acc (whole generation)").
   */
  wholeGeneration?: string;
}

/**
 * Acc: 1 when a normalised gold is contained in the normalised prediction (as a substring),
 * best over aliases. A gold that normalises to nothing (e.g. "The") would be contained in every
 * text, so it counts only against an equally empty text.
 */
export function accuracy(prediction: string, golds: Golds, options: AccuracyOptions = {}): number {
  const haystack = normalizeAnswer(options.wholeGeneration ?? prediction);
  return best(golds, (gold) => {
    const needle = normalizeAnswer(gold);
    if (needle === '') return haystack === '' ? 1 : 0;
    return haystack.includes(needle) ? 1 : 0;
  });
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The predicted answer: the text after the loop's answer flag (first occurrence, matched without
 * regard to case), up to the end of its line (an answer put on the next line is taken), trimmed, with one trailing period dropped; "" when
 * the flag is absent. Only the flag's line is kept because models often run on into a new
 * "Q:" demonstration after answering.
 */
export function extractAnswer(output: string, flag: string): string {
  const match = new RegExp(escapeRegExp(flag.trim()), 'i').exec(output);
  if (!match) return '';
  const rest = output.slice(match.index + match[0].length);
  const line = rest.replace(/^\s+/, '').split(/\r?\n/, 1)[0] ?? '';
  const trimmed = line.trim();
  return (trimmed.endsWith('.') ? trimmed.slice(0, -1) : trimmed).trim();
}
