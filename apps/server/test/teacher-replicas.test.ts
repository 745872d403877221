import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openaiGeneratorFromFlags } from '../src/cli/args';
import { startTeacherRun } from '../src/teach/start';
import { createTeacher } from '../src/teachers/create';
import { Endpoints } from '../src/teachers/endpoints';
import { ReplicaPool, replicaSummary } from '../src/teachers/replicas';
import { OpenAiTeacherSpecSchema, type TeacherSpecInput, TeacherSpecSchema } from '../src/teachers/spec';
import { type OpenAiDouble, startOpenAiDouble } from './support/openaiDouble';
import { teacherRequest as request } from './support/teacherRequest';
import { buildTinyModel, serveModel, TINY_TEXTS, type TinyServer } from './support/tinyTeacher';
import { closedPort, smallDemo, testWorkbench } from './support/workspace';

const spec = (over: Partial<TeacherSpecInput & { kind: 'openai' }> = {}) =>
  OpenAiTeacherSpecSchema.parse({ kind: 'openai', api: 'completions', ...over });

const member = (double: { baseURL: string }, concurrency: number) => ({
  endpoint: { baseURL: double.baseURL, model: 'double', apiKey: 'none' },
  concurrency,
});

const prompts = (n: number, tag = '') => Array.from({ length: n }, (_, i) => `Q: ${tag}${i}\nA:`);

