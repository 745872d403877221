import type { TrainerEvent } from '@steper/core';
import { describe, expect, it } from 'vitest';
import { diffConfigs, foldEvents, hasSigma } from '../src/lib/series';

const stage = (init: number | null, exp: number | null, agg: number | null) => ({ init, exp, agg });
const step = (n: number, loss: number, sigma = stage(1, 1, 1)): TrainerEvent => ({
  event: 'step',
  time: n,
  step: n,
  epoch: n / 10,
  loss,
  stageLoss: stage(loss, loss, loss),
  sigma,
  sigmaNorm: stage(1 / 3, 1 / 3, 1 / 3),
  lr: 1e-4,
  tokensPerSec: 100,
});

describe('training events → chart series', () => {
  it('counts progress against the total a time budget cut the run to', () => {
    const start: TrainerEvent = {
      event: 'start',
      time: 0,
      runDir: '/r',
      config: {},
      totalSteps: 100,
      device: 'cuda:0',
      resumedFromStep: null,
    };
    const cut: TrainerEvent = {
      event: 'budget',
      time: 1,
      step: 9,
      totalSteps: 40,
      secondsPerStep: 2.5,
      maxSeconds: 100,
    };
    expect(foldEvents([start, step(9, 1), cut]).start?.totalSteps).toBe(40);
    expect(foldEvents([cut]).start).toBeNull();
  });

  it('folds steps, evals and checkpoints in order and marks the best checkpoint', () => {
    const s = foldEvents([
      {
        event: 'start',
        time: 0,
        runDir: '/r',
        config: {},
        totalSteps: 3,
        device: 'cpu',
        resumedFromStep: null,
      },
      step(1, 3),
      step(2, 2),
      { event: 'eval', time: 2, step: 2, evalLoss: 2.5, stageLoss: stage(1, 1, 1), best: true },
      { event: 'checkpoint', time: 2, step: 2, path: '/r/ck2', best: true },
      step(3, 1),
      { event: 'checkpoint', time: 3, step: 3, path: '/r/ck3', best: false },
      { event: 'done', time: 4, step: 3, bestCheckpoint: '/r/ck2', finalLoss: 1 },
    ]);
    expect(s.steps.map((p) => p.loss)).toEqual([3, 2, 1]);
    expect(s.evals).toEqual([{ step: 2, evalLoss: 2.5, best: true }]);
    expect(s.checkpoints.filter((c) => c.best).map((c) => c.path)).toEqual(['/r/ck2']);
    expect(s.done?.finalLoss).toBe(1);
  });

  it('replaces the steps a resumed run repeats instead of doubling the curve back', () => {
    const s = foldEvents([step(1, 3), step(2, 2), step(3, 1.5), step(2, 2.1), step(3, 1.4)]);
    expect(s.steps.map((p) => [p.step, p.loss])).toEqual([
      [1, 3],
      [2, 2.1],
      [3, 1.4],
    ]);
  });

  it('knows whether a run learns σ', () => {
    expect(hasSigma(foldEvents([step(1, 1)]))).toBe(true);
    expect(hasSigma(foldEvents([step(1, 1, stage(null, null, null))]))).toBe(false);
  });

  it('diffs two configs key by key', () => {
    const d = diffConfigs(
      { lr: 1e-5, objective: 'vanilla' },
      { lr: 1e-5, objective: 'steper-difficulty', sigma_lr: 0.01 },
    );
    expect(d.filter((r) => r.changed).map((r) => r.key)).toEqual(['objective', 'sigma_lr']);
    expect(d.find((r) => r.key === 'sigma_lr')?.a).toBe('—');
  });
});
