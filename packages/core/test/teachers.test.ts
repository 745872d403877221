import { describe, expect, it } from 'vitest';
import {
  EvidenceTeacher,
  type GenerationContext,
  normalizeAnswer,
  type Passage,
  QuestionSchema,
  runLoop,
} from '../src';
import { harborQuestion, OverlapRetriever, WORLD } from './loops-kit';

const byId = (...ids: string[]): Passage[] => ids.map((id) => WORLD.find((p) => p.id === id)!);
const R1 = 'Blue Harbor was directed by Ada Reyes.';
const R2 = 'Ada Reyes was born in Velmore.';

function ctx(overrides: Partial<GenerationContext>): GenerationContext {
  return {
    loop: 'ircot',
    stage: 'exp',
    step: 2,
    question: harborQuestion(),
    passages: [],
    chain: [],
    ...overrides,
  };
}

const sure = new EvidenceTeacher();
const giveUp = new EvidenceTeacher({ guessShare: 0 });
const guesser = new EvidenceTeacher({ guessShare: 1 });

describe('EvidenceTeacher: grounding', () => {
  it('says what it is', () => {
    expect(sure.label).toBe('evidence teacher (offline, no LM)');
  });

  it('states the next fact only when its passage is accessible', () => {
    expect(sure.respond(ctx({ stage: 'init', step: 1, passages: byId('p-harbor', 'p-tom') }))).toBe(` ${R1}`);
    expect(sure.respond(ctx({ chain: [R1], passages: byId('p-harbor', 'p-tom', 'p-ada') }))).toBe(` ${R2}`);
    for (const teacher of [sure, giveUp, guesser]) {
      expect(teacher.respond(ctx({ chain: [R1], passages: byId('p-harbor', 'p-tom') }))).not.toContain(R2);
    }
  });

  it('without the passage it says it cannot find it, or guesses a wrong value from what it saw', () => {
    const missing = ctx({ chain: [R1], passages: byId('p-harbor', 'p-tom', 'p-red') });
    expect(giveUp.respond(missing)).toBe(' The passages do not answer "Where was Ada Reyes born?".');
    const guess = guesser.respond(missing);
    const match = /^ Ada Reyes was born in (.+)\.$/.exec(guess);
    expect(match).not.toBeNull();
    expect(['Tom Li', 'Red Field']).toContain(match![1]);
  });

  it('matches the passage by id when the fact has one, else by title', () => {
    const sameTitleOtherId = [{ id: 'other', title: 'Blue Harbor', text: 'A different page.' }];
    expect(giveUp.respond(ctx({ stage: 'init', step: 1, passages: sameTitleOtherId }))).toContain(
      'do not answer',
    );
    const q = harborQuestion();
    const noIds = QuestionSchema.parse({
      ...q,
      evidence: q.evidence.map(({ passageId: _drop, ...fact }) => fact),
    });
    expect(sure.respond(ctx({ stage: 'init', step: 1, question: noIds, passages: sameTitleOtherId }))).toBe(
      ` ${R1}`,
    );
  });

  it('is deterministic per question and step, and uses both failure modes across questions', () => {
    const missing = (id: string, step: number) =>
      ctx({
        question: harborQuestion({ id }),
        step,
        chain: [R1],
        passages: byId('p-harbor', 'p-tom', 'p-red'),
      });
    expect(sure.respond(missing('a', 2))).toBe(sure.respond(missing('a', 2)));
    const outputs = Array.from({ length: 40 }, (_, i) => sure.respond(missing(`q${i}`, 2)));
    expect(outputs.some((o) => o.includes('do not answer'))).toBe(true);
    expect(outputs.some((o) => o.startsWith(' Ada Reyes was born in '))).toBe(true);
  });

  it('refuses a guess share outside [0, 1]', () => {
    expect(() => new EvidenceTeacher({ guessShare: 2 })).toThrow(/guessShare/);
  });
});

