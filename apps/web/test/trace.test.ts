import type { Trace, TraceStep } from '@steper/core';
import { describe, expect, it } from 'vitest';
import { alignSteps, outcome } from '../src/lib/compare';
import { scoreAnswer, stepViews } from '../src/lib/trace';

const p = (id: string, title = id.toUpperCase()) => ({
  id,
  title,
  text: `${title} text`,
  score: 1,
  rank: 0,
  seenBefore: false,
});
const step = (
  n: number,
  stage: TraceStep['stage'],
  retrieved: ReturnType<typeof p>[],
  accessibleIds: string[],
  sentence = `r${n}`,
): TraceStep => ({
  step: n,
  stage,
  query: `q${n}`,
  retrieved,
  accessibleIds,
  prompt: '',
  output: stage === 'agg' ? 'So the answer is: x' : sentence,
  sentence: stage === 'agg' ? '' : sentence,
  retrievalMs: 0,
  generationMs: 0,
});
const trace = (steps: TraceStep[]) => ({ steps }) as Trace;

describe('trace view model', () => {
  it('builds P≤s in order, marks what is new at each step, and marks gold by id or title', () => {
    const t = trace([
      step(1, 'init', [p('a'), p('b')], ['a', 'b']),
      step(2, 'agg', [p('b'), p('c')], ['a', 'b', 'c']),
    ]);
    const views = stepViews(t, { goldPassageIds: ['a'], goldTitles: ['C'] });
    expect(views[1]!.accessible.map((x) => [x.id, x.isNew])).toEqual([
      ['a', false],
      ['b', false],
      ['c', true],
    ]);
    expect(views[0]!.retrieved.map((x) => x.isGold)).toEqual([true, false]);
    expect(views[1]!.retrieved.map((x) => x.isGold)).toEqual([false, true]);
  });

  it('leaves gold unknown when neither the trace nor the question knows it', () => {
    const views = stepViews(trace([step(1, 'init', [p('a')], ['a'])]));
    expect(views[0]!.retrieved[0]!.isGold).toBeUndefined();
  });

  it('scores the final answer with EM, F1 and Acc against the aliases', () => {
    expect(scoreAnswer('The Eiffel Tower', ['Eiffel Tower'])).toEqual({ em: 1, f1: 1, acc: 1 });
    const partial = scoreAnswer('tower in Paris', ['Eiffel Tower']);
    expect(partial.em).toBe(0);
    expect(partial.f1).toBeCloseTo(0.4);
  });
});

describe('side-by-side comparison', () => {
  it('aligns steps by number and marks what differs', () => {
    const a = trace([step(1, 'init', [p('a')], ['a']), step(2, 'agg', [p('b')], ['a', 'b'])]);
    const b = trace([step(1, 'init', [p('a')], ['a'], 'other r1')]);
    const aligned = alignSteps([a, b]);
    expect(aligned).toHaveLength(2);
    expect(aligned[0]!.queryDiffers).toBe(false);
    expect(aligned[0]!.passagesDiffer).toBe(false);
    expect(aligned[0]!.sentenceDiffers).toBe(true);
    expect(aligned[1]!.cells[1]).toBeNull();
  });

  it('classifies one right and another wrong as a split', () => {
    expect(outcome([1, 0])).toBe('split');
    expect(outcome([1, 1])).toBe('all-right');
    expect(outcome([0, undefined])).toBe('all-wrong');
  });
});