describe('a teacher spread over replicas (test doubles: loopback servers that fail on cue)', () => {
  const doubles: OpenAiDouble[] = [];
  const start = async (opts: Parameters<typeof startOpenAiDouble>[0] = {}) => {
    const d = await startOpenAiDouble(opts);
    doubles.push(d);
    return d;
  };
  afterAll(async () => {
    await Promise.all(doubles.map((d) => d.close()));
  });

  it('spreads requests by each server’s own concurrency and never exceeds it', async () => {
    const a = await start({ latencyMs: 30 });
    const b = await start({ latencyMs: 30 });
    const pool = new ReplicaPool(spec(), [member(a, 1), member(b, 3)]);
    const answers = await Promise.all(prompts(24).map((p) => pool.generate(request(p))));
    expect(answers.every((r) => r.text.length > 0)).toBe(true);
    expect(a.maxInFlight).toBe(1);
    expect(b.maxInFlight).toBe(3);
    expect(a.requests.length + b.requests.length).toBe(24);
    // b has three times a's room, so it takes most of the work.
    expect(b.requests.length).toBeGreaterThan(2 * a.requests.length);
    expect(pool.health().map((h) => [h.served, h.failed, h.state])).toEqual([
      [a.requests.length, 0, 'up'],
      [b.requests.length, 0, 'up'],
    ]);
  });

  it('a server that goes down mid-run hands its work to the other: every request answered once', async () => {
    const a = await start({ latencyMs: 40 });
    const b = await start({ latencyMs: 40 });
    const pool = new ReplicaPool(spec(), [member(a, 2), member(b, 2)], { backoffMs: 50 });
    const asked = prompts(30, 'down');
    const results = Promise.all(asked.map((p) => pool.generate(request(p))));
    await new Promise((r) => setTimeout(r, 100));
    const answeredByA = a.requests.length - a.inFlight;
    await a.close();
    const answers = await results;
    expect(answers).toHaveLength(30);
    const [ha, hb] = pool.health();
    expect(ha!.failed).toBeGreaterThan(0);
    expect(ha!.lastError).toMatch(/unreachable|ECONN|socket/i);
    // What a answered before it died is not asked again: b answers exactly the rest.
    expect(ha!.served).toBe(answeredByA);
    expect(hb!.served).toBe(30 - answeredByA);
    const askedB = b.requests.map((r) => r.body.prompt);
    expect(new Set(askedB).size).toBe(askedB.length);
  });

  it('benches a rate-limited server for its back-off, then takes it back after one good trial', async () => {
    const a = await start({ rateLimitFirst: 3 });
    const b = await start({ latencyMs: 20 });
    const pool = new ReplicaPool(spec(), [member(a, 1), member(b, 1)], { backoffMs: 30 });
    // Back-offs of 30, 60 and 120 ms while b (20 ms a request) takes the work.
    for (const p of prompts(80, 'rl')) {
      await pool.generate(request(p));
      if (pool.health()[0]!.served > 0) break;
    }
    const [ha] = pool.health();
    expect(ha!.failed).toBe(3);
    expect(ha!.served).toBeGreaterThan(0);
    expect(ha!.state).toBe('up');
  });

  it('fails with a clear message once every replica has failed the request', async () => {
    const a = await start({ garbage: true });
    const pool = new ReplicaPool(
      spec({ maxRetries: 1 }),
      [member(a, 1), member({ baseURL: `http://127.0.0.1:${await closedPort()}/v1` }, 1)],
      {
        backoffMs: 5,
      },
    );
    await expect(pool.generate(request('Q: lost\nA:'))).rejects.toThrow(
      /All 2 teacher replicas failed this request 4 times; the last: Teacher at .* (malformed|unreachable)/,
    );
    expect(pool.health().every((h) => h.failed === 2)).toBe(true);
  });

  it('does not retry a request every server would refuse (400), nor bench the server for it', async () => {
    const a = await start({ badRequest: true });
    const b = await start({ badRequest: true });
    const pool = new ReplicaPool(spec(), [member(a, 1), member(b, 1)]);
    await expect(pool.generate(request('Q: too long\nA:'))).rejects.toThrow(/answered 400/);
    expect(a.requests.length + b.requests.length).toBe(1);
    expect(pool.health().every((h) => h.state === 'up')).toBe(true);
  });

  it('a waiting request stops when its run is cancelled', async () => {
    const a = await start({ hangFirst: 10 });
    const b = await start({ hangFirst: 10 });
    const pool = new ReplicaPool(spec({ timeoutMs: 60_000 }), [member(a, 1), member(b, 1)]);
    const ctrl = new AbortController();
    const calls = prompts(3, 'cancel').map((p) => pool.generate(request(p), ctrl.signal));
    await new Promise((r) => setTimeout(r, 100));
    ctrl.abort(new Error('cancelled by the user'));
    for (const c of calls) await expect(c).rejects.toThrow(/cancelled by the user|abort/i);
  });

  it('sums up the servers in one progress line', () => {
    const h = (baseURL: string, state: 'up' | 'down' | 'trial', served: number, failed: number) => ({
      baseURL,
      concurrency: 2,
      inFlight: 0,
      served,
      failed,
      state,
      lastError: null,
    });
    expect(
      replicaSummary([h('http://gpu1:8000/v1', 'up', 40, 0), h('https://gpu2:8000/v1/', 'down', 12, 3)]),
    ).toBe('gpu1:8000 up 40 served · gpu2:8000 down 12 served, 3 failed');
  });

  it('checks the spec: exactly one address a replica, not beside a single endpoint, one model', () => {
    const parse = (over: Record<string, unknown>) => TeacherSpecSchema.safeParse({ kind: 'openai', ...over });
    const two = [{ baseURL: 'http://127.0.0.1:1/v1' }, { baseURL: 'http://127.0.0.1:2/v1', concurrency: 2 }];
    expect(parse({ model: 'm', replicas: two }).success).toBe(true);
    expect(parse({ model: 'm', replicas: [two[0]] }).error?.issues[0]?.path).toEqual(['replicas']);
    expect(
      parse({ model: 'm', replicas: [{ baseURL: 'http://127.0.0.1:1/v1', endpoint: 'x' }, two[1]] }).error
        ?.issues[0]?.message,
    ).toMatch(/either endpoint or baseURL/);
    expect(
      parse({ model: 'm', baseURL: 'http://127.0.0.1:3/v1', replicas: two }).error?.issues[0]?.message,
    ).toMatch(/either replicas or a single endpoint/);
    const wb = testWorkbench();
    const endpoints = new Endpoints(
      {
        endpoints: {
          big: { baseURL: 'http://127.0.0.1:1/v1', model: 'qwen-7b' },
          small: { baseURL: 'http://127.0.0.1:2/v1', model: 'qwen-0.5b' },
        },
      },
      {},
    );
    const mixed = OpenAiTeacherSpecSchema.parse({
      kind: 'openai',
      replicas: [{ endpoint: 'big' }, { endpoint: 'small' }],
    });
    expect(() => createTeacher(mixed, { store: wb.store, endpoints, owner: null })).toThrow(
      /every replica must serve the same model .* got qwen-7b, qwen-0\.5b/,
    );
  });
});

