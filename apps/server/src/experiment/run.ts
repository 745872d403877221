import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Question, Trace } from '@steper/core';
import { recordReport } from '../reports/record';
import type { Workbench } from '../workbench';
import { evaluateSystem } from './evaluate';
import { accuracyLatencyPng, sigmaPng } from './figures';
import { bundleInit } from './gpuBundle';
import { gpuSummary, readReturnedRun, returnedStudent } from './gpuStudents';
import {
  byQuestionType,
  type PooledRow,
  pooledComparison,
  pooledRow,
  primaryComparison,
  type SeedRun,
  type TypeRow,
} from './pooled';
import { budgetOf, type ExperimentPreset, MULTI_HOP_EM } from './presets';
import { sharedExporter } from './python';
import {
  type ComparisonResult,
  type ExperimentResult,
  type PrimaryVerdict,
  renderReport,
  type SigmaSeries,
  type SystemResult,
  sigmaSeriesOf,
} from './report';
import { type StepErrorRow, stepErrors } from './stepErrors';
import { OBJECTIVE_NAMES, type StudentSpec, studentInits, type TrainDevice, trainStudent } from './students';
import { epochTokens, promptsCut, sequenceFit } from './tokens';
import { type EvalSplit, prepareWorld } from './world';

export interface ExperimentOptions {
  outDir: string;
  command: string;
  commit: string;
  log?: (line: string) => void;
  /** Cancels the run between (and inside) its training and evaluation jobs. */
  signal?: AbortSignal;
  /** Where students train (default cpu). */
  device?: TrainDevice;
  /** The questions students are measured on (default test). */
  split?: EvalSplit;
  /**
   * The output folder of the GPU run of this preset's bundle (issue 19, gpuBundle.ts): its
   * students are evaluated instead of training students here.
   */
  trainedOn?: string;
}

/** The offline evidence teacher states gold facts it retrieved: an oracle that reads no prompt. */
const TEACHER_NAME = 'Teacher (evidence oracle, no LM)';

interface PlannedStudent {
  spec: StudentSpec;
  group: string;
  groupName: string;
  budget: 'epoch' | 'token' | null;
}

/**
 * The students of one seed: each StepER objective at its epochs, and Vanilla-KD at equal epochs,
 * at equal training tokens (its epochs and step cap scaled by StepER's tokens / its own), or both.
 */
function planStudents(
  preset: ExperimentPreset,
  examples: string,
  initDir: string,
  seed: number,
): PlannedStudent[] {
  const mode = budgetOf(preset);
  const plan: PlannedStudent[] = [];
  for (const objective of preset.objectives) {
    if (objective !== 'vanilla') {
      plan.push({
        spec: { name: `${OBJECTIVE_NAMES[objective]} · seed ${seed}`, objective },
        group: objective,
        groupName: OBJECTIVE_NAMES[objective],
        budget: null,
      });
      continue;
    }
    const vanillaTokens = epochTokens(examples, initDir, 'vanilla').tokens;
    // StepER's one-epoch tokens (all stages): what the equal-token Vanilla-KD must match.
    const steperTokens = epochTokens(examples, initDir, 'steper-uniform').tokens;
    const budgets: ('epoch' | 'token')[] = mode === 'both' ? ['epoch', 'token'] : [mode];
    for (const budget of budgets) {
      const label =
        mode === 'epoch'
          ? 'Vanilla-KD'
          : `Vanilla-KD (${budget === 'epoch' ? 'equal epochs' : 'equal tokens'})`;
      plan.push({
        spec: {
          name: `${label} · seed ${seed}`,
          objective,
          ...(budget === 'token' ? { budgetScale: steperTokens / Math.max(1, vanillaTokens) } : {}),
        },
        group: `vanilla@${budget}`,
        groupName: label,
        budget,
      });
    }
  }
  return plan;
}

