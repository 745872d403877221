import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OFFLINE_JUDGE_LABEL, scoreTraces } from '@steper/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Figure3Result } from '../src/analysis/figure3';
import type { Figure5Result } from '../src/analysis/figure5';
import { ANALYSIS_PRESETS, type AnalysisPreset, AnalysisPresetSchema } from '../src/analysis/presets';
import { type AnalysisRun, runAnalysis } from '../src/analysis/run';
import type { Table2Result } from '../src/analysis/table2';
import type { Table4Result } from '../src/analysis/table4';
import type { Table6Result } from '../src/analysis/table6';
import { PRESETS } from '../src/experiment/presets';
import { runExperiment } from '../src/experiment/run';
import { Workbench } from '../src/workbench';
import { runCli } from './support/cli';

/**
 * Every analysis end to end at MICRO size — tiny Qwen2 (hidden 32, 1 layer), 2 optimizer steps,
 * 4 test questions — in ONE workspace, so a student two analyses share (Table 2's
 * difficulty-aware one is Figure 3's "all steps" and Table 4's StepER) is trained once.
 */
const MICRO: AnalysisPreset = {
  ...ANALYSIS_PRESETS.quick,
  name: 'micro',
  base: {
    world: { seed: 7, passages: 300, questions: 60 },
    testQuestions: 4,
    seeds: [1],
    model: { vocabSize: 300, hiddenSize: 32, layers: 1 },
    pretrain: null,
    train: {
      epochs: 1,
      batchSize: 4,
      lr: 1e-3,
      sigmaLr: 0.01,
      maxSeqLen: 512,
      cutPrompts: true,
      maxSteps: 2,
    },
    maxTokens: 8,
    claims: false,
  },
  // Two of the four configurations (the quick and standard presets have all four): the test checks
  // the shape per configuration, and each configuration costs a trainer process.
  figure3: { objective: 'steper-difficulty', stepConfigs: ['agg', 'all'] },
  table6: { maxSteps: [3, 4, 5, 6, 7], questions: 6, split: 'train' },
  figure5: {
    objectives: ['steper-difficulty'],
    domains: [
      { name: 'comparison', types: ['comparison', 'bridge_comparison'] },
      { name: 'chains', types: ['compositional', 'inference', 'bridge'] },
    ],
    questionsPerDomain: 2,
  },
};

let dir: string;
let wb: Workbench;
const outOf = (name: string) => join(dir, 'out', name);

async function analysis<R>(kind: Parameters<typeof runAnalysis>[1]): Promise<AnalysisRun<R>> {
  const run = await runAnalysis(wb, kind, MICRO, {
    outDir: outOf(kind),
    command: `test ${kind}`,
    commit: 'test',
  });
  // What was written is what was returned, and the report list has it.
  expect(JSON.parse(readFileSync(join(outOf(kind), 'result.json'), 'utf8'))).toEqual(
    JSON.parse(JSON.stringify(run)),
  );
  expect(wb.store.reports.list().find((r) => r.outDir === outOf(kind))).toMatchObject({
    kind,
    preset: 'micro',
  });
  return run as AnalysisRun<R>;
}

const png = (file: string) => [...readFileSync(file).subarray(0, 4)];
const PNG = [0x89, 0x50, 0x4e, 0x47];
const trainingConfig = (runId: string) =>
  wb.store.trainingRuns.require(runId).config as Record<string, unknown>;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'steper-analysis-'));
  wb = new Workbench({ workspace: join(dir, 'workspace'), env: {} });
});

