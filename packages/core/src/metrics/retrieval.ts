import type { Question } from '../types/data';
import type { Trace } from '../types/trace';

/** Steps at which the loop retrieved (a query was issued). */
function retrievingSteps(trace: Trace) {
  return trace.steps.filter((step) => step.query !== null);
}

/**
 * Retrieval recall: gold passages retrieved at any step / gold passages. Gold is the question's
 * goldPassageIds, or its goldTitles when no ids are resolved (then a retrieved passage counts by
 * title). null when the question has no gold passages: recall is undefined there, not 0.
 */
export function retrievalRecall(trace: Trace, question: Question): number | null {
  const byId = question.goldPassageIds.length > 0;
  const gold = new Set(byId ? question.goldPassageIds : question.goldTitles);
  if (gold.size === 0) return null;
  const found = new Set<string>();
  for (const step of trace.steps) {
    for (const passage of step.retrieved) {
      const key = byId ? passage.id : passage.title;
      if (gold.has(key)) found.add(key);
    }
  }
  return found.size / gold.size;
}

/**
 * Duplicativeness: passages retrieved again at a later step / all passages retrieved, over the
 * whole trace (the loops do not exclude passages seen before, DESIGN.md §2). Computed from the ids,
 * not the seenBefore flags. 0 when nothing was retrieved.
 */
export function duplicativeness(trace: Trace): number {
  const seen = new Set<string>();
  let total = 0;
  let again = 0;
  for (const step of trace.steps) {
    const thisStep = new Set<string>();
    for (const passage of step.retrieved) {
      total++;
      if (seen.has(passage.id)) again++;
      thisStep.add(passage.id);
    }
    for (const id of thisStep) seen.add(id);
  }
  return total === 0 ? 0 : again / total;
}

/** Number of steps of the trace that retrieved (0 for the no-retrieval baseline). */
export function retrievalSteps(trace: Trace): number {
  return retrievingSteps(trace).length;
}

export interface StepsBin {
  steps: number;
  count: number;
  /** count / traces, in [0, 1]. */
  share: number;
}

export interface StepsDistribution {
  traces: number;
  mean: number;
  /** One bin per step count from the fewest seen (at most 1) to the largest of max steps S and the most seen. */
  bins: StepsBin[];
}

/** Distribution of exact retrieval steps over a set of traces (paper Table 7). */
export function stepsDistribution(traces: readonly Trace[]): StepsDistribution {
  const counts = new Map<number, number>();
  let sum = 0;
  let low = 1;
  let high = 0;
  for (const trace of traces) {
    const steps = retrievalSteps(trace);
    counts.set(steps, (counts.get(steps) ?? 0) + 1);
    sum += steps;
    low = Math.min(low, steps);
    high = Math.max(high, steps, trace.config.maxSteps);
  }
  const bins: StepsBin[] = [];
  if (traces.length > 0) {
    for (let steps = low; steps <= high; steps++) {
      const count = counts.get(steps) ?? 0;
      bins.push({ steps, count, share: count / traces.length });
    }
  }
  return { traces: traces.length, mean: traces.length === 0 ? 0 : sum / traces.length, bins };
}
