import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultDemonstrations, EvidenceTeacher, type Trace, type TraceStep } from '@steper/core';
import { describe, expect, it } from 'vitest';
import { AsyncQueue } from '../src/jobs/queue';
import { type LiveEvent, type LoopEvent, liveSteps, watchLoop } from '../src/routers/live';
import { callerFor, failure } from './support/caller';
import { smallDemo, tempDir, testWorkbench } from './support/workspace';

async function collect(stream: AsyncIterable<LiveEvent>): Promise<LiveEvent[]> {
  const events: LiveEvent[] = [];
  for await (const e of stream) events.push(e);
  return events;
}

/** A step without its timings: what a live step and the finished trace's step must agree on. */
const untimed = ({ retrievalMs: _r, generationMs: _g, ...rest }: TraceStep) => rest;

describe('live single-question runs', () => {
  it('lists the evidence teacher, named endpoints and exported students', async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'endpoints.json'),
      JSON.stringify({
        endpoints: { big: { baseURL: 'http://127.0.0.1:9/v1', model: 'llama-70b', apiKey: 'sk-x' } },
      }),
    );
    const wb = testWorkbench({ workspace: dir });
    const api = callerFor(wb);
    const generators = await api.live.generators();
    expect(generators[0]).toEqual({
      id: 'evidence',
      label: 'Evidence teacher (offline, no LM)',
      kind: 'evidence',
    });
    expect(generators).toContainEqual({ id: 'endpoint:big', label: 'big · llama-70b', kind: 'teacher' });
    // The demo students shipped in public/demo are exported ONNX students.
    const students = generators.filter((g) => g.kind === 'student');
    expect(students.map((s) => s.id)).toEqual(
      expect.arrayContaining(['student:demo-steper', 'student:demo-vanilla']),
    );
    expect(JSON.stringify(generators)).not.toContain('sk-x');
  });

  it('finds a finished training run by its export folder, and an evaluated export folder', async () => {
    const wb = testWorkbench();
    const api = callerFor(wb);
    const runDir = 'training/train_x';
    wb.store.trainingRuns.create({
      id: 'train_x',
      name: 'tiny steper',
      datasetId: null,
      config: { objective: 'steper-difficulty' },
      command: ['python'],
      runDir,
    });
    const fakeExport = (dir: string) => {
      mkdirSync(join(dir, 'onnx'), { recursive: true });
      for (const f of ['onnx/model.onnx', 'config.json', 'tokenizer.json']) writeFileSync(join(dir, f), '{}');
    };
    fakeExport(wb.store.path(join(runDir, 'export')));
    // Not finished yet: not offered.
    expect((await api.live.generators()).map((g) => g.id)).not.toContain('student:train_x');
    wb.store.trainingRuns.setStatus('train_x', 'done');
    expect(await api.live.generators()).toContainEqual({
      id: 'student:train_x',
      label: 'Student: tiny steper · steper-difficulty',
      kind: 'student',
    });
    const elsewhere = join(tempDir(), 'students', 'steper-seed0');
    fakeExport(elsewhere);
    wb.store.evaluations.create({
      id: 'eval_s',
      name: 'steper eval',
      config: { generator: { kind: 'onnx', dir: elsewhere } },
    });
    wb.store.evaluations.create({
      id: 'eval_gone',
      name: 'old',
      config: { generator: { kind: 'onnx', dir: '/nope' } },
    });
    const ids = (await api.live.generators()).map((g) => g.id);
    expect(ids).toContain('student:eval_s');
    expect(ids).not.toContain('student:eval_gone');
  });

  it('streams the evidence teacher step by step; the live steps are the trace’s steps', async () => {
    const wb = testWorkbench();
    const demo = await smallDemo(wb);
    const api = callerFor(wb);
    const q = (await api.questionSets.questions({ id: demo.questionSetIds.test, limit: 1 })).items[0]!;
    const events = await collect(
      await api.live.run({
        corpusId: demo.corpusId,
        question: q.question,
        answers: q.answers,
        loop: 'ircot',
        generator: 'evidence',
      }),
    );
    const done = events.at(-1) as { type: 'done'; trace: Trace };
    expect(done.type).toBe('done');
    const steps = events.filter((e): e is { type: 'step'; step: TraceStep } => e.type === 'step');
    expect(steps.map((s) => s.step.step)).toEqual(done.trace.steps.map((s) => s.step));
    expect(steps.map((s) => untimed(s.step))).toEqual(done.trace.steps.map(untimed));
    expect(done.trace.config.promptStyle).toBe('teacher');
    expect(done.trace.steps[0]!.prompt).toContain(defaultDemonstrations('ircot').demonstrations[0]!.question);
    expect(done.trace.answers).toEqual(q.answers);

    // Self-Ask: follow-ups and intermediate answers come with the live steps too.
    const selfAsk = await collect(
      await api.live.run({
        corpusId: demo.corpusId,
        question: q.question,
        loop: 'self-ask',
        generator: 'evidence',
      }),
    );
    const last = selfAsk.at(-1) as { type: 'done'; trace: Trace };
    expect(last.type).toBe('done');
    const liveSteps = selfAsk.flatMap((e) => (e.type === 'step' ? [untimed(e.step)] : []));
    expect(liveSteps).toEqual(last.trace.steps.map(untimed));
  });

  it('sends each step as soon as the next one starts, before the loop has finished', async () => {
    const wb = testWorkbench();
    const demo = await smallDemo(wb);
    const question = wb.store.questionSets.questions(demo.questionSetIds.test)[0]!;
    // A real run's events, replayed one at a time to see when each step goes out.
    const recorded: LoopEvent[] = [];
    const deps = {
      retriever: wb.retrievers.get(demo.corpusId),
      generator: new EvidenceTeacher(),
      config: { loop: 'ircot' as const },
    };
    for await (const e of watchLoop(question, deps, undefined)) recorded.push(e);
    const feed = new AsyncQueue<LoopEvent>();
    const out: LiveEvent[] = [];
    const consuming = (async () => {
      for await (const e of liveSteps(feed, 'ircot')) out.push(e);
    })();
    const tick = () => new Promise((r) => setTimeout(r, 0));
    let retrievals = 0;
    for (const e of recorded) {
      feed.push(e);
      await tick();
      if (e.type === 'retrieval' && ++retrievals >= 2) {
        expect(out.map((o) => (o.type === 'step' ? o.step.step : o.type))).toEqual(
          Array.from({ length: retrievals - 1 }, (_, i) => i + 1),
        );
      }
    }
    feed.close();
    await consuming;
    const trace = (recorded.at(-1) as { type: 'done'; trace: Trace }).trace;
    expect(retrievals).toBe(trace.steps.length);
    expect(retrievals).toBeGreaterThanOrEqual(2);
    expect(out.map((o) => o.type)).toEqual([...trace.steps.map(() => 'step'), 'done']);
    // Gold marks aside (a typed question has none), the live steps are the trace's.
    const noGold = (s: TraceStep) => ({
      ...untimed(s),
      retrieved: s.retrieved.map(({ isGold: _, ...p }) => p),
    });
    const live = out.flatMap((o) => (o.type === 'step' ? [noGold(o.step)] : []));
    expect(live).toEqual(trace.steps.map(noGold));
  });

  it('runs an exported student with its own prompt: (q, P≤s), no demonstrations', async () => {
    const wb = testWorkbench();
    const demo = await smallDemo(wb);
    const api = callerFor(wb);
    const events = await collect(
      await api.live.run({
        corpusId: demo.corpusId,
        question: 'Who directed the film Blue Harbor?',
        generator: 'student:demo-steper',
        maxSteps: 3,
        maxTokens: 16,
      }),
    );
    const done = events.at(-1) as { type: 'done'; trace: Trace };
    expect(events.find((e) => e.type === 'error')).toBeUndefined();
    expect(done.type).toBe('done');
    expect(done.trace.config.promptStyle).toBe('student');
    expect(done.trace.generator).toContain('onnx-student');
    for (const s of done.trace.steps) {
      expect(s.prompt).not.toContain(defaultDemonstrations('ircot').demonstrations[0]!.question);
    }
    expect(events.filter((e) => e.type === 'step')).toHaveLength(done.trace.steps.length);
  }, 120_000);

  it('stops when the caller goes away', async () => {
    const wb = testWorkbench();
    const demo = await smallDemo(wb);
    const controller = new AbortController();
    const api = callerFor(wb, controller.signal);
    const stream = await api.live.run({
      corpusId: demo.corpusId,
      question: 'Where was Bo Lin born?',
      generator: 'evidence',
    });
    const seen: LiveEvent[] = [];
    for await (const e of stream) {
      seen.push(e);
      controller.abort();
    }
    expect(seen.some((e) => e.type === 'done')).toBe(false);
    expect(seen.at(-1)).toMatchObject({ type: 'error' });
  });

  it('names what is wrong: unknown generator, unknown corpus, bad input', async () => {
    const wb = testWorkbench();
    const demo = await smallDemo(wb);
    const api = callerFor(wb);
    const unknown = await failure(
      api.live.run({ corpusId: demo.corpusId, question: 'Who?', generator: 'student:nope' }),
    );
    expect(unknown.code).toBe('NOT_FOUND');
    expect(unknown.message).toMatch(/Unknown live generator id "student:nope"\. Known: evidence/);
    const corpus = await failure(
      api.live.run({ corpusId: 'corpus_nope', question: 'Who?', generator: 'evidence' }),
    );
    expect(corpus.code).toBe('NOT_FOUND');
    expect(corpus.message).toMatch(/corpus_nope/);
    const empty = await failure(
      api.live.run({ corpusId: demo.corpusId, question: '  ', generator: 'evidence' }),
    );
    expect(empty.code).toBe('BAD_REQUEST');
    expect(empty.message).toMatch(/field "question"/);
    const loop = await failure(
      api.live.run({
        corpusId: demo.corpusId,
        question: 'Who?',
        generator: 'evidence',
        loop: 'cot' as 'ircot',
      }),
    );
    expect(loop.message).toMatch(/field "loop"/);
  });

  it('playground.run shares the loop watcher: raw retrievals and generations, checked up front', async () => {
    const wb = testWorkbench();
    const demo = await smallDemo(wb);
    const api = callerFor(wb);
    const events: { type: string }[] = [];
    for await (const e of await api.playground.run({
      corpusId: demo.corpusId,
      question: 'Who directed Blue Harbor?',
    }))
      events.push(e);
    expect(events[0]!.type).toBe('retrieval');
    expect(events.at(-1)!.type).toBe('done');
    const missing = await failure(
      api.playground.run({
        corpusId: demo.corpusId,
        questionSetId: demo.questionSetIds.test,
        questionId: 'q_nope',
      }),
    );
    expect(missing.code).toBe('NOT_FOUND');
    expect(missing.message).toMatch(/Unknown question id "q_nope"/);
  });
});
