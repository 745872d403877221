import { describe, expect, it } from 'vitest';
import {
  defaultDemonstrations,
  type GenerateRequest,
  LoopStepError,
  renderAggregationPrompt,
  renderAnswerLead,
  renderChain,
  renderStudentPrompt,
  renderTeacherPrompt,
  runLoop,
  TraceSchema,
} from '../src';
import { harborQuestion, OverlapRetriever, ScriptedGenerator, WORLD } from './loops-kit';

const Q = harborQuestion();
const R1 = 'Blue Harbor was directed by Ada Reyes.';
const R2 = 'Ada Reyes was born in Velmore.';

function ids(passages: { id: string }[]): string[] {
  return passages.map((p) => p.id);
}

describe('IRCoT loop (DESIGN.md §2)', () => {
  it('runs to step S: retrieves from r_S−1, then aggregates over P_≤S', async () => {
    const retriever = new OverlapRetriever(WORLD);
    const gen = new ScriptedGenerator([
      ` ${R1} More.`,
      ` ${R2}`,
      ' Thus Velmore. So the answer is: Velmore.',
    ]);
    const trace = await runLoop(Q, {
      retriever,
      generator: gen,
      config: { loop: 'ircot', maxSteps: 3, topK: 2 },
    });
    expect(() => TraceSchema.parse(trace)).not.toThrow();
    expect(trace.steps.map((s) => s.stage)).toEqual(['init', 'exp', 'agg']);
    expect(trace.steps.map((s) => s.query)).toEqual([Q.question, R1, R2]);
    expect(retriever.calls.map((c) => c.query)).toEqual([Q.question, R1, R2]);
    expect(trace.chain).toEqual([R1, R2]);
    expect(trace.aggregatedAt).toBe(3);
    expect(trace.earlyStop).toBe(false);
    const agg = trace.steps[2]!;
    expect(agg.retrieved.length).toBeGreaterThan(0);
    expect(agg.accessibleIds).toEqual(ids(gen.requests[2]!.context.passages));
    const passagesAtS = gen.requests[2]!.context.passages;
    expect(agg.prompt).toBe(
      renderAggregationPrompt('ircot', defaultDemonstrations('ircot'), Q.question, passagesAtS, [R1, R2]),
    );
    expect(gen.requests[2]!.context).toMatchObject({ stage: 'agg', step: 3, chain: [R1, R2] });
    expect(trace.finalOutput).toBe('Thus Velmore. So the answer is: Velmore.');
    expect(trace.prediction).toBe('Velmore');
    expect(trace.generator).toBe('scripted (test)');
  });

  it('keeps r_1 even when it carries the answer flag; the flag counts from step 2', async () => {
    const retriever = new OverlapRetriever(WORLD);
    const gen = new ScriptedGenerator([
      ' So the answer is: Velmore.',
      ` ${R2}`,
      ' So the answer is: Velmore',
    ]);
    const trace = await runLoop(Q, {
      retriever,
      generator: gen,
      config: { loop: 'ircot', maxSteps: 3, topK: 2 },
    });
    expect(trace.chain[0]).toBe('So the answer is: Velmore.');
    expect(trace.steps[0]!.stage).toBe('init');
    expect(trace.steps[1]!.query).toBe('So the answer is: Velmore.');
    expect(trace.aggregatedAt).toBe(3);
  });

  it('stops early at s when r_s carries the flag: keeps R_≤s−1, aggregates over P_≤s', async () => {
    const retriever = new OverlapRetriever(WORLD);
    const gen = new ScriptedGenerator([
      ` ${R1}`,
      ` ${R2}`,
      ' So the answer is: Velmore.',
      ' So the answer is: Velmore',
    ]);
    const trace = await runLoop(Q, {
      retriever,
      generator: gen,
      config: { loop: 'ircot', maxSteps: 5, topK: 2 },
    });
    expect(trace.earlyStop).toBe(true);
    expect(trace.aggregatedAt).toBe(3);
    expect(trace.chain).toEqual([R1, R2]);
    expect(trace.steps).toHaveLength(3);
    const stop = trace.steps[2]!;
    expect(stop.stage).toBe('agg');
    expect(stop.query).toBe(R2);
    expect(stop.discardedOutput).toBe(' So the answer is: Velmore.');
    expect(stop.output).toBe(' So the answer is: Velmore');
    // Aggregation saw exactly P_≤3 and R_≤2.
    const aggRequest = gen.requests[3]!;
    expect(aggRequest.context.stage).toBe('agg');
    expect(ids(aggRequest.context.passages)).toEqual(stop.accessibleIds);
    expect(aggRequest.context.chain).toEqual([R1, R2]);
    expect(retriever.calls).toHaveLength(3);
    expect(trace.prediction).toBe('Velmore');
  });

  it('flags passages retrieved again as seenBefore, never excludes them, drops them from P_≤s only', async () => {
    const retriever = new OverlapRetriever(WORLD);
    const gen = new ScriptedGenerator([` ${R1}`, ` ${R1}`, ' So the answer is: Ada Reyes']);
    const trace = await runLoop(Q, {
      retriever,
      generator: gen,
      config: { loop: 'ircot', maxSteps: 3, topK: 2 },
    });
    for (const call of retriever.calls) expect(call.exclude).toBeUndefined();
    const [s1, s2, s3] = trace.steps;
    expect(ids(s1!.retrieved)).toEqual(['p-harbor', 'p-tom']);
    expect(s1!.retrieved.map((p) => p.seenBefore)).toEqual([false, false]);
    expect(ids(s2!.retrieved)).toEqual(['p-harbor', 'p-ada']);
    expect(s2!.retrieved.map((p) => p.seenBefore)).toEqual([true, false]);
    expect(s2!.accessibleIds).toEqual(['p-harbor', 'p-tom', 'p-ada']);
    expect(s3!.retrieved.every((p) => p.seenBefore)).toBe(true);
    expect(s3!.accessibleIds).toEqual(s2!.accessibleIds);
    expect(s1!.retrieved.map((p) => p.rank)).toEqual([0, 1]);
    expect(s1!.retrieved.map((p) => p.isGold)).toEqual([true, false]);
    expect(s1!.retrieved[0]!.score).toBeGreaterThan(0);
  });

  it('records the exact teacher prompt per step and the structured context', async () => {
    const retriever = new OverlapRetriever(WORLD);
    const gen = new ScriptedGenerator([` ${R1}`, ` ${R2}`, ' So the answer is: Velmore']);
    const trace = await runLoop(Q, {
      retriever,
      generator: gen,
      config: { loop: 'ircot', maxSteps: 3, topK: 2 },
    });
    const demos = defaultDemonstrations('ircot');
    expect(trace.steps[1]!.prompt).toBe(
      renderTeacherPrompt('ircot', demos, Q.question, gen.requests[1]!.context.passages, [R1]),
    );
    expect(gen.requests[1]!).toMatchObject({ stop: ['\n'], maxTokens: 128 });
    expect(gen.requests[1]!.context).toMatchObject({ loop: 'ircot', stage: 'exp', step: 2, chain: [R1] });
    for (const s of trace.steps) {
      expect(s.retrievalMs).toBeGreaterThanOrEqual(0);
      expect(s.generationMs).toBeGreaterThanOrEqual(0);
    }
    expect(trace.steps[0]!.sentence).toBe(R1);
    expect(trace.steps[2]!.sentence).toBe('');
  });

  it('with S = 1 retrieves with q and aggregates at once', async () => {
    const retriever = new OverlapRetriever(WORLD);
    const gen = new ScriptedGenerator([' So the answer is: Velmore']);
    const trace = await runLoop(Q, {
      retriever,
      generator: gen,
      config: { loop: 'ircot', maxSteps: 1, topK: 2 },
    });
    expect(trace.steps.map((s) => s.stage)).toEqual(['agg']);
    expect(trace.chain).toEqual([]);
    expect(trace.aggregatedAt).toBe(1);
  });
});

