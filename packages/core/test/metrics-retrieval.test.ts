import { describe, expect, it } from 'vitest';
import {
  duplicativeness,
  retrievalRecall,
  retrievalSteps,
  stepsDistribution,
} from '../src/metrics/retrieval';
import { scoreTraces } from '../src/metrics/score';
import type { Question } from '../src/types/data';
import { type Trace, TraceSchema, type TraceStep } from '../src/types/trace';

/** A step retrieving the given passage ids (title = "T" + id); null = no retrieval at this step. */
function step(n: number, ids: string[] | null, stage: TraceStep['stage'] = 'exp'): TraceStep {
  return {
    step: n,
    stage,
    query: ids === null ? null : `query ${n}`,
    retrieved: (ids ?? []).map((id, rank) => ({
      id,
      title: `T${id}`,
      text: `text ${id}`,
      score: 10 - rank,
      rank,
      seenBefore: false,
    })),
    accessibleIds: [],
    prompt: '',
    output: '',
    sentence: '',
    retrievalMs: 1,
    generationMs: 1,
  };
}

function trace(questionId: string, steps: TraceStep[], extra: Partial<Trace> = {}): Trace {
  return TraceSchema.parse({
    questionId,
    question: '?',
    answers: [],
    loop: 'ircot',
    generator: 'test',
    config: { loop: 'ircot', maxSteps: 5, topK: 2 },
    steps,
    chain: [],
    aggregatedAt: steps.length,
    earlyStop: false,
    finalOutput: '',
    prediction: '',
    totalMs: 100,
    ...extra,
  });
}

function question(id: string, fields: Partial<Question> = {}): Question {
  return {
    id,
    dataset: 'synthetic',
    question: '?',
    answers: ['Ada Reyes'],
    evidence: [],
    goldTitles: [],
    goldPassageIds: [],
    ...fields,
  };
}

// Three retrieving steps: a b | b c | c d → 6 retrieved, 2 retrieved again (b at 2, c at 3).
const threeSteps = trace('q1', [
  step(1, ['a', 'b'], 'init'),
  step(2, ['b', 'c']),
  step(3, ['c', 'd'], 'agg'),
]);

describe('retrievalRecall', () => {
  it('counts gold passages retrieved at any step, by id', () => {
    expect(retrievalRecall(threeSteps, question('q1', { goldPassageIds: ['a', 'd'] }))).toBe(1);
    expect(retrievalRecall(threeSteps, question('q1', { goldPassageIds: ['a', 'z'] }))).toBe(0.5);
    expect(retrievalRecall(threeSteps, question('q1', { goldPassageIds: ['x', 'y', 'z', 'c'] }))).toBe(0.25);
  });

  it('falls back to titles when no gold ids are resolved', () => {
    expect(retrievalRecall(threeSteps, question('q1', { goldTitles: ['Tb', 'Tq', 'Tr'] }))).toBeCloseTo(
      1 / 3,
      12,
    );
  });

  it('prefers ids over titles when both exist', () => {
    expect(retrievalRecall(threeSteps, question('q1', { goldPassageIds: ['z'], goldTitles: ['Ta'] }))).toBe(
      0,
    );
  });

  it('is null without gold, 0 for a trace that never retrieved', () => {
    expect(retrievalRecall(threeSteps, question('q1'))).toBeNull();
    expect(
      retrievalRecall(trace('q1', [step(1, null, 'agg')]), question('q1', { goldPassageIds: ['a'] })),
    ).toBe(0);
  });
});

describe('duplicativeness', () => {
  it('is passages retrieved again at a later step / all retrieved', () => {
    expect(duplicativeness(threeSteps)).toBeCloseTo(2 / 6, 12);
    expect(duplicativeness(trace('q', [step(1, ['a', 'b']), step(2, ['c', 'd'])]))).toBe(0);
    expect(
      duplicativeness(trace('q', [step(1, ['a', 'b']), step(2, ['a', 'b']), step(3, ['b', 'a'])])),
    ).toBeCloseTo(4 / 6, 12);
  });

  it('uses the ids, not the seenBefore flags', () => {
    const flagged = trace('q', [step(1, ['a', 'b'])]);
    for (const p of flagged.steps[0]?.retrieved ?? []) p.seenBefore = true;
    expect(duplicativeness(flagged)).toBe(0);
  });

  it('is 0 when nothing was retrieved', () => {
    expect(duplicativeness(trace('q', [step(1, null, 'agg')]))).toBe(0);
  });
});

