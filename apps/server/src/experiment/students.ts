import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StepConfig, TrainerEvent } from '@steper/core';
import { startTraining } from '../training/start';
import type { Workbench } from '../workbench';
import { requireDone, runChildJob } from './child-jobs';
import type { ExperimentPreset } from './presets';
import { pretrainedInit } from './pretrain';
import { type OnnxExporter, trainerPython } from './python';
import { contentKey, fileHash, StepRecords } from './steps';
import { checkNothingCut, epochTokens, sequenceFit } from './tokens';
import { warmStartInit } from './warmStart';

export type Objective = 'vanilla' | 'steper-uniform' | 'steper-fixed' | 'steper-difficulty';

export const OBJECTIVE_NAMES: Record<Objective, string> = {
  vanilla: 'Vanilla-KD',
  'steper-uniform': 'StepER (uniform)',
  'steper-fixed': 'StepER (fixed λ)',
  'steper-difficulty': 'StepER (difficulty-aware)',
};

/** The tiny Qwen2 initialisation every objective of one seed starts from. */
export interface InitModel {
  dir: string;
  key: string;
  seed: number;
}

/** Where buildInit keeps the init of (data, size, seed): it is built there once. */
export function initFolder(
  wb: Workbench,
  examples: string,
  model: ExperimentPreset['model'],
  seed: number,
): { dir: string; key: string } {
  const key = contentKey({ examples: fileHash(examples), model, seed });
  return { dir: wb.store.path(join('students', `init-${key}`)), key };
}

/**
 * A tiny Qwen2-architecture model with random weights and a tokenizer trained on the step data,
 * one per (data, size, seed), kept in the workspace and reused by every run that asks for it.
 */
export async function buildInit(
  wb: Workbench,
  examples: string,
  model: ExperimentPreset['model'],
  seed: number,
): Promise<InitModel> {
  const { dir, key } = initFolder(wb, examples, model, seed);
  if (!existsSync(join(dir, 'config.json'))) {
    rmSync(dir, { recursive: true, force: true });
    await trainerPython([
      '-m',
      'steper_trainer.tiny_model',
      '--corpus',
      examples,
      '--out',
      dir,
      '--vocab-size',
      String(model.vocabSize),
      '--hidden-size',
      String(model.hiddenSize),
      '--layers',
      String(model.layers),
      '--seed',
      String(seed),
      ...(model.heads ? ['--heads', String(model.heads)] : []),
      ...(model.ropeTheta ? ['--rope-theta', String(model.ropeTheta)] : []),
    ]);
  }
  return { dir, key, seed };
}

/**
 * The initialisation of each seed, in seed order. With pre-training, the first seed's random init
 * is pre-trained once and every seed fine-tunes that one base: like runs from one pretrained LM,
 * seeds then differ in question order only.
 */
export async function studentInits(
  wb: Workbench,
  world: { examples: string; corpusId: string },
  preset: Pick<ExperimentPreset, 'model' | 'seeds' | 'pretrain' | 'warmStart'> & {
    train?: { maxSeqLen: number; cutPrompts: boolean };
  },
  log: (line: string) => void = () => {},
  device: TrainDevice = 'cpu',
): Promise<InitModel[]> {
  // Checked on the first tokenizer, before any pre-training is paid for.
  const fits = (init: InitModel) => {
    if (preset.train && !preset.train.cutPrompts)
      checkNothingCut(sequenceFit(world.examples, init.dir, preset.train.maxSeqLen));
    return init;
  };
  if (preset.warmStart) {
    if (preset.pretrain) throw new Error('a preset has either a warmStart or pretrain stages, not both');
    log(`loading the warm start ${preset.warmStart.path}`);
    const warm = fits(warmStartInit(wb, preset.warmStart, preset.model, preset.seeds[0]!));
    return preset.seeds.map((seed) => ({ ...warm, seed }));
  }
  if (preset.pretrain) {
    const [first] = preset.seeds;
    log(`building the tiny Qwen2 initialisation (seed ${first})`);
    const random = fits(await buildInit(wb, world.examples, preset.model, first!));
    const base = await pretrainedInit(wb, random, world.corpusId, preset.pretrain, log, device);
    return preset.seeds.map((seed) => ({ ...base, seed }));
  }
  const inits: InitModel[] = [];
  for (const seed of preset.seeds) {
    log(`building the tiny Qwen2 initialisation (seed ${seed})`);
    inits.push(fits(await buildInit(wb, world.examples, preset.model, seed)));
  }
  return inits;
}

