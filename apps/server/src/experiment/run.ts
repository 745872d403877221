import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { compareStudents, scoreTraces, type TrainerEvent } from '@steper/core';
import { ensureDemo } from '../demo/demo';
import { startEvaluation } from '../evaluation/start';
import type { EvalSummary } from '../evaluation/summary';
import { EXAMPLES_FILE } from '../stepdata/build';
import { startTraining } from '../training/start';
import type { Workbench } from '../workbench';
import { chartSvg, svgToPng } from './plots';
import type { ExperimentPreset } from './presets';
import { trainerPython } from './python';
import { type ExperimentResult, renderReport, type SystemResult } from './report';
import { epochTokens } from './tokens';

const NAMES: Record<string, string> = {
  vanilla: 'Vanilla-KD',
  'steper-uniform': 'StepER (uniform)',
  'steper-difficulty': 'StepER (difficulty-aware)',
};

export interface ExperimentOptions {
  outDir: string;
  command: string;
  commit: string;
  log?: (line: string) => void;
}

/**
 * The whole comparison, in order: synthetic world → evidence teacher → filtered step data → one
 * tiny Qwen2 initialisation per seed → each objective trained from it (same init, order, seed) →
 * ONNX export → IRCoT evaluation of every student and the teacher on held-out test questions →
 * report with tables, paired tests and figures in outDir.
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

  log('building the synthetic world, running the evidence teacher, building step data');
  const demo = await ensureDemo(wb, preset.world);
  const dataset = wb.store.stepDatasets.require(demo.datasetId);
  const examples = wb.store.path(join(dataset.exportDir, EXAMPLES_FILE));
  const evalBase = {
    corpusId: demo.corpusId,
    questionSetId: demo.questionSetIds.test,
    loop: 'ircot' as const,
    maxSteps: 5,
    topK: 4,
    limit: preset.testQuestions,
  };

  const systems: SystemResult[] = [];
  const evaluate = async (
    name: string,
    generator: Parameters<typeof startEvaluation>[1]['generator'],
    concurrency: number,
  ) => {
    log(`evaluating ${name}`);
    const { evaluation } = await startEvaluation(
      wb,
      { ...evalBase, name, generator, maxTokens: preset.maxTokens, concurrency },
      { queue: false },
    );
    const job = await wb.runner.runNow('eval', { evaluationId: evaluation.id }, (j) =>
      wb.store.evaluations.setJob(evaluation.id, j.id),
    );
    if (job.status !== 'done') throw new Error(`evaluation of ${name} ${job.status}: ${job.error}`);
    return {
      evaluationId: evaluation.id,
      summary: wb.store.evaluations.require(evaluation.id).metrics as unknown as EvalSummary,
    };
  };

  const teacherEval = await evaluate('Teacher (evidence)', { kind: 'evidence' }, 4);
  systems.push({
    name: 'Teacher (evidence, few-shot prompts)',
    objective: null,
    seed: null,
    tokensTrained: null,
    trainSeconds: null,
    ...teacherEval,
  });

  const sigmaSeries: { name: string; points: { x: number; y: number }[] }[] = [];
  for (const seed of preset.seeds) {
    const init = join(out, 'models', `init-seed${seed}`);
    log(`building the tiny Qwen2 initialisation (seed ${seed})`);
    await trainerPython([
      '-m',
      'steper_trainer.tiny_model',
      '--corpus',
      examples,
      '--out',
      init,
      '--vocab-size',
      String(preset.model.vocabSize),
      '--hidden-size',
      String(preset.model.hiddenSize),
      '--layers',
      String(preset.model.layers),
      '--seed',
      String(seed),
    ]);
    const perEpoch = Object.fromEntries(preset.objectives.map((o) => [o, epochTokens(examples, init, o)]));
    const steperTokens = Math.max(
      ...preset.objectives.filter((o) => o !== 'vanilla').map((o) => perEpoch[o]!.tokens),
    );
    for (const objective of preset.objectives) {
      const { tokens, questions } = perEpoch[objective]!;
      // Equal-token budget: Vanilla-KD repeats its (fewer) tokens until it has seen as many as StepER.
      const scale = preset.budget === 'token' && objective === 'vanilla' ? steperTokens / tokens : 1;
      const epochs = Math.max(1, Math.round(preset.train.epochs * scale));
      const maxSteps = preset.train.maxSteps === null ? null : Math.round(preset.train.maxSteps * scale);
      const name = `${NAMES[objective]} · seed ${seed}`;
      log(`training ${name}`);
      const t0 = Date.now();
      const { run } = await startTraining(
        wb,
        {
          name,
          datasetId: dataset.id,
          config: {
            model: init,
            objective,
            seed,
            device: 'cpu',
            precision: 'fp32',
            epochs,
            batch_size: preset.train.batchSize,
            lr: preset.train.lr,
            sigma_lr: preset.train.sigmaLr,
            max_seq_len: preset.train.maxSeqLen,
            max_steps: maxSteps,
            eval_fraction: 0,
            eval_every: 0,
            checkpoint_every: 0,
            gradient_checkpointing: false,
          },
        },
        { queue: false },
      );
      const job = await wb.runner.runNow('train', { runId: run.id }, (j) =>
        wb.store.trainingRuns.setJob(run.id, j.id),
      );
      if (job.status !== 'done') throw new Error(`training ${name} ${job.status}: ${job.error}`);
      const trainSeconds = (Date.now() - t0) / 1000;
      const events = wb.store.trainingRuns.events(run.id).map((e) => e.event as TrainerEvent);
      const steps = events.filter((e): e is Extract<TrainerEvent, { event: 'step' }> => e.event === 'step');
      if (objective === 'steper-difficulty' && seed === preset.seeds[0]) {
        for (const stage of ['init', 'exp', 'agg'] as const) {
          sigmaSeries.push({
            name: `σ̃ ${stage}`,
            points: steps.flatMap((s) =>
              s.sigmaNorm[stage] === null ? [] : [{ x: s.step, y: s.sigmaNorm[stage]! }],
            ),
          });
        }
      }
      const stepsDone = steps.at(-1)?.step ?? 0;
      const epochsSeen = Math.min(epochs, (stepsDone * preset.train.batchSize) / Math.max(1, questions));
      const exported = join(out, 'students', `${objective}-seed${seed}`);
      log(`exporting ${name} to ONNX`);
      await trainerPython([
        '-m',
        'steper_trainer',
        'export',
        '--checkpoint',
        wb.store.path(run.runDir),
        '--out',
        exported,
        '--formats',
        'onnx',
      ]);
      const evaluated = await evaluate(name, { kind: 'onnx', dir: exported }, 1);
      systems.push({
        name,
        objective,
        seed,
        tokensTrained: Math.round(tokens * epochsSeen),
        trainSeconds,
        ...evaluated,
      });
    }
  }

  const comparisons = [];
  const scoresOf = (s: SystemResult) =>
    scoreTraces(
      wb.store.evaluations.allTraces(s.evaluationId).map((t) => t.trace),
      wb.store.questionSets.questions(evalBase.questionSetId),
    ).perTrace;
  for (const seed of preset.seeds) {
    const vanilla = systems.find((s) => s.objective === 'vanilla' && s.seed === seed);
    for (const s of systems.filter((x) => x.seed === seed && x.objective?.startsWith('steper'))) {
      if (vanilla)
        comparisons.push({
          a: s.name,
          b: vanilla.name,
          result: compareStudents(scoresOf(s), scoresOf(vanilla)),
        });
    }
  }

  const figures = { accuracyLatency: 'figure6-accuracy-latency.png', sigma: 'figure7-sigma.png' };
  writeFileSync(
    join(out, figures.accuracyLatency),
    svgToPng(
      chartSvg({
        title: 'Accuracy vs latency (IRCoT, held-out)',
        xLabel: 'latency per question (ms)',
        yLabel: 'Acc (%)',
        kind: 'scatter',
        series: systems.map((s) => ({
          name: s.name.replace(' · seed ', ' s'),
          points: [
            {
              x: s.summary.latencyMs,
              y: 100 * s.summary.acc,
              yLow: 100 * (s.summary.intervals.acc?.ci[0] ?? s.summary.acc),
              yHigh: 100 * (s.summary.intervals.acc?.ci[1] ?? s.summary.acc),
            },
          ],
        })),
      }),
    ),
  );
  writeFileSync(
    join(out, figures.sigma),
    svgToPng(
      chartSvg({
        title: 'Normalised σ̃ per stage (StepER difficulty-aware)',
        xLabel: 'optimizer step',
        yLabel: 'σ̃',
        kind: 'line',
        series: sigmaSeries,
      }),
    ),
  );

  const result: ExperimentResult = {
    preset: preset.name,
    claims: preset.claims,
    budget: preset.budget,
    command: opts.command,
    commit: opts.commit,
    startedAt: new Date(started).toISOString(),
    wallSeconds: (Date.now() - started) / 1000,
    world: preset.world,
    teacher: {
      traces: demo.tracesDone,
      kept: demo.tracesKept,
      examples: { ...dataset.manifest.counts.examples },
    },
    systems,
    comparisons,
    figures,
  };
  writeFileSync(join(out, 'report.md'), renderReport(result));
  writeFileSync(join(out, 'result.json'), `${JSON.stringify(result, null, 2)}\n`);
  return result;
}