/**
 * The whole comparison, in order: synthetic world → evidence teacher → filtered step data → one
 * tiny Qwen2 initialisation per seed → each objective trained from it (same init, order, seed;
 * Vanilla-KD at equal epochs and/or equal tokens) → ONNX export → IRCoT evaluation of every
 * student and the teacher on held-out test questions → report with tables, per-seed and pooled
 * paired tests and figures in outDir, recorded in the workspace's report list.
 */
export async function runExperiment(
  wb: Workbench,
  preset: ExperimentPreset,
  opts: ExperimentOptions,
): Promise<ExperimentResult> {
  const started = Date.now();
  const log = opts.log ?? (() => {});
  const out = resolve(opts.outDir);
  mkdirSync(out, { recursive: true });
  const signal = opts.signal;

  log('building the synthetic world, running the evidence teacher, building step data');
  const world = await prepareWorld(wb, preset.world, preset.testQuestions, opts.split);
  const evalOpts = (concurrency: number) => ({ maxTokens: preset.maxTokens, concurrency, signal, log });

  const systems: SystemResult[] = [];
  const teacher = await evaluateSystem(
    wb,
    world.evalBase,
    'Teacher (evidence)',
    { kind: 'evidence' },
    evalOpts(4),
  );
  systems.push({
    name: TEACHER_NAME,
    group: 'teacher',
    groupName: TEACHER_NAME,
    objective: null,
    budget: null,
    seed: null,
    tokensTrained: null,
    trainSeconds: null,
    epochs: null,
    optimizerSteps: null,
    trainingRunId: null,
    studentDir: null,
    ...teacher,
  });

  const exporter = sharedExporter();
  const setup = {
    examples: world.examples,
    datasetId: world.dataset.id,
    train: preset.train,
    exporter,
    device: opts.device ?? 'cpu',
  };
  const sigmaSeries: SigmaSeries[] = [];
  const returned = opts.trainedOn ? await readReturnedRun(wb, opts.trainedOn, world.examples) : null;
  const inits = returned
    ? [await bundleInit(wb, world.examples, preset)]
    : await studentInits(
        wb,
        { examples: world.examples, corpusId: world.evalBase.corpusId },
        preset,
        log,
        opts.device,
      );
  for (const init of inits) {
    const seed = init.seed;
    for (const planned of planStudents(preset, world.examples, init.dir, seed)) {
      const student = returned
        ? await returnedStudent(wb, setup, init, planned.spec, returned, log)
        : await trainStudent(wb, setup, init, planned.spec, { signal, log });
      const evaluated = await evaluateSystem(
        wb,
        world.evalBase,
        student.name,
        { kind: 'onnx', dir: student.dir },
        evalOpts(1),
      );
      systems.push({
        name: student.name,
        group: planned.group,
        groupName: planned.groupName,
        objective: student.objective,
        budget: planned.budget,
        seed,
        tokensTrained: student.tokensTrained,
        trainSeconds: student.trainSeconds,
        epochs: student.epochs,
        optimizerSteps: student.optimizerSteps,
        trainingRunId: student.trainingRunId,
        studentDir: student.dir,
        promptsCut: promptsCut(
          wb.store.evaluations.allTraces(evaluated.evaluationId).map((t) => t.trace),
          student.dir,
          preset.train.maxSeqLen,
          preset.maxTokens,
        ),
        ...evaluated,
      });
      sigmaSeries.push(...sigmaSeriesOf(student.name, seed, student.sigma));
    }
  }

  const questions = wb.store.questionSets.questions(world.evalBase.questionSetId);
  const traces = tracesOf(wb, systems);
  const { pooled, comparisons, primary } = compareSystems(
    systems,
    traces,
    questions,
    preset.seeds,
    preset.primary,
  );

  const figures = { accuracyLatency: 'figure6-accuracy-latency.png', sigma: 'figure7-sigma.png' };
  writeFileSync(join(out, figures.accuracyLatency), accuracyLatencyPng(systems));
  const firstDifficulty = sigmaSeries.filter(
    (s) => s.seed === preset.seeds[0] && s.system.startsWith(OBJECTIVE_NAMES['steper-difficulty']),
  );
  writeFileSync(join(out, figures.sigma), sigmaPng(firstDifficulty));

  const result: ExperimentResult = {
    preset: preset.name,
    claims: preset.claims && primary.powered,
    primary,
    fit: sequenceFit(world.examples, inits[0]!.dir, preset.train.maxSeqLen),
    ...(preset.warmStart ? { warmStart: preset.warmStart } : {}),
    ...(returned ? { gpu: gpuSummary(returned) } : {}),
    split: opts.split ?? 'test',
    budget: budgetOf(preset),
    command: opts.command,
    commit: opts.commit,
    startedAt: new Date(started).toISOString(),
    wallSeconds: (Date.now() - started) / 1000,
    world: preset.world,
    teacher: {
      traces: world.demo.tracesDone,
      kept: world.demo.tracesKept,
      examples: { ...world.dataset.manifest.counts.examples },
    },
    systems,
    pooled,
    comparisons,
    sigmaSeries,
    figures,
    byType: typeRows(systems, traces, questions),
    stepErrors: stepErrorRows(systems, traces, questions, preset.primary.questionTypes),
  };
  writeFileSync(join(out, 'report.md'), renderReport(result));
  writeFileSync(join(out, 'result.json'), `${JSON.stringify(result, null, 2)}\n`);
  recordReport(wb, {
    kind: 'experiment',
    name: `Vanilla-KD vs StepER (${preset.name})`,
    preset: preset.name,
    outDir: out,
  });
  return result;
}

