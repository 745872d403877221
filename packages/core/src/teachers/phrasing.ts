import type { EvidenceFact } from '../types/data';

/** Every "cannot find it" statement starts so; the teacher recognises its own give-ups by it. */
export const CANNOT_FIND = 'The passages do not';

export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** "Who directed Blue Harbor?" → 'The passages do not answer "Who directed Blue Harbor?".' */
export function cannotFindSentence(subQuestion: string | undefined): string {
  const q = subQuestion ? oneLine(subQuestion).replace(/[?.!\s]+$/, '') : '';
  return q ? `${CANNOT_FIND} answer "${q}?".` : `${CANNOT_FIND} say what comes next.`;
}

/** The fact with its value swapped for a wrong one, or null when the value is not in the text. */
export function guessSentence(fact: EvidenceFact, guess: string): string | null {
  const value = fact.answer?.trim();
  const text = oneLine(fact.text);
  if (!value) return null;
  const at = text.indexOf(value);
  if (at < 0) return null;
  return text.slice(0, at) + guess + text.slice(at + value.length);
}

/** The value a guess sentence put where the fact's value was, or undefined. */
export function valueOfGuess(fact: EvidenceFact, sentence: string): string | undefined {
  const value = fact.answer?.trim();
  const text = oneLine(fact.text);
  if (!value) return undefined;
  const at = text.indexOf(value);
  if (at < 0) return undefined;
  const pre = text.slice(0, at);
  const post = text.slice(at + value.length);
  if (!sentence.startsWith(pre) || !sentence.endsWith(post)) return undefined;
  const middle = sentence.slice(pre.length, sentence.length - post.length).trim();
  return middle || undefined;
}

/**
 * The follow-up question for fact i, phrased with what the teacher believes so far: MuSiQue's
 * "#k" placeholders and earlier gold values are replaced by the values it stated (a wrong guess
 * carries into the next question, as in a real chain).
 */
export function followUpQuestion(
  facts: readonly EvidenceFact[],
  i: number,
  believed: readonly (string | undefined)[],
): string {
  const fact = facts[i]!;
  let question = fact.subQuestion ? oneLine(fact.subQuestion) : `What is known about ${fact.passageTitle}?`;
  question = question.replace(/#(\d+)/g, (match, k: string) => {
    const j = Number(k) - 1;
    return believed[j] ?? facts[j]?.answer ?? match;
  });
  for (let j = 0; j < i; j++) {
    const gold = facts[j]?.answer?.trim();
    const mine = believed[j];
    if (gold && gold.length > 1 && mine && mine !== gold) question = question.split(gold).join(mine);
  }
  return question;
}
