import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { startTeacherRun } from '../src/teach/start';
import { collect, runCli, spawnCli } from './support/cli';
import { startOpenAiDouble } from './support/openaiDouble';
import { smallDemo, tempDir, testWorkbench } from './support/workspace';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const LIMIT = 30;

/**
 * Kill-and-resume of a teacher run: a real `steper teach` process is SIGKILLed mid-run, then
 * `steper resume` finishes it. The teacher is the fixed-latency OpenAI-compatible double (a real
 * server cannot be made slow enough on cue to be killed mid-run); its text depends only on the
 * prompt, so the resumed run must equal an uninterrupted one.
 */
describe('teacher run: kill and resume', () => {
  it('loses no trace and never repeats a teacher call whose answer was received', async () => {
    const double = await startOpenAiDouble({ latencyMs: 50 });
    try {
      const dir = tempDir();
      const wb = testWorkbench({ workspace: dir });
      const demo = await smallDemo(wb);
      const config = {
        name: 'killed run',
        corpusId: demo.corpusId,
        questionSetId: demo.questionSetIds.train,
        teacher: {
          kind: 'openai',
          baseURL: double.baseURL,
          model: 'double',
          api: 'completions',
          concurrency: 4,
        },
        concurrency: 3,
        limit: LIMIT,
      };
      const configPath = join(dir, 'teach.json');
      writeFileSync(configPath, JSON.stringify(config));

      // Start the run in its own process and kill it once some traces are in.
      const child = spawnCli(['teach', '--workspace', dir, '--config', configPath]);
      const exited = collect(child);
      const reader = new Database(join(dir, 'steper.db'), { readonly: true });
      const traceCount = () =>
        (reader.prepare("SELECT COUNT(*) AS n FROM traces WHERE run_id <> 'run_demo'").get() as { n: number })
          .n;
      const deadline = Date.now() + 60_000;
      while (traceCount() < 8 && Date.now() < deadline) await sleep(10);
      child.kill('SIGKILL');
      const killed = await exited;
      expect(killed.signal).toBe('SIGKILL');

      const atKill = {
        traces: traceCount(),
        requests: double.requests.length,
        cachedPrompts: new Set(
          (reader.prepare('SELECT request FROM teacher_cache').all() as { request: string }[]).map(
            (r) => (JSON.parse(r.request) as { prompt: string }).prompt,
          ),
        ),
      };
      reader.close();
      expect(atKill.traces).toBeGreaterThanOrEqual(8);
      expect(atKill.traces).toBeLessThan(LIMIT);
      const run = wb.store.teacherRuns.list().find((r) => r.name === 'killed run')!;
      expect(run.status).toBe('running');
      const job = wb.store.jobs.require(run.jobId!);
      expect(job.status).toBe('running');

      // Resume in a new process.
      const resumed = await runCli(['resume', job.id, '--workspace', dir]);
      expect(resumed.stderr).not.toMatch(/Error/);
      expect(resumed.code).toBe(0);

      // No lost trace: every question once.
      const done = wb.store.teacherRuns.require(run.id);
      expect(done.status).toBe('done');
      const traces = wb.store.teacherRuns.allTraces(run.id);
      const questionIds = wb.store.questionSets
        .questions(demo.questionSetIds.train)
        .slice(0, LIMIT)
        .map((q) => q.id);
      expect(traces.map((t) => t.questionId)).toEqual(questionIds);
      expect(wb.store.stepDatasets.list(run.id)).toHaveLength(1);

      // No answered call is sent again: nothing after the kill asks for a prompt already cached.
      const prompt = (b: Record<string, unknown>) => String(b.prompt);
      const afterKill = double.requests.slice(atKill.requests).map((r) => prompt(r.body));
      expect(afterKill.length).toBeGreaterThan(0);
      expect(afterKill.filter((p) => atKill.cachedPrompts.has(p))).toEqual([]);
      // Only requests cut off in flight by the kill may reach the server twice (at most the teacher's concurrency).
      const distinct = new Set(double.requests.map((r) => prompt(r.body)));
      expect(double.requests.length - distinct.size).toBeLessThanOrEqual(4);
      // And each received answer is accounted once.
      expect([...wb.store.teacherCache.callCounts(run.id).values()].every((n) => n === 1)).toBe(true);
      expect(done.stats.calls).toBe(distinct.size);

      // The resumed run equals an uninterrupted one.
      const ref = testWorkbench();
      const refDemo = await smallDemo(ref);
      const { run: refRun } = await startTeacherRun(
        ref,
        { ...config, corpusId: refDemo.corpusId, name: 'reference' } as never,
        { queue: false },
      );
      await ref.runner.runNow('teach', { runId: refRun.id }, (j) =>
        ref.store.teacherRuns.setJob(refRun.id, j.id),
      );
      const refTraces = ref.store.teacherRuns.allTraces(refRun.id);
      const shape = (t: (typeof traces)[number]) => ({
        q: t.questionId,
        prediction: t.trace.prediction,
        chain: t.trace.chain,
        queries: t.trace.steps.map((s) => s.query),
        retrieved: t.trace.steps.map((s) => s.retrieved.map((p) => p.id)),
      });
      expect(traces.map(shape)).toEqual(refTraces.map(shape));
      expect(ref.store.teacherRuns.require(refRun.id).stats.calls).toBe(done.stats.calls);
    } finally {
      await double.close();
    }
  });

  it('a server killed mid-run resumes the run by itself when it starts again', async () => {
    const double = await startOpenAiDouble({ latencyMs: 50 });
    try {
      const dir = tempDir();
      const wb = testWorkbench({ workspace: dir });
      const demo = await smallDemo(wb);
      await wb.close();

      const serve = () => {
        const child = spawnCli(['serve', '-w', dir, '--port', '0']);
        const url = new Promise<string>((resolve, reject) => {
          let out = '';
          child.stdout!.on('data', (d) => {
            out += d;
            const m = /http:\/\/127\.0\.0\.1:\d+/.exec(out);
            if (m) resolve(m[0]);
          });
          child.once('close', () => reject(new Error('serve exited early')));
        });
        return { child, url, exited: collect(child) };
      };
      const call = async (url: string, path: string, input: unknown, method: 'GET' | 'POST') => {
        const res =
          method === 'POST'
            ? await fetch(`${url}/trpc/${path}`, {
                method,
                headers: { 'content-type': 'application/json' },
                body: JSON.stringify(input),
              })
            : await fetch(`${url}/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`);
        const body = (await res.json()) as { result?: { data: unknown }; error?: unknown };
        if (!body.result) throw new Error(`${path}: ${JSON.stringify(body.error)}`);
        return body.result.data as Record<string, unknown>;
      };

      const first = serve();
      const url1 = await first.url;
      const started = await call(
        url1,
        'teacherRuns.start',
        {
          corpusId: demo.corpusId,
          questionSetId: demo.questionSetIds.train,
          teacher: { kind: 'openai', baseURL: double.baseURL, model: 'double', api: 'completions' },
          concurrency: 2,
          limit: 20,
        },
        'POST',
      );
      const runId = (started.run as { id: string }).id;
      for (;;) {
        const run = await call(url1, 'teacherRuns.get', { id: runId }, 'GET');
        if ((run.tracesDone as number) >= 4) break;
        await sleep(20);
      }
      first.child.kill('SIGKILL');
      await first.exited;
      const reader = new Database(join(dir, 'steper.db'), { readonly: true });
      const doneAtKill = (
        reader.prepare('SELECT COUNT(*) AS n FROM traces WHERE run_id = ?').get(runId) as { n: number }
      ).n;
      const cachedAtKill = new Set(
        (reader.prepare('SELECT request FROM teacher_cache').all() as { request: string }[]).map(
          (r) => (JSON.parse(r.request) as { prompt: string }).prompt,
        ),
      );
      reader.close();
      expect(doneAtKill).toBeLessThan(20);
      const requestsAtKill = double.requests.length;

      const second = serve();
      const url2 = await second.url;
      let run: Record<string, unknown>;
      for (;;) {
        run = await call(url2, 'teacherRuns.get', { id: runId }, 'GET');
        if (run.status === 'done' || run.status === 'failed') break;
        await sleep(50);
      }
      second.child.kill('SIGTERM');
      const exit = await second.exited;
      expect(exit.stderr).toMatch(/Resuming 1 interrupted job/);
      expect(run.status).toBe('done');
      expect(run.tracesDone).toBe(20);
      const again = double.requests.slice(requestsAtKill).map((r) => String(r.body.prompt));
      expect(again.filter((p) => cachedAtKill.has(p))).toEqual([]);
    } finally {
      await double.close();
    }
  });
});