function tracesOf(wb: Workbench, systems: readonly SystemResult[]): Map<string, Trace[]> {
  return new Map(
    systems.map((s) => [s.evaluationId, wb.store.evaluations.allTraces(s.evaluationId).map((t) => t.trace)]),
  );
}

/**
 * The statistics of a finished run, from its traces: each student group pooled over its seeds,
 * each StepER variant against each Vanilla-KD budget per seed and pooled (questions resampled with
 * all their seeds), on every metric and on the primary one, and whether the best group reached
 * the primary metric's bar.
 */
function compareSystems(
  systems: readonly SystemResult[],
  traces: ReadonlyMap<string, readonly Trace[]>,
  questions: readonly Question[],
  seeds: readonly number[],
  primaryMetric: ExperimentPreset['primary'],
): { pooled: PooledRow[]; comparisons: ComparisonResult[]; primary: PrimaryVerdict } {
  const types = primaryMetric.questionTypes;
  const runsOf = (group: string, only: readonly number[] = seeds): SeedRun[] =>
    systems
      .filter((s) => s.group === group && s.seed !== null && only.includes(s.seed))
      .map((s) => ({ seed: s.seed!, traces: traces.get(s.evaluationId)! }));
  const groups = [...new Map(systems.filter((s) => s.objective).map((s) => [s.group, s])).values()];
  const bootstrap = { resamples: systems[0]!.summary.bootstrap.resamples, seed: 0 };
  const pooled = groups.map((g) =>
    pooledRow(
      { name: g.groupName, group: g.group, objective: g.objective, budget: g.budget },
      runsOf(g.group),
      questions,
      bootstrap,
      types,
    ),
  );
  const comparisons: ComparisonResult[] = [];
  for (const vanilla of groups.filter((g) => g.budget !== null)) {
    for (const steper of groups.filter((g) => g.objective !== 'vanilla')) {
      const compare = (only: readonly number[]) => {
        const [a, b] = [runsOf(steper.group, only), runsOf(vanilla.group, only)];
        return {
          result: pooledComparison(a, b, questions, bootstrap),
          primary: primaryComparison(a, b, questions, types, bootstrap),
        };
      };
      for (const seed of seeds) {
        const name = (g: SystemResult) => systems.find((s) => s.group === g.group && s.seed === seed)!.name;
        comparisons.push({
          a: name(steper),
          b: name(vanilla),
          budget: vanilla.budget!,
          seed,
          ...compare([seed]),
        });
      }
      comparisons.push({
        a: steper.groupName,
        b: vanilla.groupName,
        budget: vanilla.budget!,
        seed: null,
        ...compare(seeds),
      });
    }
  }
  const best = pooled.filter((p) => p.primary).sort((x, y) => y.primary!.mean - x.primary!.mean)[0];
  const primary = {
    ...primaryMetric,
    best: best ? { name: best.name, mean: best.primary!.mean, ci: best.primary!.ci } : null,
    powered: best !== undefined && best.primary!.mean >= primaryMetric.poweredAt,
  };
  return { pooled, comparisons, primary };
}