/** One student to train: an objective (with its λ or step configuration) from one init. */
export interface StudentSpec {
  name: string;
  objective: Objective;
  /** λ (init, exp, agg) for steper-fixed. */
  stageWeights?: [number, number, number];
  /** §6.1 step configuration (StepER objectives); all stages by default. */
  stepConfig?: StepConfig;
  /** Multiplies epochs and the step cap: the equal-token budget of Vanilla-KD. */
  budgetScale?: number;
}

export interface SigmaPoint {
  step: number;
  sigma: number;
  sigmaNorm: number;
}

export interface TrainedStudent {
  name: string;
  objective: Objective;
  stageWeights: [number, number, number] | null;
  stepConfig: StepConfig | null;
  seed: number;
  key: string;
  trainingRunId: string;
  /** The ONNX export the evaluation loads. */
  dir: string;
  epochs: number;
  maxSteps: number | null;
  optimizerSteps: number;
  /** Prompt + target tokens of one epoch of its examples (student tokenizer). */
  epochTokens: number;
  /** Estimated tokens seen: one epoch's tokens × epochs completed. */
  tokensTrained: number;
  trainSeconds: number;
  /** σ_j and σ̃_j per stage over training (difficulty-aware only; empty otherwise). */
  sigma: Record<'init' | 'exp' | 'agg', SigmaPoint[]>;
  /** Found in the workspace from an earlier run with the same inputs. */
  reused: boolean;
}

/** What every student of a comparison shares: the data, its dataset row (if any), the sizes, the exporter. */
export interface TrainingSetup {
  examples: string;
  datasetId?: string;
  train: ExperimentPreset['train'];
  /** One interpreter for every ONNX export of the run; a one-off process per export without it. */
  exporter?: OnnxExporter;
  /** Where the trainer runs (default cpu, fp32); cuda trains with bf16 autocast. */
  device?: TrainDevice;
}

export type TrainDevice = 'cpu' | 'cuda';

/** The trainer's device and precision settings for a device. */
export function deviceConfig(device: TrainDevice = 'cpu'): {
  device: TrainDevice;
  precision: 'fp32' | 'auto';
} {
  return { device, precision: device === 'cpu' ? 'fp32' : 'auto' };
}

type Step = Extract<TrainerEvent, { event: 'step' }>;

function sigmaOf(steps: readonly Step[]): TrainedStudent['sigma'] {
  const out: TrainedStudent['sigma'] = { init: [], exp: [], agg: [] };
  // A resumed run repeats the steps after its checkpoint: the later record of a step wins.
  const byStep = new Map(steps.map((s) => [s.step, s]));
  for (const s of [...byStep.values()].sort((a, b) => a.step - b.step)) {
    for (const stage of ['init', 'exp', 'agg'] as const) {
      const sigma = s.sigma[stage];
      const norm = s.sigmaNorm[stage];
      if (sigma !== null && norm !== null) out[stage].push({ step: s.step, sigma, sigmaNorm: norm });
    }
  }
  return out;
}

/** Writes the training sequence length into the export's config.json, where the ONNX student reads it. */
export function recordContextTokens(dir: string, maxSeqLen: number): void {
  const path = join(dir, 'config.json');
  const config = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  writeFileSync(path, `${JSON.stringify({ ...config, steper_context_tokens: maxSeqLen }, null, 2)}\n`);
}

/**
 * The ONNX export the evaluation loads, from a run folder or a model folder (the shared exporter
 * when the setup has one), with the training sequence length recorded in it.
 */
export async function exportStudent(setup: TrainingSetup, source: string, dir: string): Promise<void> {
  if (setup.exporter) await setup.exporter.export(source, dir);
  else
    await trainerPython([
      '-m',
      'steper_trainer',
      'export',
      '--checkpoint',
      source,
      '--out',
      dir,
      '--formats',
      'onnx',
    ]);
  recordContextTokens(dir, setup.train.maxSeqLen);
}

/**
 * What a trained student is, wherever it trained: its spec, the tokens it saw (one epoch's prompt
 * + target tokens × the epochs its optimizer steps covered) and σ over training from its events.
 */
export function studentFigures(
  setup: TrainingSetup,
  init: InitModel,
  spec: StudentSpec,
  run: { epochs: number; optimizerSteps: number; events: readonly TrainerEvent[] },
): Pick<
  TrainedStudent,
  'name' | 'objective' | 'stageWeights' | 'stepConfig' | 'seed' | 'epochTokens' | 'tokensTrained' | 'sigma'
