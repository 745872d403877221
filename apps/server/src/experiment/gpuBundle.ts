import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { StepExample } from '@steper/core';
import { UserError } from '../errors';
import type { Workbench } from '../workbench';
import { budgetOf, type ExperimentPreset } from './presets';
import { copyRows, corpusRows, gappedCopyRows } from './pretrain';
import { readingRows } from './reading';
import { fileHash } from './steps';
import { buildInit, type InitModel } from './students';
import { checkNothingCut, sequenceFit } from './tokens';
import { warmStartInit } from './warmStart';
import { type EvalSplit, prepareWorld } from './world';

/** What a bundle was built from: the evaluation of the returned students checks it. */
export interface BundleManifest {
  preset: string;
  commit: string;
  command: string;
  createdAt: string;
  /** fileHash of the step data the students train on. */
  examples: string;
  initKey: string;
  seed: number;
  objectives: string[];
  warm: { name: string; rows: number }[];
}

/** The trainer's fields every stage of the GPU run shares: no eval, one checkpoint at the end. */
const RUN_FIELDS = {
  // The GPU when there is one (bf16 autocast), else the CPU (the test suite's run).
  device: 'auto',
  precision: 'auto',
  eval_fraction: 0,
  eval_every: 0,
  checkpoint_every: 0,
  gradient_checkpointing: false,
};

/**
 * The one init the GPU run starts from: the committed warm start (with its weights), or the
 * random init of the first seed, whose weights are left behind and drawn again on the machine
 * from its config and the seed (tiny_model's draw), so a 10-30M-parameter student travels in
 * kilobytes. The evaluation of the returned students reads its tokenizer.
 */
export async function bundleInit(
  wb: Workbench,
  examples: string,
  preset: ExperimentPreset,
): Promise<InitModel> {
  if (preset.seeds.length !== 1) {
    throw new UserError(
      'BAD_REQUEST',
      `The GPU run trains one seed; this preset has ${preset.seeds.length} (${preset.seeds.join(', ')}): give --seeds N.`,
    );
  }
  if (budgetOf(preset) !== 'epoch') {
    throw new UserError(
      'BAD_REQUEST',
      `The GPU run trains every objective for the same epochs; budget "${budgetOf(preset)}" is not supported there: use --budget epoch.`,
    );
  }
  const seed = preset.seeds[0]!;
  const init = preset.warmStart
    ? warmStartInit(wb, preset.warmStart, preset.model, seed)
    : await buildInit(wb, examples, preset.model, seed);
  if (!preset.train.cutPrompts) checkNothingCut(sequenceFit(examples, init.dir, preset.train.maxSeqLen));
  return init;
}

/** The preset's pre-training as the GPU run's warm stages: rows, and the trainer's settings. */
function warmStages(
  wb: Workbench,
  corpusId: string,
  preset: ExperimentPreset,
  seed: number,
): { name: string; rows: StepExample[]; config: Record<string, unknown> }[] {
  const p = preset.pretrain;
  if (!p || preset.warmStart) return [];
  const passages = wb.store.corpora.allPassages(corpusId);
  const seconds = preset.gpu ? { max_seconds: preset.gpu.warmSeconds } : {};
  const config = (epochs: number, batchSize: number, lr: number, maxSeqLen: number) => ({
    ...RUN_FIELDS,
    ...seconds,
    seed,
    epochs,
    batch_size: batchSize,
    lr,
    max_seq_len: maxSeqLen,
  });
  // The CPU's rounds (each a warm restart, until the copy probe shows the phase change) become
  // their most epochs in one schedule: the GPU run has no Node to probe between rounds.
  const stages = [];
  if (p.copy)
    stages.push({
      name: 'copy',
      rows: copyRows(passages, p.copy, seed),
      config: config(p.copy.maxRounds, p.batchSize, p.lr, p.maxSeqLen),
    });
  if (p.passes > 0)
    stages.push({
      name: 'corpus',
      rows: corpusRows(passages, p, seed),
      config: config(1, p.batchSize, p.lr, p.maxSeqLen),
    });
  if (p.longCopy)
    stages.push({
      name: 'long-copy',
      rows: gappedCopyRows(passages, p.longCopy, seed),
      config: config(p.longCopy.maxRounds, p.longCopy.batchSize, p.longCopy.lr, p.longCopy.maxSeqLen),
    });
  if (p.reading)
    stages.push({
      name: 'reading',
      rows: readingRows(p.reading),
      config: config(p.reading.epochs, p.reading.batchSize, p.reading.lr, p.reading.maxSeqLen),
    });
  return stages;
}

