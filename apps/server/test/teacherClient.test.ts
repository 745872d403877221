import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTeacherRun } from '../src/teach/start';
import { CachedGenerator } from '../src/teachers/cache';
import { OpenAiGenerator } from '../src/teachers/openai';
import { OpenAiTeacherSpecSchema, type TeacherSpecInput } from '../src/teachers/spec';
import { startOpenAiDouble } from './support/openaiDouble';
import { teacherRequest as request } from './support/teacherRequest';
import { buildTinyModel, serveModel, TINY_TEXTS, type TinyServer } from './support/tinyTeacher';
import { closedPort, smallDemo, testWorkbench } from './support/workspace';

const spec = (over: Partial<TeacherSpecInput & { kind: 'openai' }> = {}) =>
  OpenAiTeacherSpecSchema.parse({ kind: 'openai', ...over });

describe('teacher client against a real OpenAI-compatible server (transformers serve, tiny model)', () => {
  let server: TinyServer;

  beforeAll(async () => {
    const model = await buildTinyModel(TINY_TEXTS);
    server = await serveModel(model);
  }, 300_000);

  afterAll(async () => {
    await server?.stop();
  });

  it('chat: returns text, accounts tokens, and the cache answers a repeated request without a call', async () => {
    const wb = testWorkbench();
    const client = new OpenAiGenerator(spec({ api: 'chat' }), {
      baseURL: server.baseURL,
      model: server.model,
      apiKey: 'none',
    });
    const cached = new CachedGenerator(client, wb.store.teacherCache, 'owner-1');
    const first = await cached.generate(request('Q: Who directed Blue Harbor?\nA:', 6));
    expect(typeof first.text).toBe('string');
    expect(first.cached).toBeUndefined();
    expect(first.promptTokens).toBeGreaterThan(5);
    expect(first.completionTokens).toBeLessThanOrEqual(6);
    expect(client.totals.calls).toBe(1);
    const again = await cached.generate(request('Q: Who directed Blue Harbor?\nA:', 6));
    expect(again).toEqual({ ...first, cached: true });
    expect(client.totals.calls).toBe(1);
    // A different parameter is a different request.
    await cached.generate(request('Q: Who directed Blue Harbor?\nA:', 5));
    expect(client.totals.calls).toBe(2);
    expect([...wb.store.teacherCache.callCounts('owner-1').values()]).toEqual([1, 1]);
    expect(wb.store.teacherCache.size()).toBe(2);
  });

  it('completions: honours max tokens and stop strings', async () => {
    const client = new OpenAiGenerator(spec({ api: 'completions' }), {
      baseURL: server.baseURL,
      model: server.model,
      apiKey: 'none',
    });
    const r = await client.generate(request('Wikipedia Title: Blue Harbor\n', 4, ['\n']));
    expect(r.completionTokens).toBeLessThanOrEqual(4);
    expect(r.text).not.toContain('\n');
    expect(client.totals.promptTokens).toBe(r.promptTokens);
  });

  it('a teacher run through IRCoT stores traces and token counts; a repeat is served by the cache', async () => {
    const wb = testWorkbench();
    const demo = await smallDemo(wb);
    const config = {
      corpusId: demo.corpusId,
      questionSetId: demo.questionSetIds.dev,
      limit: 2,
      maxSteps: 2,
      maxTokens: 6,
      teacher: {
        kind: 'openai' as const,
        baseURL: server.baseURL,
        model: server.model,
        api: 'completions' as const,
      },
    };
    const { run } = await startTeacherRun(wb, config, { queue: false });
    const job = await wb.runner.runNow('teach', { runId: run.id }, (j) =>
      wb.store.teacherRuns.setJob(run.id, j.id),
    );
    expect(job.error).toBeNull();
    const done = wb.store.teacherRuns.require(run.id);
    expect(done).toMatchObject({ status: 'done', tracesDone: 2 });
    expect(done.stats.calls).toBeGreaterThanOrEqual(4);
    expect(done.stats.promptTokens).toBeGreaterThan(100);
    expect(done.stats.completionTokens).toBeGreaterThan(0);
    expect(done.config.teacherDescription).toMatchObject({ baseURL: server.baseURL, model: server.model });

    const { run: again } = await startTeacherRun(wb, config, { queue: false });
    await wb.runner.runNow('teach', { runId: again.id }, (j) => wb.store.teacherRuns.setJob(again.id, j.id));
    const repeat = wb.store.teacherRuns.require(again.id);
    expect(repeat.tracesDone).toBe(2);
    expect(repeat.stats.calls).toBe(0);
    expect(repeat.stats.cacheHits).toBe(done.stats.calls);
  });
});

