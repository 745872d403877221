import { describe, expect, it } from 'vitest';
import { OFFLINE_JUDGE_LABEL, OfflineEvidenceJudge } from '../src';
import { BLUE_HARBOR_EVIDENCE, blueHarbor, makeQuestion, makeTrace } from './fixtures/evaluation/traces';

const judge = new OfflineEvidenceJudge();

describe('offline evidence judge: reasoning stages', () => {
  it('a correct IRCoT chain scores 1/1/1 and is labelled as the offline judge', async () => {
    const trace = makeTrace({
      chain: ['Blue Harbor is a 1990 drama film directed by Ada Reyes.', 'Ada Reyes was born in Velmore.'],
      finalOutput: ' So the answer is: Velmore.',
    });
    const verdict = await judge.judgeStages(trace, blueHarbor());
    expect(verdict).toMatchObject({ initialization: 1, expansion: 1, aggregation: 1 });
    expect(verdict.judge).toBe('offline evidence judge (no LM)');
    expect(verdict.judge).toBe(OFFLINE_JUDGE_LABEL);
    expect(verdict.raw).toContain('initialization 1: first-hop facts stated or asked at step 1: evidence[0]');
  });

  it('a wrong first hop fails initialization, and what follows from it fails too', async () => {
    const trace = makeTrace({
      chain: ['Blue Harbor was directed by Tomas Hale.', 'Tomas Hale was born in Corvel.'],
      finalOutput: ' So the answer is: Corvel.',
    });
    const verdict = await judge.judgeStages(trace, blueHarbor());
    expect(verdict).toMatchObject({ initialization: 0, expansion: 0, aggregation: 0 });
  });

  it('a right guess without the chain: aggregation 0 (the answer does not follow)', async () => {
    const trace = makeTrace({
      chain: ['Blue Harbor was directed by Ada Reyes.', 'I cannot find where Ada Reyes was born.'],
      finalOutput: ' So the answer is: Velmore.',
    });
    const verdict = await judge.judgeStages(trace, blueHarbor());
    expect(verdict).toMatchObject({ initialization: 1, expansion: 0, aggregation: 0 });
    expect(verdict.raw).toContain('facts never stated: evidence[1]');
  });

  it('the last hop stated at aggregation still counts for aggregation; no expansion step → N/A', async () => {
    const trace = makeTrace({
      chain: ['Blue Harbor was directed by Ada Reyes.'],
      finalOutput: ' Ada Reyes was born in Velmore. So the answer is: Velmore.',
    });
    const verdict = await judge.judgeStages(trace, blueHarbor());
    expect(verdict).toMatchObject({ initialization: 1, expansion: null, aggregation: 1 });
    expect(verdict.raw).toContain('expansion N/A');
  });

  it('a dependent hop stated before the hop it depends on fails expansion', async () => {
    const trace = makeTrace({
      chain: ['Velmore is a town.', 'Someone was born in Velmore.', 'Blue Harbor was directed by Ada Reyes.'],
      finalOutput: ' So the answer is: Velmore.',
    });
    const verdict = await judge.judgeStages(trace, blueHarbor());
    expect(verdict.initialization).toBe(0);
    expect(verdict.expansion).toBe(0);
    expect(verdict.raw).toContain('stated before the hop they depend on: evidence[1]');
  });

  it('comparison: either compared entity is a correct first hop, order between them is free', async () => {
    const question = makeQuestion({
      id: 'q-cmp',
      question: 'Who was born later, Ursula Varanridge or Winifred Morstead?',
      answers: ['Ursula Varanridge'],
      evidence: [
        {
          text: 'The date of birth of Ursula Varanridge is 27 October 1930.',
          passageTitle: 'Ursula Varanridge',
          answer: '27 October 1930',
        },
        {
          text: 'The date of birth of Winifred Morstead is 14 November 1921.',
          passageTitle: 'Winifred Morstead',
          answer: '14 November 1921',
        },
      ],
    });
    const trace = makeTrace({
      questionId: 'q-cmp',
      question: question.question,
      answers: question.answers,
      chain: [
        'Winifred Morstead was born on 14 November 1921.',
        'Ursula Varanridge was born on 27 October 1930.',
      ],
      finalOutput: ' So the answer is: Ursula Varanridge.',
    });
    expect(await judge.judgeStages(trace, question)).toMatchObject({
      initialization: 1,
      expansion: 1,
      aggregation: 1,
    });
  });

  it('two facts with the same answer are told apart by their subjects', async () => {
    const question = makeQuestion({
      id: 'q-same',
      question: 'Were Astrid Morelcott and Dashiell Norinthorne born in the same city?',
      answers: ['yes'],
      evidence: [
        {
          text: 'Astrid Morelcott was born in Nevavale.',
          passageTitle: 'Astrid Morelcott',
          subQuestion: 'Where was Astrid Morelcott born?',
          answer: 'Nevavale',
        },
        {
          text: 'Dashiell Norinthorne was born in Nevavale.',
          passageTitle: 'Dashiell Norinthorne',
          subQuestion: 'Where was Dashiell Norinthorne born?',
          answer: 'Nevavale',
        },
      ],
    });
    const spec = { questionId: 'q-same', question: question.question, answers: ['yes'] };
    const both = makeTrace({
      ...spec,
      chain: ['Astrid Morelcott is a native of Nevavale.', 'Dashiell Norinthorne was born in Nevavale.'],
      finalOutput: ' So the answer is: yes',
    });
    expect(await judge.judgeStages(both, question)).toMatchObject({
      initialization: 1,
      expansion: 1,
      aggregation: 1,
    });
    expect((await judge.judgeRationale(both, question)).answered).toEqual([true, true]);
    // One mention of the shared city states one fact, not both.
    const once = makeTrace({
      ...spec,
      chain: ['Astrid Morelcott is a native of Nevavale.'],
      finalOutput: ' So the answer is: yes',
    });
    expect((await judge.judgeStages(once, question)).aggregation).toBe(0);
    expect((await judge.judgeRationale(once, question)).answered).toEqual([true, false]);
  });

  it('Self-Ask: r_1 asks the first sub-question, later units answer it', async () => {
    const good = makeTrace({
      loop: 'self-ask',
      chain: [
        'Yes.\nFollow up: Who is the director of Blue Harbor?',
        'Intermediate answer: Ada Reyes.\nFollow up: Where was Ada Reyes born?',
        'Intermediate answer: Velmore.',
      ],
      finalOutput: '\nSo the final answer is: Velmore',
    });
    expect(await judge.judgeStages(good, blueHarbor())).toMatchObject({
      initialization: 1,
      expansion: 1,
      aggregation: 1,
    });
    const offTrack = makeTrace({
      loop: 'self-ask',
      chain: ['Yes.\nFollow up: When was Velmore founded?', 'Intermediate answer: 1820.'],
      finalOutput: '\nSo the final answer is: 1820',
    });
    expect(await judge.judgeStages(offTrack, blueHarbor())).toMatchObject({
      initialization: 0,
      expansion: 0,
      aggregation: 0,
    });
  });

  it('a fact whose answer the question already names is matched by its sentence instead', async () => {
    const question = makeQuestion({
      question: 'Is Ada Reyes the director of Blue Harbor?',
      answers: ['yes'],
      evidence: [
        {
          text: 'The director of Blue Harbor is Ada Reyes.',
          passageTitle: 'Blue Harbor',
          answer: 'Ada Reyes',
        },
      ],
    });
    const echo = makeTrace({
      question: question.question,
      chain: ['Ada Reyes is a person.'],
      finalOutput: ' So the answer is: yes',
    });
    const stated = makeTrace({
      question: question.question,
      chain: ['The director of Blue Harbor is Ada Reyes.'],
      finalOutput: ' So the answer is: yes',
    });
    expect((await judge.judgeStages(echo, question)).initialization).toBe(0);
    expect((await judge.judgeStages(stated, question)).initialization).toBe(1);
  });

  it('single-step output (no kept chain): the reasoning before the flag is judged, not the answer', async () => {
    const reasoned = makeTrace({
      loop: 'single-step',
      chain: [],
      finalOutput:
        ' Blue Harbor was directed by Ada Reyes, who was born in Velmore. So the answer is: Velmore.',
    });
    const bare = makeTrace({ loop: 'single-step', chain: [], finalOutput: ' So the answer is: Velmore.' });
    expect(await judge.judgeStages(reasoned, blueHarbor())).toMatchObject({
      initialization: 1,
      expansion: null,
      aggregation: 1,
    });
    expect(await judge.judgeStages(bare, blueHarbor())).toMatchObject({
      initialization: 0,
      expansion: null,
      aggregation: 0,
    });
  });

  it('refuses questions without gold evidence, and bad options', async () => {
    const trace = makeTrace({ chain: ['x'], finalOutput: ' So the answer is: Velmore' });
    await expect(judge.judgeStages(trace, makeQuestion({ evidence: [] }))).rejects.toThrow(
      /has no gold evidence; the offline judge scores from evidence/,
    );
    expect(() => new OfflineEvidenceJudge({ factRecall: 0 })).toThrow(/factRecall must be in \(0, 1\]/);
  });
});