afterAll(async () => {
  await wb?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('analysis presets', () => {
  it('derive their shared sizes from the experiment presets and hold the paper’s rows', () => {
    for (const [name, p] of Object.entries(ANALYSIS_PRESETS)) {
      expect(AnalysisPresetSchema.parse(p)).toEqual(p);
      const e = PRESETS[name as 'quick' | 'standard'];
      expect(p.base).toMatchObject({ world: e.world, seeds: e.seeds, model: e.model, train: e.train });
      expect(p.table2.variants.map((v) => v.stageWeights ?? null)).toEqual([
        [1.5, 1, 0.5],
        [1, 1, 1],
        [0.5, 1, 1.5],
        null,
      ]);
      expect(p.figure3.stepConfigs).toEqual(['agg', 'init+agg', 'init+exp1+agg', 'all']);
      expect(p.table6.maxSteps).toEqual([3, 4, 5, 6, 7]);
    }
  });
});

describe('the paper’s analyses at micro size (one workspace)', () => {
  it('Table 2: one row per λ and difficulty-aware, each a student trained with those weights', async () => {
    const { result } = await analysis<Table2Result>('table2');
    expect(result.rows.map((r) => r.stageWeights)).toEqual([[1.5, 1, 0.5], [1, 1, 1], [0.5, 1, 1.5], null]);
    for (const row of result.rows) {
      const config = trainingConfig(row.perSeed[0]!.trainingRunId);
      expect(config.objective).toBe(row.objective);
      expect(config.stage_weights ?? null).toEqual(row.stageWeights);
      expect(row.pooled.n).toBe(4);
      // Pooled over one seed: the seed's own evaluation, question by question.
      const traces = wb.store.evaluations.allTraces(row.perSeed[0]!.evaluationId).map((t) => t.trace);
      const questions = wb.store.questionSets.questions('qset_demo_test');
      expect(row.pooled.summary.acc).toBeCloseTo(scoreTraces(traces, questions).acc, 12);
    }
    expect(new Set(result.rows.map((r) => r.perSeed[0]!.trainingRunId)).size).toBe(4);
    expect(result.reference).toBe('StepER difficulty-aware');
    // Three variants against the reference, per seed and pooled, on the same 4 questions.
    expect(result.comparisons).toHaveLength(6);
    for (const c of result.comparisons) expect(c.result.n).toBe(4);
    const md = readFileSync(join(outOf('table2'), 'report.md'), 'utf8');
    expect(md).toContain('it claims nothing');
    for (const label of ['StepER λ = (1.5, 1, 0.5)', 'StepER λ = (0.5, 1, 1.5)', 'learned (Eq. 4)']) {
      expect(md).toContain(label);
    }
  }, 900_000);

  it('Figure 3: stage scores per step configuration, by the offline judge, reusing Table 2’s student', async () => {
    const { result, figures } = await analysis<Figure3Result>('figure3');
    expect(result.judge).toBe(OFFLINE_JUDGE_LABEL);
    expect(result.rows.map((r) => r.stepConfig)).toEqual(['agg', 'all']);
    expect(trainingConfig(result.rows[0]!.perSeed[0]!.trainingRunId).step_config).toBe('agg');
    const table2 = JSON.parse(readFileSync(join(outOf('table2'), 'result.json'), 'utf8'))
      .result as Table2Result;
    expect(result.rows[1]!.perSeed[0]!.trainingRunId).toBe(table2.rows[3]!.perSeed[0]!.trainingRunId);
    for (const row of result.rows) {
      // Every question is judged, unparseable or not applicable — none silently dropped.
      expect(row.pooled.questions + row.unparseable + row.skipped).toBe(4);
      expect(row.pooled.judge).toBe(OFFLINE_JUDGE_LABEL);
      const mean = row.pooled.initialization.mean!;
      expect(mean).toBeGreaterThanOrEqual(row.pooled.initialization.ci![0]);
      expect(mean).toBeLessThanOrEqual(row.pooled.initialization.ci![1]);
    }
    expect(Object.keys(figures)).toEqual(['figure3-stages.png']);
    expect(png(join(outOf('figure3'), 'figure3-stages.png'))).toEqual(PNG);
    expect(readFileSync(join(outOf('figure3'), 'report.md'), 'utf8')).toContain(
      `judge: ${OFFLINE_JUDGE_LABEL}`,
    );
  }, 900_000);

  it('Table 4: SQA and RI of the teacher and each student, labelled as synthetic sub-questions', async () => {
    const { result } = await analysis<Table4Result>('table4');
    expect(result.judge).toBe(OFFLINE_JUDGE_LABEL);
    expect(result.rows.map((r) => r.objective)).toEqual([null, 'vanilla', 'steper-difficulty']);
    const teacher = result.rows[0]!;
    // The evidence teacher states its facts: most sub-questions are answerable from its rationale.
    expect(teacher.pooled.sqa.mean!).toBeGreaterThan(0.5);
    expect(teacher.pooled.correct).toBeGreaterThan(0);
    expect(teacher.pooled.ri.n).toBe(teacher.pooled.correct);
    for (const row of result.rows) expect(row.pooled.questions + row.unparseable + row.skipped).toBe(4);
    const md = readFileSync(join(outOf('table4'), 'report.md'), 'utf8');
    expect(md).toContain('not the SubQA dataset');
    expect(md).toMatch(/\| Teacher \(evidence oracle, no LM\) \| – \| \d+\.\d \[/);
  }, 900_000);

  it('Table 6: the teacher at S = 3 … 7 never takes more than S steps, and recall grows with S', async () => {
    const { result } = await analysis<Table6Result>('table6');
    expect(result.rows.map((r) => r.maxSteps)).toEqual([3, 4, 5, 6, 7]);
    for (const row of result.rows) {
      expect(row.questions).toBe(6);
      expect(Math.max(...row.summary.steps.bins.map((b) => b.steps))).toBeLessThanOrEqual(row.maxSteps);
    }
    const recall = result.rows.map((r) => r.summary.recall!);
    const steps = result.rows.map((r) => r.summary.steps.mean);
    for (let i = 1; i < recall.length; i++) {
      expect(recall[i]!).toBeGreaterThanOrEqual(recall[i - 1]!);
      expect(steps[i]!).toBeGreaterThanOrEqual(steps[i - 1]!);
    }
    expect(steps[0]!).toBeLessThan(steps[4]!);
  }, 300_000);

  it('Figure 5: a domain × domain matrix, each student trained on its own domain only', async () => {
    const { result, figures } = await analysis<Figure5Result>('figure5');
    expect(result.note).toMatch(/question types/);
    expect(result.matrices).toHaveLength(1);
    const m = result.matrices[0]!;
    expect(m.cells).toHaveLength(2);
    for (const row of m.cells) {
      expect(row).toHaveLength(2);
      for (const cell of row) expect(cell.acc.n).toBe(2);
    }
    const runs = m.trainingRunIds.map((ids) => ids[0]!);
    expect(new Set(runs).size).toBe(2);
    result.domains.forEach((domain, i) => {
      const data = trainingConfig(runs[i]!).data as string;
      const ids = new Set(
        readFileSync(data, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l).questionId as string),
      );
      expect(ids.size).toBe(domain.trainQuestions);
      const types = new Set(
        wb.store.questionSets
          .questions('qset_demo_train')
          .filter((q) => ids.has(q.id))
          .map((q) => q.type),
      );
      expect([...types].every((t) => domain.types.includes(t!))).toBe(true);
      const test = wb.store.questionSets.questions(domain.testQuestionSetId);
      expect(test.every((q) => domain.types.includes(q.type!))).toBe(true);
    });
    expect(png(join(outOf('figure5'), Object.keys(figures)[0]!))).toEqual(PNG);
  }, 900_000);

  it('experiment, budget both: Vanilla-KD at equal epochs and equal tokens from one init, pooled rows, σ̃ series', async () => {
    const result = await runExperiment(
      wb,
      {
        ...PRESETS.quick,
        ...MICRO.base,
        name: 'micro',
        objectives: ['vanilla', 'steper-difficulty'],
        budget: 'epoch',
        budgetReport: 'both',
      },
      { outDir: outOf('experiment'), command: 'test', commit: 'test' },
    );
    expect(result.budget).toBe('both');
    const byGroup = (g: string) => result.systems.find((s) => s.group === g)!;
    const [epoch, token, steper] = [
      byGroup('vanilla@epoch'),
      byGroup('vanilla@token'),
      byGroup('steper-difficulty'),
    ];
    const [ce, ct] = [trainingConfig(epoch.trainingRunId!), trainingConfig(token.trainingRunId!)];
    expect(ce.model).toBe(ct.model);
    expect(ce.seed).toBe(ct.seed);
    expect(ct.max_steps as number).toBeGreaterThan(ce.max_steps as number);
    expect(token.optimizerSteps!).toBeGreaterThan(epoch.optimizerSteps!);
    expect(token.tokensTrained!).toBeGreaterThan(epoch.tokensTrained!);
    // Table 4's Vanilla-KD and the analyses' StepER are these students: not trained again.
    const table4 = JSON.parse(readFileSync(join(outOf('table4'), 'result.json'), 'utf8'))
      .result as Table4Result;
    expect(epoch.evaluationId).toBe(table4.rows[1]!.perSeed[0]!.evaluationId);
    expect(steper.evaluationId).toBe(table4.rows[2]!.perSeed[0]!.evaluationId);

    expect(result.pooled.map((p) => p.group).sort()).toEqual([
      'steper-difficulty',
      'vanilla@epoch',
      'vanilla@token',
    ]);
    for (const p of result.pooled) expect(p.summary.acc).toBeCloseTo(byGroup(p.group).summary.acc, 12);
    expect(result.comparisons.map((c) => [c.budget, c.seed])).toEqual([
      ['epoch', 1],
      ['epoch', null],
      ['token', 1],
      ['token', null],
    ]);
    const md = readFileSync(join(outOf('experiment'), 'report.md'), 'utf8');
    expect(md).toContain('## Paired tests at equal epochs');
    expect(md).toContain('## Paired tests at equal training tokens');
    // Figure 7's data: σ̃ of each stage of the difficulty-aware student, at each optimizer step.
    const saved = JSON.parse(readFileSync(join(outOf('experiment'), 'result.json'), 'utf8'));
    const sigma = saved.sigmaSeries as {
      stage: string;
      system: string;
      points: { x: number; y: number }[];
    }[];
    expect(sigma.map((s) => s.stage).sort()).toEqual(['agg', 'exp', 'init']);
    expect(new Set(sigma.map((s) => s.system))).toEqual(new Set([steper.name]));
    for (const s of sigma) expect(s.points.map((p) => p.x)).toEqual([1, 2]);
    for (const step of [0, 1]) {
      const total = sigma.reduce((sum, s) => sum + s.points[step]!.y, 0);
      expect(total).toBeCloseTo(1, 6);
    }
    expect(wb.store.reports.list().find((r) => r.kind === 'experiment')?.outDir).toBe(outOf('experiment'));
  }, 900_000);

  it('as a job: cancelled mid-way and resumed, it reuses what was done and evaluates nothing twice', async () => {
    const payload = {
      kind: 'table6',
      preset: { ...MICRO, table6: { ...MICRO.table6, questions: 5 } },
      outDir: outOf('table6-job'),
      command: 'test',
      commit: 'test',
    };
    const count = () => wb.store.evaluations.list().filter((e) => e.name.endsWith('S = 3')).length;
    const before = wb.store.evaluations.list().length;
    let analysisJob: string | null = null;
    const off = wb.runner.subscribe((e) => {
      if (e.job.kind === 'analysis') analysisJob = e.job.id;
      if (e.job.kind === 'eval' && e.job.status === 'done' && analysisJob) wb.runner.cancel(analysisJob);
    });
    const first = await wb.runner.runNow('analysis', payload);
    off();
    expect(first.status).toBe('cancelled');
    const afterCancel = wb.store.evaluations.list().length;
    expect(afterCancel).toBe(before + 1);
    const done = await wb.runner.resumeNow(first.id);
    expect(done.status).toBe('done');
    expect(wb.store.evaluations.list().length).toBe(before + 5);
    expect(count()).toBe(2); // S = 3 with 6 questions (above) and with 5: each once
    expect(existsSync(join(outOf('table6-job'), 'report.md'))).toBe(true);
  }, 300_000);
});

describe('steper analysis (CLI)', () => {
  it('runs Table 6 at the quick size as a job, and names the analyses on a bad one', async () => {
    const out = join(dir, 'cli-table6');
    const r = await runCli(['analysis', 'table6', '--preset', 'quick', '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(join(out, 'report.md'));
    expect(r.stderr).toMatch(/analysis job_\w+/);
    const saved = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8'));
    expect(saved.result.rows).toHaveLength(5);
    expect(saved.result.rows[0].questions).toBe(ANALYSIS_PRESETS.quick.table6.questions);
    const bad = await runCli(['analysis', 'table9']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('Name one analysis: table2, figure3, table4, table6, figure5');
  }, 300_000);
});