describe('Self-Ask loop', () => {
  it('queries with the last follow-up question and keeps units as steps', async () => {
    const retriever = new OverlapRetriever(WORLD);
    const gen = new ScriptedGenerator([
      ' Yes.\nFollow up: Who directed Blue Harbor?\nIntermediate answer: Ada Reyes',
      '\nIntermediate answer: Blue Harbor was directed by Ada Reyes.\nFollow up: Where was Ada Reyes born?',
      '\nIntermediate answer: Ada Reyes was born in Velmore.\nSo the final answer is: Velmore',
      '\nSo the final answer is: Velmore',
      '\nSo the final answer is: Velmore',
    ]);
    const trace = await runLoop(Q, {
      retriever,
      generator: gen,
      config: { loop: 'self-ask', maxSteps: 5, topK: 2 },
    });
    expect(trace.steps.map((s) => s.query)).toEqual([
      Q.question,
      'Who directed Blue Harbor?',
      'Where was Ada Reyes born?',
      'Where was Ada Reyes born?',
    ]);
    expect(trace.chain).toEqual([
      'Yes.\nFollow up: Who directed Blue Harbor?',
      'Intermediate answer: Blue Harbor was directed by Ada Reyes.\nFollow up: Where was Ada Reyes born?',
      'Intermediate answer: Ada Reyes was born in Velmore.',
    ]);
    expect(trace.steps[1]).toMatchObject({
      followUp: 'Where was Ada Reyes born?',
      intermediateAnswer: 'Blue Harbor was directed by Ada Reyes.',
    });
    expect(trace.earlyStop).toBe(true);
    expect(trace.aggregatedAt).toBe(4);
    expect(trace.steps[3]!.retrieved.every((p) => p.seenBefore)).toBe(true);
    expect(gen.requests[0]!.stop).toContain('\n#');
    expect(trace.prediction).toBe('Velmore');
  });

  it('falls back to the question when no follow-up was asked', async () => {
    const retriever = new OverlapRetriever(WORLD);
    const gen = new ScriptedGenerator([
      ' No.\nSo the final answer is: Velmore',
      '\nSo the final answer is: Velmore',
      ' x',
    ]);
    const trace = await runLoop(Q, {
      retriever,
      generator: gen,
      config: { loop: 'self-ask', maxSteps: 3, topK: 2 },
    });
    expect(trace.chain).toEqual(['No.\nSo the final answer is: Velmore']);
    expect(trace.steps[1]!.query).toBe(Q.question);
    expect(trace.aggregatedAt).toBe(2);
  });
});

