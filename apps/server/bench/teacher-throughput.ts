/**
 * Teacher-run throughput: questions per second through IRCoT (S = 5, K = 4) against a loopback
 * OpenAI-compatible endpoint that answers every call after a fixed latency, for
 *   - the sequential baseline: a plain loop calling core's runLoop question after question
 *     (no job runner, no store, no cache), the way a first script would;
 *   - the job runner at concurrency 1 and 16 (store, per-question transactions, content cache).
 * "endpoint busy" is the mean number of requests in flight divided by the concurrency: near 1
 * means the runner keeps the teacher busy. Each configuration names its own model, so the
 * content cache never answers for another configuration's calls.
 *
 *   npx tsx apps/server/bench/teacher-throughput.ts [--latency 50] [--questions 64]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runLoop } from '@steper/core';
import { ensureDemo } from '../src/demo/demo';
import { startTeacherRun } from '../src/teach/start';
import { createTeacher } from '../src/teachers/create';
import { OpenAiTeacherSpecSchema } from '../src/teachers/spec';
import { Workbench } from '../src/workbench';
import { startOpenAiDouble } from '../test/support/openaiDouble';

const { values } = parseArgs({
  options: { latency: { type: 'string', default: '50' }, questions: { type: 'string', default: '64' } },
});
const latencyMs = Number(values.latency);
const questionCount = Number(values.questions);
if (!(latencyMs >= 0 && latencyMs <= 2000) || !(questionCount >= 1 && questionCount <= 1000)) {
  throw new Error('--latency must be 0…2000 ms and --questions 1…1000');
}

interface Row {
  mode: string;
  questions: number;
  calls: number;
  wallS: number;
  concurrency: number;
  servedMs: number;
}

const dir = mkdtempSync(join(tmpdir(), 'steper-bench-'));
const wb = new Workbench({ workspace: dir, env: {} });
const rows: Row[] = [];
try {
  const demo = await ensureDemo(wb, { seed: 42, passages: 3000, questions: 2000 });
  const setId = demo.questionSetIds.train;
  const loopConfig = {
    loop: 'ircot' as const,
    maxSteps: 5,
    topK: 4,
    maxTokens: 64,
    promptStyle: 'teacher' as const,
  };

  async function measure(
    mode: string,
    concurrency: number,
    n: number,
    body: (model: string, baseURL: string) => Promise<void>,
  ) {
    const double = await startOpenAiDouble({ latencyMs });
    try {
      const t0 = performance.now();
      await body(`double-${rows.length}`, double.baseURL);
      const wallS = (performance.now() - t0) / 1000;
      rows.push({
        mode,
        questions: n,
        calls: double.requests.length,
        wallS,
        concurrency,
        servedMs: double.servedMs,
      });
    } finally {
      await double.close();
    }
  }

  // Sequential baseline: one question after another, straight through core's loop.
  const baselineN = Math.min(questionCount, 16);
  await measure('sequential baseline (plain loop)', 1, baselineN, async (model, baseURL) => {
    const retriever = wb.retrievers.get(demo.corpusId);
    const spec = OpenAiTeacherSpecSchema.parse({
      kind: 'openai',
      baseURL,
      model,
      api: 'completions',
      concurrency: 1,
    });
    const teacher = createTeacher(spec, { store: wb.store, endpoints: wb.endpoints, owner: null });
    for (const q of wb.store.questionSets.questions(setId).slice(0, baselineN)) {
      await runLoop(q, { retriever, generator: teacher.generator, config: loopConfig });
    }
  });

  for (const [concurrency, n] of [
    [1, Math.min(questionCount, 16)],
    [16, questionCount],
  ] as const) {
    await measure(`job runner, concurrency ${concurrency}`, concurrency, n, async (model, baseURL) => {
      const { run } = await startTeacherRun(
        wb,
        {
          name: `bench c${concurrency}`,
          corpusId: demo.corpusId,
          questionSetId: setId,
          limit: n,
          ...loopConfig,
          concurrency,
          buildDataset: false,
          teacher: { kind: 'openai', baseURL, model, api: 'completions', concurrency },
        },
        { queue: false, preflight: false },
      );
      const job = await wb.runner.runNow('teach', { runId: run.id }, (j) =>
        wb.store.teacherRuns.setJob(run.id, j.id),
      );
      if (job.status !== 'done') throw new Error(`bench run failed: ${job.error}`);
    });
  }
} finally {
  await wb.close();
  rmSync(dir, { recursive: true, force: true });
}

const base = rows[0]!;
const qps = (r: Row) => r.questions / r.wallS;
console.log(
  `teacher-run throughput · IRCoT S=5 K=4 · loopback OpenAI-compatible endpoint, fixed ${latencyMs} ms per call · synthetic world (3,000 passages)`,
);
console.log(
  'mode                               questions  calls   wall s     q/s  calls/s  endpoint busy  vs baseline',
);
for (const r of rows) {
  const busy = r.servedMs / (r.wallS * 1000) / r.concurrency;
  console.log(
    [
      r.mode.padEnd(34),
      String(r.questions).padStart(9),
      String(r.calls).padStart(6),
      r.wallS.toFixed(2).padStart(8),
      qps(r).toFixed(2).padStart(7),
      (r.calls / r.wallS).toFixed(1).padStart(8),
      `${(100 * busy).toFixed(0)}%`.padStart(14),
      `${(qps(r) / qps(base)).toFixed(2)}×`.padStart(12),
    ].join(' '),
  );
}
const ideal = (c: number, r: Row) => (c * 1000) / ((r.calls / r.questions) * latencyMs);
const last = rows.at(-1)!;
console.log(
  `ceiling at concurrency 16 with ${(last.calls / last.questions).toFixed(1)} calls per question: ${ideal(16, last).toFixed(1)} q/s`,
);
