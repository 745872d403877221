import type { Trace, TraceStep } from '@steper/core';

/** One step index across several traces: the cells side by side, and what differs between them. */
export interface AlignedStep {
  step: number;
  cells: (TraceStep | null)[];
  queryDiffers: boolean;
  passagesDiffer: boolean;
  sentenceDiffers: boolean;
}

const key = (s: TraceStep | null, f: (s: TraceStep) => string): string | null => (s ? f(s) : null);

/** Steps aligned by their number s; a trace that stopped earlier has an empty cell there. */
export function alignSteps(traces: readonly (Trace | null)[]): AlignedStep[] {
  const max = Math.max(0, ...traces.map((t) => t?.steps.length ?? 0));
  const out: AlignedStep[] = [];
  for (let i = 0; i < max; i++) {
    const cells = traces.map((t) => t?.steps[i] ?? null);
    const differs = (f: (s: TraceStep) => string) => new Set(cells.map((c) => key(c, f))).size > 1;
    out.push({
      step: i + 1,
      cells,
      queryDiffers: differs((s) => s.query ?? ''),
      passagesDiffer: differs((s) => s.retrieved.map((p) => p.id).join('|')),
      sentenceDiffers: differs((s) => (s.stage === 'agg' ? s.output : s.sentence)),
    });
  }
  return out;
}

export type Outcome = 'all-right' | 'all-wrong' | 'split';

/** Right / wrong per generator by a score (EM by default): "split" is one right, another wrong. */
export function outcome(scores: readonly (number | null | undefined)[]): Outcome {
  const right = scores.map((s) => (s ?? 0) >= 0.999);
  if (right.every(Boolean)) return 'all-right';
  if (right.some(Boolean)) return 'split';
  return 'all-wrong';
}