/**
 * The students' float16 weights that can come back from one command: the device tool's 64 MiB
 * less 4 for logs and events, the bound gpu_experiment.py's check_students_come_back holds too.
 */
const RETURN_BYTES = 60 * 2 ** 20;

/** Students whose float16 weights would not come back whole are refused before anything is built. */
function checkStudentsComeBack(initDir: string, students: number): void {
  const fp32 = statSync(join(initDir, 'model.safetensors')).size;
  if ((fp32 / 2) * students > RETURN_BYTES) {
    throw new UserError(
      'BAD_REQUEST',
      `${students} students of ${(fp32 / 2 / 2 ** 20).toFixed(1)} MiB in float16 would not come back from the GPU machine (64 MiB a command): train fewer objectives or a smaller model.`,
    );
  }
}

const jsonl = (rows: readonly unknown[]) => `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`;

/**
 * Issue 19's bundle for one GPU command (apps/trainer/bench/gpu_experiment.py): the world's step
 * data, the init (config and tokenizer; weights only for a committed warm start), the warm stages'
 * rows and recipe.json, packed as a .tar.gz to carry to the machine (at most 64 MiB go with a
 * command). The world is built here, in the experiment's workspace, where `--trained-on`
 * evaluates what comes back.
 */
export async function writeGpuBundle(
  wb: Workbench,
  preset: ExperimentPreset,
  opts: { file: string; command: string; commit: string; split?: EvalSplit; log?: (line: string) => void },
): Promise<{ file: string; bytes: number; manifest: BundleManifest }> {
  const log = opts.log ?? (() => {});
  log('building the synthetic world, running the evidence teacher, building step data');
  const world = await prepareWorld(wb, preset.world, preset.testQuestions, opts.split);
  const init = await bundleInit(wb, world.examples, preset);
  checkStudentsComeBack(init.dir, preset.objectives.length);
  const folder = wb.store.path(join('gpu-bundle', 'bundle'));
  rmSync(dirname(folder), { recursive: true, force: true });
  mkdirSync(join(folder, 'student'), { recursive: true });
  mkdirSync(join(folder, 'warm'), { recursive: true });

  copyFileSync(world.examples, join(folder, 'train.jsonl'));
  for (const name of readdirSync(init.dir)) {
    const weights = /\.(safetensors|bin)$/.test(name) || name === 'model.safetensors.index.json';
    if (statSync(join(init.dir, name)).isFile() && (preset.warmStart || !weights))
      copyFileSync(join(init.dir, name), join(folder, 'student', name));
  }
  const stages = warmStages(wb, world.evalBase.corpusId, preset, init.seed);
  for (const stage of stages) writeFileSync(join(folder, 'warm', `${stage.name}.jsonl`), jsonl(stage.rows));
  const t = preset.train;
  const recipe = {
    objectives: preset.objectives,
    seed: init.seed,
    train: {
      ...RUN_FIELDS,
      ...(preset.gpu ? { max_seconds: preset.gpu.studentSeconds } : {}),
      seed: init.seed,
      epochs: t.epochs,
      batch_size: t.batchSize,
      lr: t.lr,
      sigma_lr: t.sigmaLr,
      max_seq_len: t.maxSeqLen,
      ...(t.maxSteps !== null ? { max_steps: t.maxSteps } : {}),
    },
    warm: stages.map((s) => ({ name: s.name, data: `warm/${s.name}.jsonl`, config: s.config })),
  };
  writeFileSync(join(folder, 'recipe.json'), `${JSON.stringify(recipe, null, 2)}\n`);
  const manifest: BundleManifest = {
    preset: preset.name,
    commit: opts.commit,
    command: opts.command,
    createdAt: new Date().toISOString(),
    examples: fileHash(world.examples),
    initKey: init.key,
    seed: init.seed,
    objectives: preset.objectives,
    warm: stages.map((s) => ({ name: s.name, rows: s.rows.length })),
  };
  writeFileSync(join(folder, 'bundle.json'), `${JSON.stringify(manifest, null, 2)}\n`);

  const file = resolve(opts.file);
  mkdirSync(dirname(file), { recursive: true });
  log(`packing ${file}`);
  execFileSync('tar', ['-czf', file, '-C', dirname(folder), basename(folder)]);
  rmSync(dirname(folder), { recursive: true, force: true });
  return { file, bytes: statSync(file).size, manifest };
}
