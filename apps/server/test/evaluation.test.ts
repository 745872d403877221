import { join } from 'node:path';
import { OFFLINE_JUDGE_LABEL, scoreTraces } from '@steper/core';
import { describe, expect, it } from 'vitest';
import type { EvalSummary } from '../src/evaluation/summary';
import { appRouter } from '../src/routers/_app';
import { EXAMPLES_FILE } from '../src/stepdata/build';
import { createCallerFactory, createContext } from '../src/trpc';
import type { Workbench } from '../src/workbench';
import { studentInWorkspace, trainedTinyStudent } from './students.fixture';
import { runCli } from './support/cli';
import { smallDemo, tempDir, testWorkbench } from './support/workspace';

const createCaller = createCallerFactory(appRouter);

async function setUp() {
  const wb = testWorkbench();
  const demo = await smallDemo(wb);
  wb.runner.start();
  return { wb, demo, api: createCaller(createContext(wb)()) };
}

async function finish(wb: Workbench, jobId: string) {
  const job = await wb.runner.waitFor(jobId);
  expect(job.error).toBeNull();
  expect(job.status).toBe('done');
}

describe('evaluation jobs', () => {
  it('evidence teacher: stored traces and a summary equal to core scoreTraces, with CIs and offline stage scores', async () => {
    const { wb, demo, api } = await setUp();
    const { evaluation, job } = await api.evaluations.start({
      corpusId: demo.corpusId,
      questionSetId: demo.questionSetIds.test,
      limit: 8,
      bootstrap: { resamples: 500, seed: 1 },
    });
    await finish(wb, job!.id);
    const done = await api.evaluations.get({ id: evaluation.id });
    expect(done.status).toBe('done');
    expect(done.tracesDone).toBe(8);
    const m = done.metrics as unknown as EvalSummary & { offlineJudge: { judge: string } };
    const traces = wb.store.evaluations.allTraces(evaluation.id).map((t) => t.trace);
    const questions = wb.store.questionSets.questions(demo.questionSetIds.test);
    const expected = scoreTraces(traces, questions);
    for (const k of ['traces', 'em', 'f1', 'acc', 'recall', 'duplicativeness', 'latencyMs'] as const) {
      expect(m[k]).toBeCloseTo(expected[k] as number, 12);
    }
    expect(m.steps).toEqual(expected.steps);
    expect(m.em).toBeGreaterThan(0.5); // the evidence teacher answers most synthetic questions
    const ci = m.intervals.em!.ci;
    expect(ci[0]).toBeLessThanOrEqual(m.em);
    expect(ci[1]).toBeGreaterThanOrEqual(m.em);
    expect(m.intervals.em!.resamples).toBe(500);
    expect(Object.keys(m.perDataset)).toEqual(['synthetic']);
    expect(m.perDataset.synthetic!.acc).toBeCloseTo(expected.acc, 12);
    expect(m.datasetAverage.f1).toBeCloseTo(expected.f1, 12);
    expect(m.offlineJudge.judge).toBe(OFFLINE_JUDGE_LABEL);

    // The same evaluation against itself: no difference, p = 1. Against no-retrieval: paired on the same questions.
    const self = await api.evaluations.compare({ a: evaluation.id, b: evaluation.id, resamples: 200 });
    expect(self.em.diff).toBe(0);
    expect(self.em.pValue).toBe(1);
    const nr = await api.evaluations.start({
      corpusId: demo.corpusId,
      questionSetId: demo.questionSetIds.test,
      loop: 'no-retrieval',
      limit: 8,
    });
    await finish(wb, nr.job!.id);
    const c = await api.evaluations.compare({ a: evaluation.id, b: nr.evaluation.id, resamples: 200 });
    const nrMetrics = (await api.evaluations.get({ id: nr.evaluation.id })).metrics as unknown as EvalSummary;
    expect(c.n).toBe(8);
    expect(c.em.meanA).toBeCloseTo(m.em, 12);
    expect(c.em.meanB).toBeCloseTo(nrMetrics.em, 12);
    expect(c.em.diff).toBeCloseTo(m.em - nrMetrics.em, 12);
  }, 120_000);

  it('ONNX student through the same loop with student prompts', async () => {
    const { wb, demo, api } = await setUp();
    const dataset = wb.store.stepDatasets.require(demo.datasetId);
    const dir = studentInWorkspace(
      wb,
      await trainedTinyStudent(wb.store.path(join(dataset.exportDir, EXAMPLES_FILE))),
    );
    const { evaluation, job } = await api.evaluations.start({
      corpusId: demo.corpusId,
      questionSetId: demo.questionSetIds.test,
      generator: { kind: 'onnx', dir },
      limit: 3,
      maxSteps: 3,
      maxTokens: 16,
      concurrency: 1,
    });
    expect(evaluation.config).toMatchObject({ promptStyle: 'student' });
    await finish(wb, job!.id);
    const traces = wb.store.evaluations.allTraces(evaluation.id);
    expect(traces).toHaveLength(3);
    const first = traces[0]!.trace;
    expect(first.generator).toMatch(/^onnx-student/);
    // The prompt it was trained on: (q, P_≤s) with no few-shot demonstrations.
    expect(first.steps[0]!.prompt.split('Q: Answer the following question').length).toBe(2);
    expect(first.steps.length).toBeGreaterThanOrEqual(2);
    const m = (await api.evaluations.get({ id: evaluation.id })).metrics as unknown as EvalSummary;
    expect(m.traces).toBe(3);
    expect(m.latencyMs).toBeGreaterThan(0);
  }, 600_000);

  it('bad input: unknown ids and a missing model folder fail clearly and write nothing', async () => {
    const { wb, demo, api } = await setUp();
    const before = wb.store.evaluations.list().length;
    await expect(
      api.evaluations.start({
        corpusId: demo.corpusId,
        questionSetId: demo.questionSetIds.test,
        generator: { kind: 'onnx', dir: wb.store.path('imports/missing') },
      }),
    ).rejects.toThrow(/Student model folder .*missing does not exist/);
    // Over the API a student folder outside the workspace is never opened.
    await expect(
      api.evaluations.start({
        corpusId: demo.corpusId,
        questionSetId: demo.questionSetIds.test,
        generator: { kind: 'onnx', dir: join(tempDir(), 'elsewhere') },
      }),
    ).rejects.toThrow(
      /field "generator.dir": over the API an ONNX student is loaded only from this workspace/,
    );
    await expect(
      api.evaluations.start({ corpusId: demo.corpusId, questionSetId: 'qset_nope' }),
    ).rejects.toThrow(/qset_nope/);
    expect(wb.store.evaluations.list().length).toBe(before);
    expect(wb.store.jobs.list({ kind: 'eval' })).toHaveLength(0);
    await expect(api.evaluations.compare({ a: 'eval_nope', b: 'eval_nope2' })).rejects.toThrow(
      /Unknown evaluation id "eval_nope"/,
    );
  }, 120_000);
});