describe('student prompt style', () => {
  it('prompts are renderStudentPrompt(q, P_≤s) + renderChain(R_≤s−1); step S hands over the flag', async () => {
    const retriever = new OverlapRetriever(WORLD);
    const gen = new ScriptedGenerator([` ${R1}`, ` ${R2}`, ' Velmore\nQ: more']);
    const trace = await runLoop(Q, {
      retriever,
      generator: gen,
      config: { loop: 'ircot', maxSteps: 3, topK: 2, promptStyle: 'student' },
    });
    const p = (i: number) => gen.requests[i]!.context.passages;
    expect(trace.steps[0]!.prompt).toBe(renderStudentPrompt('ircot', Q.question, p(0)));
    expect(trace.steps[1]!.prompt).toBe(
      renderStudentPrompt('ircot', Q.question, p(1)) + renderChain('ircot', [R1]),
    );
    expect(trace.steps[2]!.prompt).toBe(
      renderStudentPrompt('ircot', Q.question, p(2)) + renderAnswerLead('ircot', [R1, R2]),
    );
    expect(trace.steps[2]!.prompt.endsWith('Ada Reyes was born in Velmore. So the answer is:')).toBe(true);
    expect(trace.finalOutput).toBe('So the answer is: Velmore');
    expect(trace.prediction).toBe('Velmore');
  });

  it('a student that writes the flag has answered: no second call at an early stop', async () => {
    const retriever = new OverlapRetriever(WORLD);
    const gen = new ScriptedGenerator([` ${R1}`, ' So the answer is: Velmore']);
    const trace = await runLoop(Q, {
      retriever,
      generator: gen,
      config: { loop: 'ircot', maxSteps: 5, topK: 2, promptStyle: 'student' },
    });
    expect(gen.requests).toHaveLength(2);
    expect(trace).toMatchObject({ earlyStop: true, aggregatedAt: 2, chain: [R1], prediction: 'Velmore' });
    expect(trace.steps[1]!.stage).toBe('agg');
  });
});