/** The teacher and each student group with its seeds' traces, in the order the systems ran. */
function groupRuns(
  systems: readonly SystemResult[],
  traces: ReadonlyMap<string, readonly Trace[]>,
): { name: string; runs: SeedRun[] }[] {
  const groups = [...new Map(systems.map((s) => [s.group, s])).values()];
  return groups.map((g) => ({
    name: g.groupName,
    runs: systems
      .filter((s) => s.group === g.group)
      .map((s) => ({ seed: s.seed ?? 0, traces: traces.get(s.evaluationId)! })),
  }));
}

/** The teacher and each student group (pooled over its seeds) per question type. */
function typeRows(
  systems: readonly SystemResult[],
  traces: ReadonlyMap<string, readonly Trace[]>,
  questions: readonly Question[],
): TypeRow[] {
  return groupRuns(systems, traces).flatMap((g) => byQuestionType(g.name, g.runs, questions));
}

/** Where each group's chains break (stepErrors.ts), the teacher first, pooled over seeds. */
function stepErrorRows(
  systems: readonly SystemResult[],
  traces: ReadonlyMap<string, readonly Trace[]>,
  questions: readonly Question[],
  types: readonly string[],
): StepErrorRow[] {
  return groupRuns(systems, traces).map((g) => stepErrors(g.name, g.runs, questions, types));
}

/**
 * Writes a finished experiment's report.md (and result.json) again from its result.json and the
 * traces in its workspace, its statistics recomputed: for a report written before a section or a
 * method (the primary metric, intervals over questions) was added.
 */
export function rerenderReport(wb: Workbench, outDir: string): ExperimentResult {
  const file = join(outDir, 'result.json');
  const result = JSON.parse(readFileSync(file, 'utf8')) as ExperimentResult;
  const first = result.systems[0];
  if (!first) throw new Error(`${file} lists no systems`);
  const evaluation = wb.store.evaluations.require(first.evaluationId);
  const questions = wb.store.questionSets.questions(
    (evaluation.config as { questionSetId: string }).questionSetId,
  );
  const traces = tracesOf(wb, result.systems);
  const seeds = [...new Set(result.systems.flatMap((s) => (s.seed === null ? [] : [s.seed])))];
  // The primary metric as the run named it; runs from before it was named get the multi-hop EM.
  const stats = compareSystems(result.systems, traces, questions, seeds, result.primary ?? MULTI_HOP_EM);
  const updated: ExperimentResult = {
    ...result,
    // Reports before the relabelling called the oracle "few-shot prompts", which it never reads.
    systems: result.systems.map((s) =>
      s.group === 'teacher' ? { ...s, name: TEACHER_NAME, groupName: TEACHER_NAME } : s,
    ),
    ...stats,
    claims: result.claims && stats.primary.powered,
    byType: typeRows(result.systems, traces, questions),
    stepErrors: stepErrorRows(result.systems, traces, questions, stats.primary.questionTypes),
  };
  writeFileSync(join(outDir, 'report.md'), renderReport(updated));
  writeFileSync(file, `${JSON.stringify(updated, null, 2)}\n`);
  return updated;
}