describe('steper eval (CLI)', () => {
  it('runs with progress, prints CIs, compares two evaluations, and rejects a missing ONNX folder', async () => {
    const wb = testWorkbench();
    const demo = await smallDemo(wb);
    const workspace = wb.store.path('.');
    await wb.close();
    const base = [
      'eval',
      '--workspace',
      workspace,
      '--corpus',
      demo.corpusId,
      '--questions',
      demo.questionSetIds.test,
      '--limit',
      '6',
    ];
    const first = await runCli(base);
    expect(first.stderr).toMatch(/6 questions · EM \d+\.\d \[\d+\.\d, \d+\.\d\]/);
    expect(first.code).toBe(0);
    const second = await runCli([...base, '--loop', 'no-retrieval']);
    expect(second.code).toBe(0);
    const [a, b] = [first.stdout.trim(), second.stdout.trim()];
    const compared = await runCli(['eval', '--workspace', workspace, '--compare', a, b]);
    expect(compared.code).toBe(0);
    expect(compared.stdout).toMatch(
      /^EM: A \d+\.\d · B \d+\.\d · A−B -?\d+\.\d \[.*\] · p \d\.\d{4} · McNemar p/m,
    );
    expect(compared.stdout).toContain('6 questions');
    const missing = await runCli([...base, '--onnx', join(workspace, 'no-such-student')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/steper eval: Student model folder .*no-such-student does not exist/);
  }, 300_000);
});