describe('baselines', () => {
  it('single-step RAG: one retrieval with q, one generation over P_1', async () => {
    const retriever = new OverlapRetriever(WORLD);
    const gen = new ScriptedGenerator([` ${R1} ${R2} So the answer is: Velmore.`]);
    const trace = await runLoop(Q, { retriever, generator: gen, config: { loop: 'single-step', topK: 2 } });
    expect(retriever.calls).toHaveLength(1);
    expect(trace.steps).toHaveLength(1);
    expect(trace.steps[0]).toMatchObject({
      stage: 'agg',
      query: Q.question,
      accessibleIds: ['p-harbor', 'p-tom'],
    });
    expect(trace).toMatchObject({ aggregatedAt: 1, chain: [], earlyStop: false, prediction: 'Velmore' });
  });

  it('no retrieval: no query, no passages, demonstrations without passages', async () => {
    const gen = new ScriptedGenerator([' So the answer is: Velmore']);
    const trace = await runLoop(Q, { generator: gen, config: { loop: 'no-retrieval' } });
    expect(trace.steps[0]).toMatchObject({ query: null, retrieved: [], accessibleIds: [] });
    expect(trace.steps[0]!.prompt).not.toContain('Wikipedia Title');
    expect(trace.prediction).toBe('Velmore');
  });
});

describe('failures and cancellation', () => {
  it('a generator error surfaces with the question and step', async () => {
    const retriever = new OverlapRetriever(WORLD);
    const gen = new ScriptedGenerator((_req: GenerateRequest, call: number) => {
      if (call === 1) throw new Error('HTTP 500 from the teacher server');
      return ` ${R1}`;
    });
    const run = runLoop(Q, { retriever, generator: gen, config: { loop: 'ircot', topK: 2 } });
    await expect(run).rejects.toBeInstanceOf(LoopStepError);
    await expect(run).rejects.toMatchObject({ step: 2, stage: 'exp', part: 'generator' });
    await expect(run).rejects.toThrow(
      /question q-harbor, step 2 \(exp\): generator "scripted \(test\)" failed: HTTP 500/,
    );
  });

  it('a loop that retrieves needs a retriever', async () => {
    const gen = new ScriptedGenerator([' x']);
    await expect(runLoop(Q, { generator: gen, config: { loop: 'ircot' } })).rejects.toThrow(
      /needs a retriever/,
    );
  });

  it('cancels through the AbortSignal, before and during a run', async () => {
    const retriever = new OverlapRetriever(WORLD);
    const early = new AbortController();
    early.abort();
    await expect(
      runLoop(
        Q,
        { retriever, generator: new ScriptedGenerator([' x']), config: { loop: 'ircot' } },
        early.signal,
      ),
    ).rejects.toMatchObject({ name: 'AbortError' });
    expect(retriever.calls).toHaveLength(0);

    const mid = new AbortController();
    const gen = new ScriptedGenerator((_req, call) => {
      if (call === 1) mid.abort();
      return ` ${R1}`;
    });
    await expect(
      runLoop(Q, { retriever, generator: gen, config: { loop: 'ircot' } }, mid.signal),
    ).rejects.toMatchObject({
      name: 'AbortError',
    });
    expect(gen.requests).toHaveLength(2);
  });

  it('a bad config is refused by its schema', async () => {
    const gen = new ScriptedGenerator([' x']);
    await expect(runLoop(Q, { generator: gen, config: { loop: 'ircot', maxSteps: 0 } })).rejects.toThrow(
      /maxSteps/,
    );
  });
});