describe('offline evidence judge: rationale validity', () => {
  it('a sub-question is answered when the rationale names its answer', async () => {
    const both = makeTrace({
      chain: ['Blue Harbor was directed by Ada Reyes.', 'She was born in Velmore.'],
      finalOutput: ' So the answer is: Velmore.',
    });
    const secondOnly = makeTrace({
      chain: ['The film is old.', 'She was born in Velmore.'],
      finalOutput: ' So the answer is: Velmore.',
    });
    const bareAnswer = makeTrace({ chain: ['The film is old.'], finalOutput: ' So the answer is: Velmore.' });
    const neither = makeTrace({ chain: ['The film is old.'], finalOutput: ' So the answer is: Corvel.' });
    const q = blueHarbor();
    expect((await judge.judgeRationale(both, q)).answered).toEqual([true, true]);
    expect((await judge.judgeRationale(secondOnly, q)).answered).toEqual([false, true]);
    // The final answer alone does not answer the last sub-question: it would credit a bare guess.
    expect((await judge.judgeRationale(bareAnswer, q)).answered).toEqual([false, false]);
    const verdict = await judge.judgeRationale(neither, q);
    expect(verdict.answered).toEqual([false, false]);
    expect(verdict.judge).toBe(OFFLINE_JUDGE_LABEL);
    expect(verdict.raw).toContain('answer "Ada Reyes" not stated');
  });

  it('needs sub-questions with answers', async () => {
    const trace = makeTrace({ chain: ['x'], finalOutput: ' So the answer is: Velmore' });
    const noSub = makeQuestion({ evidence: [{ text: 'A fact.', passageTitle: 'Blue Harbor' }] });
    await expect(judge.judgeRationale(trace, noSub)).rejects.toThrow(/has no sub-questions/);
    const noAnswer = makeQuestion({ evidence: [{ ...BLUE_HARBOR_EVIDENCE[0]!, answer: undefined }] });
    await expect(judge.judgeRationale(trace, noAnswer)).rejects.toThrow(
      /evidence\[0\] has a sub-question but no answer/,
    );
  });
});
