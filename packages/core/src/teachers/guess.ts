import { normalizeAnswer } from '../metrics';
import type { Passage } from '../types/data';
import { Rng } from '../util/rng';

/** FNV-1a: a stable 32-bit seed from a string, the same on every host. */
export function seedOf(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

export function rngFor(questionId: string, step: number, purpose: string): Rng {
  return new Rng(seedOf(`${questionId}:${step}:${purpose}`));
}

export interface GuessInput {
  /** The true value (never guessed) and every gold answer alias. */
  avoid: readonly string[];
  question: string;
  passages: readonly Passage[];
}

const YEAR_OR_NUMBER = /\b\d{1,4}\b/;

/**
 * A plausible wrong value: the opposite of yes/no; a nearby number for a year or a count; else
 * the title of a passage the teacher has seen that is not named in the question. Null when
 * nothing plausible is at hand.
 */
export function plausibleGuess(target: string, input: GuessInput, rng: Rng): string | null {
  const avoid = new Set(input.avoid.map(normalizeAnswer).filter((a) => a !== ''));
  const ok = (candidate: string) => {
    const n = normalizeAnswer(candidate);
    return n !== '' && !avoid.has(n);
  };
  const norm = normalizeAnswer(target);
  if (norm === 'yes' || norm === 'no') return norm === 'yes' ? 'no' : 'yes';
  const number = YEAR_OR_NUMBER.exec(target);
  if (number) {
    const n = Number(number[0]);
    const shift = (1 + rng.int(9)) * (rng.next() < 0.5 ? -1 : 1);
    const moved = Math.max(0, n + shift);
    const candidate =
      target.slice(0, number.index) + String(moved) + target.slice(number.index + number[0].length);
    if (ok(candidate)) return candidate;
  }
  const question = normalizeAnswer(input.question);
  const pool = [...new Set(input.passages.map((p) => p.title))].filter(
    (title) => ok(title) && !question.includes(normalizeAnswer(title)),
  );
  return pool.length > 0 ? rng.pick(pool) : null;
}
