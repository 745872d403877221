import { withoutQualifier } from '../../datasets/formats/common';
import { answerTokens, normalizeAnswer } from '../../metrics/normalize';
import { FOLLOW_UP } from '../../prompts/self-ask';
import type { EvidenceFact } from '../../types/data';

/**
 * How the offline evidence judge reads text against gold facts: by normalised answers (the
 * official normalisation), never by an LM.
 */

/** The phrase occurs in the text as whole normalised tokens ("ada reyes" in "by ada reyes"). */
export function containsPhrase(text: string, phrase: string): boolean {
  const needle = normalizeAnswer(phrase);
  if (needle === '') return false;
  return ` ${normalizeAnswer(text)} `.includes(` ${needle} `);
}

/** Share of the reference's distinct tokens that the text contains. */
export function tokenRecall(reference: string, text: string): number {
  const ref = new Set(answerTokens(reference));
  if (ref.size === 0) return 0;
  const have = new Set(answerTokens(text));
  let hit = 0;
  for (const token of ref) if (have.has(token)) hit++;
  return hit / ref.size;
}

/**
 * The text states the fact: it names the fact's answer (the value this hop yields). When the fact
 * has no answer, or its answer already appears in the question (so naming it proves nothing),
 * the text must instead contain at least `recall` of the fact sentence's tokens.
 */
export function statesFact(text: string, fact: EvidenceFact, question: string, recall: number): boolean {
  const answer = fact.answer?.trim() ?? '';
  if (normalizeAnswer(answer) !== '' && !containsPhrase(question, answer))
    return containsPhrase(text, answer);
  return tokenRecall(fact.text, text) >= recall;
}

/**
 * The facts each text states, reading the texts in order. Facts sharing one answer (two people
 * born in the same city) are told apart: a text naming that answer states one of them — the one
 * whose subject it names, else the first not yet stated — so "X was born in Velmore" followed by
 * "Y was born in Velmore" states both facts, once each.
 */
export function statementSchedule(
  texts: readonly string[],
  facts: readonly EvidenceFact[],
  question: string,
  recall: number,
): number[][] {
  const stated = new Set<number>();
  return texts.map((text) => {
    const hits = facts.flatMap((fact, i) => (statesFact(text, fact, question, recall) ? [i] : []));
    const byAnswer = new Map<string, number[]>();
    for (const i of hits) {
      const key = normalizeAnswer(facts[i]!.answer ?? '') || `#${i}`;
      byAnswer.set(key, [...(byAnswer.get(key) ?? []), i]);
    }
    const out: number[] = [];
    for (const group of byAnswer.values()) {
      if (group.length === 1) {
        out.push(group[0]!);
        continue;
      }
      const named = group.filter((i) => mentionsSubject(text, facts[i]!));
      const pool = named.length > 0 ? named : group;
      out.push(pool.find((i) => !stated.has(i)) ?? pool[0]!);
    }
    for (const i of out) stated.add(i);
    return out.sort((a, b) => a - b);
  });
}

function mentionsSubject(text: string, fact: EvidenceFact): boolean {
  const subject = withoutQualifier(fact.passageTitle.trim());
  return subject !== '' && containsPhrase(text, subject);
}

/** A hop that needs no earlier hop: the first fact, or one whose passage the question names. */
export function isFirstHop(fact: EvidenceFact, index: number, question: string): boolean {
  if (index === 0) return true;
  const subject = withoutQualifier(fact.passageTitle.trim());
  return subject !== '' && containsPhrase(question, subject);
}

/** Self-Ask follow-up questions written in the text. */
export function followUps(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const at = line.indexOf(FOLLOW_UP);
    if (at !== -1) out.push(line.slice(at + FOLLOW_UP.length).trim());
  }
  return out;
}

/**
 * A follow-up in the text asks for the fact: it names the fact's subject (its passage title) and,
 * when the fact has a gold sub-question, shares at least `recall` of its tokens.
 */
export function asksFact(text: string, fact: EvidenceFact, recall: number): boolean {
  const subject = withoutQualifier(fact.passageTitle.trim());
  return followUps(text).some((q) => {
    if (subject !== '' && !containsPhrase(q, subject)) return false;
    if (fact.subQuestion !== undefined) return tokenRecall(fact.subQuestion, q) >= recall;
    return subject !== '';
  });
}

/** The text before the answer flag (all of it when the flag is absent), case-insensitively. */
export function beforeFlag(text: string, flag: string): string {
  const at = text.toLowerCase().indexOf(flag.trim().toLowerCase());
  return at === -1 ? text : text.slice(0, at);
}