describe('EvidenceTeacher: answers', () => {
  it('once every fact is stated from passages it writes the flag with the gold answer', () => {
    expect(sure.respond(ctx({ step: 3, chain: [R1, R2], passages: byId('p-harbor', 'p-ada') }))).toBe(
      ' So the answer is: Velmore',
    );
    expect(
      sure.respond(ctx({ stage: 'agg', step: 3, chain: [R1, R2], passages: byId('p-harbor', 'p-ada') })),
    ).toBe(' So the answer is: Velmore');
  });

  it('after a wrong guess it answers with the guessed value', () => {
    const guessed = 'Ada Reyes was born in Tom Li.';
    const out = sure.respond(ctx({ step: 3, chain: [R1, guessed], passages: byId('p-harbor', 'p-tom') }));
    expect(out).toBe(' So the answer is: Tom Li');
  });

  it('after "cannot find" it gives up with a wrong answer', () => {
    const out = sure.respond(
      ctx({
        step: 3,
        chain: [R1, 'The passages do not answer "Where was Ada Reyes born?".'],
        passages: byId('p-harbor', 'p-tom'),
      }),
    );
    expect(out.startsWith(' So the answer is: ')).toBe(true);
    expect(normalizeAnswer(out.replace(' So the answer is: ', ''))).not.toBe('velmore');
  });

  it('at aggregation it states what is missing and grounded, then concludes', () => {
    expect(
      sure.respond(ctx({ stage: 'agg', step: 2, chain: [R1], passages: byId('p-harbor', 'p-ada') })),
    ).toBe(` ${R2} So the answer is: Velmore`);
    const blind = giveUp.respond(
      ctx({ stage: 'agg', step: 2, chain: [R1], passages: byId('p-harbor', 'p-tom') }),
    );
    expect(blind).toContain('do not answer');
    expect(blind).not.toContain('So the answer is: Velmore');
  });

  it('with no evidence it answers gold only when a passage contains it', () => {
    const bare = harborQuestion({ evidence: [] });
    expect(sure.respond(ctx({ stage: 'agg', step: 1, question: bare, passages: byId('p-ada') }))).toBe(
      ' So the answer is: Velmore',
    );
    const out = sure.respond(
      ctx({ stage: 'agg', step: 1, question: bare, passages: byId('p-tom', 'p-red') }),
    );
    expect(out).not.toContain('Velmore');
  });

  it('guesses the opposite of a yes/no answer', () => {
    const yesNo = harborQuestion({ answers: ['no'], evidence: [] });
    expect(sure.respond(ctx({ stage: 'agg', step: 1, question: yesNo, passages: byId('p-tom') }))).toBe(
      ' So the answer is: yes',
    );
  });

  it('honours cancellation', async () => {
    const abort = new AbortController();
    abort.abort();
    await expect(
      sure.generate({ prompt: '', stop: [], maxTokens: 10, context: ctx({}) }, abort.signal),
    ).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('EvidenceTeacher: Self-Ask format', () => {
  const sa = (o: Partial<GenerationContext>) => ctx({ loop: 'self-ask', ...o });
  const U1 = 'Yes.\nFollow up: Who directed Blue Harbor?';

  it('asks first, then answers from passages and asks the next question ("#1" filled in)', () => {
    expect(sure.respond(sa({ stage: 'init', step: 1, passages: byId('p-tom') }))).toBe(` ${U1}`);
    expect(sure.respond(sa({ chain: [U1], passages: byId('p-harbor', 'p-tom') }))).toBe(
      `\nIntermediate answer: ${R1}\nFollow up: Where was Ada Reyes born?`,
    );
    const U2 = `Intermediate answer: ${R1}\nFollow up: Where was Ada Reyes born?`;
    expect(sure.respond(sa({ step: 3, chain: [U1, U2], passages: byId('p-ada') }))).toBe(
      `\nIntermediate answer: ${R2}\nSo the final answer is: Velmore`,
    );
    const U3 = `Intermediate answer: ${R2}`;
    expect(sure.respond(sa({ step: 4, chain: [U1, U2, U3], passages: byId('p-ada') }))).toBe(
      '\nSo the final answer is: Velmore',
    );
  });

  it('a wrong guess carries into the next follow-up question', () => {
    const out = guesser.respond(sa({ chain: [U1], passages: byId('p-tom', 'p-velmore') }));
    const m =
      /^\nIntermediate answer: Blue Harbor was directed by (.+)\.\nFollow up: Where was (.+) born\?$/.exec(
        out,
      );
    expect(m).not.toBeNull();
    expect(m![1]).toBe(m![2]);
    expect(m![1]).not.toBe('Ada Reyes');
  });

  it('at aggregation with an empty chain it asks and answers in one go', () => {
    expect(sure.respond(sa({ stage: 'agg', step: 1, passages: byId('p-harbor', 'p-ada') }))).toBe(
      ` ${U1}\nIntermediate answer: ${R1}\nFollow up: Where was Ada Reyes born?\nIntermediate answer: ${R2}\nSo the final answer is: Velmore`,
    );
  });
});

describe('EvidenceTeacher in the IRCoT loop', () => {
  it('states facts only from passages the loop retrieved, and fails when retrieval misses', async () => {
    for (const topK of [1, 2]) {
      const trace = await runLoop(harborQuestion(), {
        retriever: new OverlapRetriever(WORLD),
        generator: new EvidenceTeacher(),
        config: { loop: 'ircot', topK },
      });
      const q = harborQuestion();
      trace.chain.forEach((sentence, i) => {
        const fact = q.evidence.find((f) => f.text === sentence);
        if (fact) expect(trace.steps[i]!.accessibleIds).toContain(fact.passageId);
      });
      if (topK === 2) {
        expect(trace.chain).toEqual([R1, R2]);
        expect(trace).toMatchObject({ prediction: 'Velmore', earlyStop: true, aggregatedAt: 3 });
      } else {
        // With one passage a step, fact 2's passage is missing when it is needed: no gold answer.
        expect(trace.steps[1]!.accessibleIds).not.toContain('p-ada');
        expect(trace.chain).not.toContain(R2);
        expect(trace.prediction).not.toBe('Velmore');
      }
    }
  });
});
