import { INTERMEDIATE_ANSWER } from '../prompts/self-ask';
import { firstSentence } from '../prompts/sentences';
import type { EvidenceFact } from '../types/data';
import type { LoopName } from '../types/trace';
import { CANNOT_FIND, oneLine, valueOfGuess } from './phrasing';

export type AttemptKind = 'grounded' | 'guess' | 'unknown';

export interface Attempt {
  kind: AttemptKind;
  /** The value the teacher now believes for this fact (gold, guessed, or unknown). */
  value: string | undefined;
}

/** How the teacher states a grounded fact in the loop's format: one sentence, one line. */
export function statedForm(loop: LoopName, fact: EvidenceFact): string {
  const line = oneLine(fact.text);
  return loop === 'self-ask' ? line : firstSentence(line) || line;
}

function classify(loop: LoopName, fact: EvidenceFact, stated: string): Attempt {
  if (stated === statedForm(loop, fact)) return { kind: 'grounded', value: fact.answer };
  if (stated.startsWith(CANNOT_FIND)) return { kind: 'unknown', value: undefined };
  return { kind: 'guess', value: valueOfGuess(fact, stated) };
}

function intermediateAnswerOf(unit: string): string | undefined {
  for (const line of unit.split('\n')) {
    const t = line.trim();
    if (t.startsWith(INTERMEDIATE_ANSWER)) return t.slice(INTERMEDIATE_ANSWER.length).trim();
  }
  return undefined;
}

/**
 * The teacher keeps no state between calls: what it has stated so far is read back from the
 * chain. IRCoT: sentence j is the attempt at fact j. Self-Ask: unit 1 asks the first follow-up,
 * unit j+1 answers fact j (and asks the next).
 */
export function replayAttempts(
  loop: LoopName,
  facts: readonly EvidenceFact[],
  chain: readonly string[],
): Attempt[] {
  const attempts: Attempt[] = [];
  const stated =
    loop === 'self-ask'
      ? chain.slice(1).map((unit) => intermediateAnswerOf(unit) ?? '')
      : chain.map((s) => s.trim());
  for (let j = 0; j < stated.length && j < facts.length; j++) {
    attempts.push(classify(loop, facts[j]!, stated[j]!));
  }
  return attempts;
}
