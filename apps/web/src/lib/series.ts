import type { TrainerEvent } from '@steper/core';

/** One optimizer step as the charts plot it (flat keys: recharts reads them by name). */
export interface StepPoint {
  step: number;
  epoch: number;
  loss: number;
  init: number | null;
  exp: number | null;
  agg: number | null;
  lr: number;
  tokensPerSec: number;
  sigmaInit: number | null;
  sigmaExp: number | null;
  sigmaAgg: number | null;
  normInit: number | null;
  normExp: number | null;
  normAgg: number | null;
}

export interface EvalPoint {
  step: number;
  evalLoss: number;
  best: boolean;
}

export interface Checkpoint {
  step: number;
  path: string;
  best: boolean;
  time: number;
}

/** Everything a training dashboard shows, folded from the run's events in order. */
export interface RunSeries {
  steps: StepPoint[];
  evals: EvalPoint[];
  checkpoints: Checkpoint[];
  start: Extract<TrainerEvent, { event: 'start' }> | null;
  done: Extract<TrainerEvent, { event: 'done' }> | null;
  errors: string[];
}

export const emptySeries = (): RunSeries => ({
  steps: [],
  evals: [],
  checkpoints: [],
  start: null,
  done: null,
  errors: [],
});

/**
 * Folds one event in. A resumed run repeats steps after its last checkpoint: the later value of
 * a step replaces the earlier one, so the curves never double back.
 */
export function addEvent(s: RunSeries, e: TrainerEvent): RunSeries {
  switch (e.event) {
    case 'start':
      return { ...s, start: e, done: null };
    case 'step': {
      const point: StepPoint = {
        step: e.step,
        epoch: e.epoch,
        loss: e.loss,
        init: e.stageLoss.init,
        exp: e.stageLoss.exp,
        agg: e.stageLoss.agg,
        lr: e.lr,
        tokensPerSec: e.tokensPerSec,
        sigmaInit: e.sigma.init,
        sigmaExp: e.sigma.exp,
        sigmaAgg: e.sigma.agg,
        normInit: e.sigmaNorm.init,
        normExp: e.sigmaNorm.exp,
        normAgg: e.sigmaNorm.agg,
      };
      const last = s.steps[s.steps.length - 1];
      const steps =
        last && last.step >= e.step
          ? [...s.steps.filter((p) => p.step < e.step), point]
          : [...s.steps, point];
      return { ...s, steps };
    }
    case 'eval':
      return {
        ...s,
        evals: [
          ...s.evals.filter((p) => p.step !== e.step),
          { step: e.step, evalLoss: e.evalLoss, best: e.best },
        ],
      };
    case 'checkpoint': {
      const cps = s.checkpoints.map((c) => (e.best ? { ...c, best: false } : c));
      return {
        ...s,
        checkpoints: [
          ...cps.filter((c) => c.path !== e.path),
          { step: e.step, path: e.path, best: e.best, time: e.time },
        ],
      };
    }
    case 'budget':
      // The run was cut to fit its time budget: progress is counted against the new total.
      return s.start ? { ...s, start: { ...s.start, totalSteps: e.totalSteps } } : s;
    case 'done':
      return {
        ...s,
        done: e,
        checkpoints: e.bestCheckpoint
          ? s.checkpoints.map((c) => ({ ...c, best: c.path === e.bestCheckpoint }))
          : s.checkpoints,
      };
    case 'error':
      return { ...s, errors: [...s.errors, e.message] };
  }
}

export const foldEvents = (events: readonly TrainerEvent[]): RunSeries =>
  events.reduce(addEvent, emptySeries());

/** Whether the run learns σ (difficulty-aware): otherwise the σ chart has nothing to show. */
export const hasSigma = (s: RunSeries): boolean =>
  s.steps.some((p) => p.sigmaInit !== null || p.sigmaExp !== null || p.sigmaAgg !== null);

/** Key-by-key differences of two configs, for the side-by-side diff. */
export function diffConfigs(
  a: Record<string, unknown>,
  b: Record<string, unknown>,
): { key: string; a: string; b: string; changed: boolean }[] {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  const show = (v: unknown) => (v === undefined ? '—' : JSON.stringify(v));
  return keys.map((key) => ({
    key,
    a: show(a[key]),
    b: show(b[key]),
    changed: show(a[key]) !== show(b[key]),
  }));
}
