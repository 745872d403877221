import { type EvidenceFact, factObject, normalizeAnswer, type Question } from '@steper/core';
import type { SeedRun } from './pooled';

/** How one loop step compares with the gold fact it should state. */
export const STEP_OUTCOMES = ['right', 'wrongObject', 'wrongRelation', 'wrongSubject', 'none'] as const;
export type StepOutcome = (typeof STEP_OUTCOMES)[number];
export type OutcomeCounts = Record<StepOutcome, number>;

/** A student group's first two steps on the chain questions, pooled over seeds. */
export interface StepErrorRow {
  name: string;
  /** Question × seed rows: chain questions of the primary types. */
  rows: number;
  first: OutcomeCounts;
  /** The second step, among the rows whose first step was right. */
  second: OutcomeCounts;
}

const zero = (): OutcomeCounts => ({ right: 0, wrongObject: 0, wrongRelation: 0, wrongSubject: 0, none: 0 });

/**
 * right: the gold fact, in any wording; wrongObject: the gold subject and relation with another
 * object (a copying error: the sentence is the right one, its name is not the passage's);
 * wrongRelation: another fact of the right entity; wrongSubject: a fact of another entity;
 * none: no sentence (the loop stopped, or the step wrote nothing).
 */
export function stepOutcome(sentence: string | undefined, fact: EvidenceFact, relation: string): StepOutcome {
  const said = sentence?.trim() ?? '';
  if (!said) return 'none';
  const object = factObject(said, relation, fact.passageTitle);
  if (object !== null) {
    return fact.answer !== undefined && normalizeAnswer(object) === normalizeAnswer(fact.answer)
      ? 'right'
      : 'wrongObject';
  }
  return said.includes(fact.passageTitle) ? 'wrongRelation' : 'wrongSubject';
}

/**
 * Where a group's chains break: the outcome of the first step, and of the second after a right
 * first, on the questions of `types` that walk a relation chain (synthetic compositional, bridge
 * and inference questions carry theirs in meta.relations). What the offline judge scores as wrong,
 * told apart into copying errors and choosing errors.
 */
export function stepErrors(
  name: string,
  runs: readonly SeedRun[],
  questions: readonly Question[],
  types: readonly string[],
): StepErrorRow {
  const byId = new Map(questions.map((q) => [q.id, q]));
  const row: StepErrorRow = { name, rows: 0, first: zero(), second: zero() };
  for (const run of runs) {
    for (const t of run.traces) {
      const q = byId.get(t.questionId);
      const relations = (q?.meta as { relations?: string[] } | undefined)?.relations;
      if (!q || !types.includes(q.type ?? '') || !relations || q.evidence.length < 2) continue;
      row.rows++;
      const sentences = t.steps.map((s) => s.sentence);
      const first = stepOutcome(sentences[0], q.evidence[0]!, relations[0]!);
      row.first[first]++;
      if (first === 'right') row.second[stepOutcome(sentences[1], q.evidence[1]!, relations[1]!)]++;
    }
  }
  return row;
}