describe('a teacher run over two real servers (transformers serve, tiny model), one killed mid-run', () => {
  let servers: TinyServer[] = [];

  beforeAll(async () => {
    const model = await buildTinyModel(TINY_TEXTS);
    servers = await Promise.all([serveModel(model), serveModel(model)]);
  }, 300_000);

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
  });

  it('finishes with one trace per question, no answered call sent twice', async () => {
    const wb = testWorkbench();
    const demo = await smallDemo(wb);
    const [a, b] = servers as [TinyServer, TinyServer];
    const limit = 8;
    const { run } = await startTeacherRun(
      wb,
      {
        corpusId: demo.corpusId,
        questionSetId: demo.questionSetIds.dev,
        limit,
        maxSteps: 2,
        maxTokens: 6,
        concurrency: 4,
        buildDataset: false,
        teacher: {
          kind: 'openai',
          model: a.model,
          api: 'completions',
          replicas: [
            { baseURL: a.baseURL, concurrency: 2 },
            { baseURL: b.baseURL, concurrency: 2 },
          ],
        },
      },
      { queue: false },
    );
    const job = wb.runner.runNow('teach', { runId: run.id }, (j) =>
      wb.store.teacherRuns.setJob(run.id, j.id),
    );
    let doneAtKill = -1;
    for (;;) {
      const now = wb.store.teacherRuns.require(run.id).tracesDone;
      if (now >= 2) {
        doneAtKill = now;
        await a.kill();
        break;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    const finished = await job;
    expect(finished.error).toBeNull();
    // The run's progress line names each server: the killed one with its failures.
    const host = (u: string) => u.replace('http://', '').replace('/v1', '');
    expect(finished.progress.message).toMatch(
      new RegExp(`${host(a.baseURL)} (down|trial) \\d+ served, \\d+ failed`),
    );
    expect(finished.progress.message).toContain(`${host(b.baseURL)} up`);
    expect(doneAtKill).toBeLessThan(limit);
    const done = wb.store.teacherRuns.require(run.id);
    expect(done).toMatchObject({ status: 'done', tracesDone: limit });
    const traces = wb.store.db
      .prepare('SELECT COUNT(*) AS n, COUNT(DISTINCT question_id) AS q FROM traces WHERE run_id = ?')
      .get(run.id) as { n: number; q: number };
    expect(traces).toEqual({ n: limit, q: limit });
    const calls = wb.store.db
      .prepare('SELECT COUNT(*) AS n, COUNT(DISTINCT key) AS k FROM teacher_calls WHERE owner = ? AND ok = 1')
      .get(run.id) as { n: number; k: number };
    expect(calls.n).toBe(calls.k);
    expect(calls.n).toBeGreaterThan(limit);
    expect(done.config.teacherDescription).toMatchObject({ baseURLs: [a.baseURL, b.baseURL] });
  }, 300_000);
});

describe('teacher flags', () => {
  it('one --base-url is a single server; repeated flags make replicas', () => {
    expect(openaiGeneratorFromFlags({ 'base-url': ['http://a/v1'], model: 'm' })).toEqual({
      kind: 'openai',
      model: 'm',
      baseURL: 'http://a/v1',
    });
    expect(openaiGeneratorFromFlags({ endpoint: ['gpu1'], 'base-url': ['http://b/v1'], model: 'm' })).toEqual(
      {
        kind: 'openai',
        model: 'm',
        replicas: [{ endpoint: 'gpu1' }, { baseURL: 'http://b/v1' }],
      },
    );
    expect(openaiGeneratorFromFlags({})).toBeUndefined();
  });
});