describe('retrieval steps', () => {
  it('counts steps that issued a query', () => {
    expect(retrievalSteps(threeSteps)).toBe(3);
    expect(retrievalSteps(trace('q', [step(1, null, 'agg')]))).toBe(0);
  });

  it('stepsDistribution gives counts and shares from 1 to S (paper Table 7)', () => {
    const traces = [
      threeSteps,
      trace('q2', [step(1, ['a'], 'init'), step(2, ['b'], 'agg')]),
      trace('q3', [step(1, ['a'], 'init'), step(2, ['b'], 'agg')]),
      trace(
        'q4',
        [1, 2, 3, 4, 5].map((n) => step(n, [`p${n}`])),
      ),
    ];
    const dist = stepsDistribution(traces);
    expect(dist.traces).toBe(4);
    expect(dist.mean).toBe((3 + 2 + 2 + 5) / 4);
    expect(dist.bins).toEqual([
      { steps: 1, count: 0, share: 0 },
      { steps: 2, count: 2, share: 0.5 },
      { steps: 3, count: 1, share: 0.25 },
      { steps: 4, count: 0, share: 0 },
      { steps: 5, count: 1, share: 0.25 },
    ]);
  });

  it('includes a 0 bin for the no-retrieval baseline, and is empty for no traces', () => {
    const dist = stepsDistribution([trace('q', [step(1, null, 'agg')])]);
    expect(dist.bins[0]).toEqual({ steps: 0, count: 1, share: 1 });
    expect(dist.bins).toHaveLength(6);
    expect(stepsDistribution([])).toEqual({ traces: 0, mean: 0, bins: [] });
  });
});

describe('scoreTraces', () => {
  const questions = [
    question('q1', { answers: ['Ada Reyes', 'A. Reyes'], goldPassageIds: ['a', 'd'] }),
    question('q2', { answers: ['yes'], goldTitles: ['Ta', 'Tz'] }),
    question('q3', { answers: ['Oslo'] }),
  ];
  const traces = [
    trace('q1', threeSteps.steps, { prediction: 'A. Reyes', finalOutput: 'So the answer is: A. Reyes.' }),
    trace('q2', [step(1, ['a', 'b'], 'init'), step(2, ['a', 'c'], 'agg')], {
      prediction: 'no',
      chain: ['Ta says yes.'],
      finalOutput: 'So the answer is: no.',
      totalMs: 300,
    }),
    trace('q3', [step(1, null, 'agg')], {
      prediction: 'the city of Oslo',
      finalOutput: 'So the answer is: the city of Oslo.',
      totalMs: 200,
      error: 'timeout',
    }),
  ];

  it('averages every metric over the set, with known answers', () => {
    const s = scoreTraces(traces, questions);
    expect(s.traces).toBe(3);
    expect(s.em).toBeCloseTo(1 / 3, 12);
    // q1: 1; q2: yes/no mismatch 0; q3: "city of oslo" vs "oslo" = 2·(1/3·1)/(1/3+1) = 0.5.
    expect(s.f1).toBeCloseTo((1 + 0 + 0.5) / 3, 12);
    expect(s.acc).toBeCloseTo(2 / 3, 12);
    // The whole generation of q2 contains "yes" in its chain.
    expect(s.accWholeGeneration).toBe(1);
    // Recall: q1 1 (a, d), q2 1/2 (by titles: Ta yes, Tz no), q3 has no gold.
    expect(s.recall).toBeCloseTo(0.75, 12);
    expect(s.recallTraces).toBe(2);
    // Duplicativeness over traces that retrieved: q1 2/6, q2 1/4.
    expect(s.duplicativeness).toBeCloseTo((2 / 6 + 1 / 4) / 2, 12);
    expect(s.steps.mean).toBeCloseTo((3 + 2 + 0) / 3, 12);
    expect(s.latencyMs).toBe(200);
    expect(s.failed).toBe(1);
    expect(s.perTrace.map((t) => [t.questionId, t.em, t.retrievalSteps])).toEqual([
      ['q1', 1, 3],
      ['q2', 0, 2],
      ['q3', 0, 0],
    ]);
  });

  it('accepts the questions as a map, and names a trace whose question is missing', () => {
    const byId = new Map(questions.map((q) => [q.id, q]));
    expect(scoreTraces(traces, byId).em).toBeCloseTo(1 / 3, 12);
    expect(() => scoreTraces(traces, questions.slice(0, 2))).toThrow(/trace #2 is for question "q3"/);
  });

  it('scores an empty set as zeros with no recall', () => {
    const s = scoreTraces([], questions);
    expect([s.traces, s.em, s.f1, s.acc, s.recall, s.duplicativeness]).toEqual([0, 0, 0, 0, null, 0]);
  });
});