> {
  const { tokens, questions } = epochTokens(setup.examples, init.dir, spec.objective, spec.stepConfig);
  const epochsSeen = Math.min(
    run.epochs,
    (run.optimizerSteps * setup.train.batchSize) / Math.max(1, questions),
  );
  return {
    name: spec.name,
    objective: spec.objective,
    stageWeights: spec.stageWeights ?? null,
    stepConfig: spec.stepConfig ?? null,
    seed: init.seed,
    epochTokens: tokens,
    tokensTrained: Math.round(tokens * epochsSeen),
    sigma: sigmaOf(run.events.filter((e): e is Step => e.event === 'step')),
  };
}

/**
 * Trains one student from `init` (same init, same question order for the same seed), then
 * exports it to ONNX. Every step is recorded under the content key of its inputs, so a resumed
 * or repeated run continues the training job, or reuses the finished export, instead of paying
 * again. CPU and fp32 unless the setup names cuda.
 */
export async function trainStudent(
  wb: Workbench,
  setup: TrainingSetup,
  init: InitModel,
  spec: StudentSpec,
  opts: { signal?: AbortSignal | undefined; log?: (line: string) => void } = {},
): Promise<TrainedStudent> {
  const { train } = setup;
  const scale = spec.budgetScale ?? 1;
  const epochs = Math.max(1, Math.round(train.epochs * scale));
  const maxSteps = train.maxSteps === null ? null : Math.max(1, Math.round(train.maxSteps * scale));
  // The objective's own default step configuration is left out, so "all" and no choice are one student.
  const stepConfig =
    spec.stepConfig === (spec.objective === 'vanilla' ? 'agg' : 'all') ? undefined : spec.stepConfig;
  const config = {
    model: init.dir,
    objective: spec.objective,
    ...(spec.stageWeights ? { stage_weights: spec.stageWeights } : {}),
    ...(stepConfig ? { step_config: stepConfig } : {}),
    seed: init.seed,
    ...deviceConfig(setup.device),
    epochs,
    batch_size: train.batchSize,
    lr: train.lr,
    sigma_lr: train.sigmaLr,
    max_seq_len: train.maxSeqLen,
    max_steps: maxSteps,
    eval_fraction: 0,
    eval_every: 0,
    checkpoint_every: 0,
    gradient_checkpointing: false,
  };
  const key = contentKey({
    data: fileHash(setup.examples),
    init: init.key,
    config: { ...config, model: null },
  });
  const records = new StepRecords(wb.store);
  const record =
    records.get<{ runId: string; exported: boolean; trainSeconds: number }>('student', key) ?? {};
  const dir = wb.store.path(join('students', key));
  let reused = true;
  let trainSeconds = record.trainSeconds ?? 0;

  let run = record.runId ? wb.store.trainingRuns.get(record.runId) : undefined;
  if (run?.status !== 'done') {
    reused = false;
    const t0 = Date.now();
    if (run?.jobId && wb.store.jobs.get(run.jobId)) {
      opts.log?.(`resuming training of ${spec.name}`);
      requireDone(await runChildJob(wb, { resume: run.jobId }, opts), `training ${spec.name}`);
    } else {
      opts.log?.(`training ${spec.name}`);
      const started = await startTraining(
        wb,
        {
          name: spec.name,
          ...(setup.datasetId ? { datasetId: setup.datasetId } : {}),
          config: setup.datasetId ? config : { ...config, data: setup.examples },
        },
        { queue: false },
      );
      run = started.run;
      records.put('student', key, { runId: run.id, exported: false });
      const runId = run.id;
      const job = await runChildJob(
        wb,
        { kind: 'train', payload: { runId } },
        { ...opts, created: (j) => wb.store.trainingRuns.setJob(runId, j.id) },
      );
      requireDone(job, `training ${spec.name}`);
    }
    trainSeconds = (Date.now() - t0) / 1000;
    records.put('student', key, { trainSeconds, exported: false });
  }
  const runId = (run ?? wb.store.trainingRuns.require(record.runId!)).id;

  if (!record.exported || reused === false || !existsSync(join(dir, 'onnx', 'model.onnx'))) {
    reused = false;
    opts.signal?.throwIfAborted();
    opts.log?.(`exporting ${spec.name} to ONNX`);
    rmSync(dir, { recursive: true, force: true });
    await exportStudent(setup, wb.store.path(wb.store.trainingRuns.require(runId).runDir), dir);
    records.put('student', key, { exported: true });
  }

  const events = wb.store.trainingRuns.events(runId).map((e) => e.event);
  const steps = events.filter((e): e is Step => e.event === 'step');
  const optimizerSteps = steps.reduce((m, s) => Math.max(m, s.step), 0);
  return {
    ...studentFigures(setup, init, spec, { epochs, optimizerSteps, events }),
    key,
    trainingRunId: runId,
    dir,
    epochs,
    maxSteps,
    optimizerSteps,
    trainSeconds,
    reused,
  };
}
