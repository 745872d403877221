import { describe, expect, it } from 'vitest';
import {
  answeredCorrectly,
  JudgeOutputError,
  LmJudge,
  OFFLINE_JUDGE_LABEL,
  type RationaleVerdict,
  rationaleJudgeInput,
  renderRationaleJudgePrompt,
  renderStageJudgePrompt,
  type StageVerdict,
  sqaScore,
  stageJudgeInput,
  summarizeRationaleVerdicts,
  summarizeStageVerdicts,
} from '../src';
import { blueHarbor, makeTrace } from './fixtures/evaluation/traces';
import { ScriptedGenerator } from './loops-kit';

const stage = (
  questionId: string,
  i: 0 | 1,
  e: 0 | 1 | null,
  a: 0 | 1,
  judge = OFFLINE_JUDGE_LABEL,
): StageVerdict => ({
  questionId,
  judge,
  raw: '',
  initialization: i,
  expansion: e,
  aggregation: a,
});

const rationale = (
  questionId: string,
  answered: boolean[],
  judge = OFFLINE_JUDGE_LABEL,
): RationaleVerdict => ({
  questionId,
  judge,
  answered,
  raw: '',
});

const twoHop = makeTrace({
  chain: ['Blue Harbor was directed by Ada Reyes.', 'Ada Reyes was born in Velmore.'],
  finalOutput: ' So the answer is: Velmore.',
});

describe('per-stage judged scores', () => {
  it('averages each criterion, expansion over the traces that expanded', () => {
    const summary = summarizeStageVerdicts(
      [stage('a', 1, 1, 1), stage('b', 1, 0, 0), stage('c', 0, null, 0), stage('d', 1, null, 1)],
      { resamples: 500 },
    );
    expect(summary.judge).toBe(OFFLINE_JUDGE_LABEL);
    expect(summary.questions).toBe(4);
    expect(summary.initialization.mean).toBe(0.75);
    expect(summary.expansion).toMatchObject({ mean: 0.5, n: 2 });
    expect(summary.aggregation.mean).toBe(0.5);
    const ci = summary.initialization.ci!;
    expect(ci[0]).toBeLessThanOrEqual(0.75);
    expect(ci[1]).toBeGreaterThanOrEqual(0.75);
  });

  it('no verdicts, or no expansion anywhere, give null means rather than 0', () => {
    expect(summarizeStageVerdicts([]).initialization).toEqual({ mean: null, n: 0, ci: null });
    expect(summarizeStageVerdicts([stage('a', 1, null, 1)]).expansion.mean).toBeNull();
  });

  it('never averages two judges together', () => {
    expect(() => summarizeStageVerdicts([stage('a', 1, 1, 1), stage('b', 1, 1, 1, 'LM judge: gpt')])).toThrow(
      /two judges \("offline evidence judge \(no LM\)" and "LM judge: gpt", question "b"\)/,
    );
  });
});

describe('SQA and RI', () => {
  it('SQA is 1 with both sub-questions, 0.5 with one, 0 with none', () => {
    expect(sqaScore([true, true])).toBe(1);
    expect(sqaScore([true, false])).toBe(0.5);
    expect(sqaScore([false, true])).toBe(0.5);
    expect(sqaScore([false, false])).toBe(0);
    expect(() => sqaScore([])).toThrow(/no sub-questions/);
  });

  it('SQA averages over all questions, RI over the correctly answered ones', () => {
    const summary = summarizeRationaleVerdicts(
      [
        { verdict: rationale('q1', [true, true]), correct: true },
        { verdict: rationale('q2', [true, false]), correct: true },
        { verdict: rationale('q3', [false, false]), correct: false },
        { verdict: rationale('q4', [false, true]), correct: true },
        { verdict: rationale('q5', [true, true]), correct: false },
      ],
      { resamples: 500 },
    );
    // SQA: (1 + 0.5 + 0 + 0.5 + 1) / 5; RI: q1 of {q1, q2, q4}.
    expect(summary.sqa.mean).toBeCloseTo(0.6, 12);
    expect(summary.ri).toMatchObject({ n: 3 });
    expect(summary.ri.mean).toBeCloseTo(1 / 3, 12);
    expect(summary.correct).toBe(3);
    expect(summary.judge).toBe(OFFLINE_JUDGE_LABEL);
  });

  it('RI is undefined (null) when no question was answered correctly', () => {
    const summary = summarizeRationaleVerdicts([{ verdict: rationale('q1', [true, true]), correct: false }]);
    expect(summary.ri.mean).toBeNull();
    expect(summary.sqa.mean).toBe(1);
  });

  it('answeredCorrectly follows the chosen rule', () => {
    const loose = makeTrace({ chain: ['x'], finalOutput: ' So the answer is: the town of Velmore' });
    expect(answeredCorrectly(loose, blueHarbor(), 'acc')).toBe(true);
    expect(answeredCorrectly(loose, blueHarbor(), 'em')).toBe(false);
  });
});

describe('LmJudge over any Generator', () => {
  it('sends the rendered stage prompt and parses the reply', async () => {
    const generator = new ScriptedGenerator(['Initialization: 1\nExpansion: 0\nAggregation: 1']);
    const judge = new LmJudge(generator, { maxTokens: 32 });
    const verdict = await judge.judgeStages(twoHop, blueHarbor());
    expect(verdict).toMatchObject({
      initialization: 1,
      expansion: 0,
      aggregation: 1,
      questionId: 'q-blue-harbor',
    });
    expect(verdict.judge).toBe('LM judge: scripted (test)');
    expect(verdict.raw).toBe('Initialization: 1\nExpansion: 0\nAggregation: 1');
    const request = generator.requests[0]!;
    expect(request.prompt).toBe(renderStageJudgePrompt(stageJudgeInput(twoHop)));
    expect(request.maxTokens).toBe(32);
    expect(request.context.question.id).toBe('q-blue-harbor');
  });

  it('a trace without expansion steps gets expansion null whatever the judge wrote', async () => {
    const oneStep = makeTrace({
      chain: ['Blue Harbor was directed by Ada Reyes.'],
      finalOutput: ' So the answer is: Velmore.',
    });
    const judge = new LmJudge(new ScriptedGenerator(['Initialization: 1\nExpansion: 1\nAggregation: 1']));
    expect((await judge.judgeStages(oneStep, blueHarbor())).expansion).toBeNull();
  });

  it('sends the rationale prompt with the question’s sub-questions and parses the reply', async () => {
    const generator = new ScriptedGenerator(['Sub-question 1: yes\nSub-question 2: no']);
    const verdict = await new LmJudge(generator).judgeRationale(twoHop, blueHarbor());
    expect(verdict.answered).toEqual([true, false]);
    expect(generator.requests[0]!.prompt).toBe(
      renderRationaleJudgePrompt(rationaleJudgeInput(twoHop, blueHarbor())),
    );
  });

  it('an unusable reply surfaces as a JudgeOutputError', async () => {
    const judge = new LmJudge(new ScriptedGenerator(['As an AI, I cannot judge this.']));
    await expect(judge.judgeStages(twoHop, blueHarbor())).rejects.toBeInstanceOf(JudgeOutputError);
  });
});