// Test doubles, for faults a real server will not produce on cue: 429s, timeouts, garbage bodies.
describe('teacher client faults (test double: a loopback server that misbehaves on purpose)', () => {
  it('retries 429s with back-off and then succeeds', async () => {
    const double = await startOpenAiDouble({ rateLimitFirst: 2 });
    try {
      const client = new OpenAiGenerator(spec({ api: 'completions', maxRetries: 3 }), {
        baseURL: double.baseURL,
        model: 'double',
        apiKey: 'none',
      });
      const r = await client.generate(request('Q: x\nA:'));
      expect(r.text.length).toBeGreaterThan(0);
      expect(double.requests).toHaveLength(3);
    } finally {
      await double.close();
    }
  });

  it('retries after a timeout, and fails with a clear message when every attempt times out', async () => {
    const double = await startOpenAiDouble({ hangFirst: 1 });
    try {
      const client = new OpenAiGenerator(spec({ api: 'chat', timeoutMs: 300, maxRetries: 1 }), {
        baseURL: double.baseURL,
        model: 'double',
        apiKey: 'none',
      });
      const r = await client.generate(request('Q: y\nA:'));
      expect(r.text.length).toBeGreaterThan(0);
      expect(double.requests).toHaveLength(2);
    } finally {
      await double.close();
    }
    const hanging = await startOpenAiDouble({ hangFirst: 10 });
    try {
      const client = new OpenAiGenerator(spec({ api: 'chat', timeoutMs: 200, maxRetries: 1 }), {
        baseURL: hanging.baseURL,
        model: 'double',
        apiKey: 'none',
      });
      await expect(client.generate(request('Q: z\nA:'))).rejects.toThrow(
        /timed out after 200 ms \(1 retries\)/,
      );
    } finally {
      await hanging.close();
    }
  });

  it('limits requests in flight to the configured concurrency', async () => {
    const double = await startOpenAiDouble({ latencyMs: 30 });
    try {
      const client = new OpenAiGenerator(spec({ api: 'completions', concurrency: 3 }), {
        baseURL: double.baseURL,
        model: 'double',
        apiKey: 'none',
      });
      await Promise.all(Array.from({ length: 12 }, (_, i) => client.generate(request(`Q: ${i}\nA:`))));
      expect(double.maxInFlight).toBe(3);
      expect(client.totals.calls).toBe(12);
    } finally {
      await double.close();
    }
  });

  it('a teacher that answers garbage or cannot be reached fails the run start and writes nothing', async () => {
    const wb = testWorkbench();
    const demo = await smallDemo(wb);
    const counts = () => ({
      runs: wb.store.teacherRuns.list().length,
      jobs: wb.store.jobs.list().length,
      cache: wb.store.teacherCache.size(),
      traces: (wb.store.db.prepare('SELECT COUNT(*) AS n FROM traces').get() as { n: number }).n,
    });
    const before = counts();
    const garbage = await startOpenAiDouble({ garbage: true });
    try {
      const teacher = { kind: 'openai' as const, baseURL: garbage.baseURL, model: 'double', maxRetries: 0 };
      await expect(
        startTeacherRun(wb, { corpusId: demo.corpusId, questionSetId: demo.questionSetIds.dev, teacher }),
      ).rejects.toThrow(/returned a malformed chat response \(no choices\[0\]\.message\.content\): <html>/);
    } finally {
      await garbage.close();
    }
    const port = await closedPort();
    await expect(
      startTeacherRun(wb, {
        corpusId: demo.corpusId,
        questionSetId: demo.questionSetIds.dev,
        teacher: { kind: 'openai', baseURL: `http://127.0.0.1:${port}/v1`, model: 'm', maxRetries: 0 },
      }),
    ).rejects.toThrow(/unreachable \(ECONNREFUSED\)/);
    expect(counts()).toEqual(before);
  });
});
