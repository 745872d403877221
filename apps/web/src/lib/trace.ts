import type { Question, Trace, TraceStep } from '@steper/core';
import { accuracy, exactMatch, f1Score } from '@steper/core/metrics/index';
import type { ShownPassage } from '../components/PassageCard';

/** What the trace view shows for one step (paper Figure 1): P_s, P_≤s and r_s. */
export interface StepView {
  step: TraceStep;
  retrieved: ShownPassage[];
  /** P_≤s in retrieval order; `isNew` marks those first retrieved at this step. */
  accessible: (ShownPassage & { isNew: boolean })[];
}

/** Gold ids and titles of a question, to mark passages when the trace did not record it. */
export function goldOf(question: Pick<Question, 'goldPassageIds' | 'goldTitles'> | undefined) {
  return {
    ids: new Set(question?.goldPassageIds ?? []),
    titles: new Set((question?.goldTitles ?? []).map((t) => t.toLowerCase())),
  };
}

export function stepViews(
  trace: Trace,
  question?: Pick<Question, 'goldPassageIds' | 'goldTitles'>,
): StepView[] {
  const gold = goldOf(question);
  const known = gold.ids.size > 0 || gold.titles.size > 0;
  const isGold = (p: { id: string; title: string; isGold?: boolean }): boolean | undefined =>
    p.isGold ?? (known ? gold.ids.has(p.id) || gold.titles.has(p.title.toLowerCase()) : undefined);
  const byId = new Map<string, ShownPassage>();
  const seenIds = new Set<string>();
  return trace.steps.map((step) => {
    const retrieved = step.retrieved.map((p) => {
      const shown: ShownPassage = { ...p, isGold: isGold(p) };
      if (!byId.has(p.id)) byId.set(p.id, shown);
      return shown;
    });
    const accessible = step.accessibleIds.map((id) => {
      const p = byId.get(id) ?? { id, title: id, text: '' };
      return { ...p, isNew: !seenIds.has(id) };
    });
    for (const id of step.accessibleIds) seenIds.add(id);
    return { step, retrieved, accessible };
  });
}

export interface AnswerScores {
  em: number;
  f1: number;
  acc: number;
}

export function scoreAnswer(prediction: string, answers: readonly string[]): AnswerScores {
  return {
    em: exactMatch(prediction, answers),
    f1: f1Score(prediction, answers),
    acc: accuracy(prediction, answers),
  };
}

export const stageLabel = (stage: string): string =>
  stage === 'init' ? 'initialization' : stage === 'exp' ? 'expansion' : 'aggregation';
