import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors';
import { TRAINER_PROJECT } from '../paths';
import { parseTrainerLine } from '../training/events';
import type { Workbench } from '../workbench';
import type { BundleManifest } from './gpuBundle';
import { trainerPython } from './python';
import { contentKey, fileHash, StepRecords } from './steps';
import {
  exportStudent,
  type InitModel,
  type StudentSpec,
  studentFigures,
  type TrainedStudent,
  type TrainingSetup,
} from './students';

const GPU_EXPERIMENT = join(TRAINER_PROJECT, 'bench', 'gpu_experiment.py');

/** One stage's line of the GPU run's runs.json (gpu_experiment.py). */
export interface GpuRun {
  stage: string;
  kind: 'warm' | 'student';
  wallSeconds: number;
  steps: number;
  finalLoss: number | null;
}

/** One row of bench.py's bench.json. */
export interface BenchRow {
  shape: string;
  loop: string;
  tokensPerSec: number;
  mfu: number | null;
  peakGiB?: number | null;
  device: string;
}

/** A GPU run, unpacked: runs.json, bundle.json, the events and each student's float16 folder. */
export interface ReturnedRun {
  /** The run's experiment/ folder. */
  dir: string;
  runs: GpuRun[];
  bundle: BundleManifest;
  /** machine.json of bench/gpu/run.sh (the GPU, the versions), when the run wrote one. */
  machine: Record<string, unknown> | null;
  /** Files too large to come back (run.manifest.json's leftOut). */
  leftOut: string[];
  /** bench.py's rows, when the command wrote any before the experiment. */
  bench: BenchRow[];
}

/** The report's account of the GPU run. */
export function gpuSummary(r: ReturnedRun) {
  return {
    bundleCommit: r.bundle.commit,
    warm: r.bundle.warm,
    runs: r.runs,
    machine: r.machine,
    bench: r.bench,
  };
}

const MANIFEST = 'run.manifest.json';

/** Where a GPU run's folders are: the device tool's files (packed), a run folder, or its experiment/. */
export function isGpuRun(dir: string): boolean {
  return [MANIFEST, join('experiment', 'runs.json'), 'runs.json'].some((f) => existsSync(join(dir, f)));
}

/**
 * A GPU run, from the files the device tool brought back (unpacked once into the workspace, the
 * archive's size and sha256 checked) or from a run folder, checked against the world it is
 * evaluated in: its step data must be the bundle's, or the comparison would measure students on
 * questions they trained on.
 */
export async function readReturnedRun(wb: Workbench, from: string, examples: string): Promise<ReturnedRun> {
  let root = from;
  let leftOut: string[] = [];
  if (existsSync(join(from, MANIFEST))) {
    const manifest = JSON.parse(readFileSync(join(from, MANIFEST), 'utf8')) as {
      sha256: string;
      leftOut: string[];
    };
    leftOut = manifest.leftOut;
    root = wb.store.path(join('gpu-runs', manifest.sha256.slice(0, 20)));
    if (!existsSync(join(root, '.unpacked'))) {
      rmSync(root, { recursive: true, force: true });
      await trainerPython([GPU_EXPERIMENT, 'unpack', '--pieces', from, '--to', root]);
      writeFileSync(join(root, '.unpacked'), '');
    }
  }
  const dir = existsSync(join(root, 'experiment', 'runs.json')) ? join(root, 'experiment') : root;
  const need = (name: string) => {
    const path = join(dir, name);
    if (!existsSync(path))
      throw new UserError(
        'BAD_REQUEST',
        `--trained-on: ${from} has no ${name}: not the output of a GPU run.`,
      );
    return JSON.parse(readFileSync(path, 'utf8'));
  };
  const runs = need('runs.json') as GpuRun[];
  const bundle = need('bundle.json') as BundleManifest;
  const here = fileHash(examples);
  if (bundle.examples !== here) {
    throw new UserError(
      'CONFLICT',
      `--trained-on: the students of ${from} trained on step data ${bundle.examples} (preset ${bundle.preset}); this workspace's is ${here}: evaluate them in the workspace the bundle was built in, or with the preset it was built from.`,
    );
  }
  // run.sh writes the experiment one folder below the machine's description and the benchmark.
  const beside = (name: string) => {
    const file = join(dir, '..', name);
    return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : null;
  };
  return { dir, runs, bundle, machine: beside('machine.json'), leftOut, bench: beside('bench.json') ?? [] };
}

/**
 * A student trained on the GPU, as trainStudent's result: its float16 folder exported to ONNX
 * here, its σ series read from the run's events. Kept in the workspace under its weights' content, so evaluating the same returned run again exports nothing.
 */
export async function returnedStudent(
  wb: Workbench,
  setup: TrainingSetup,
  init: InitModel,
  spec: StudentSpec,
  returned: ReturnedRun,
  log: (line: string) => void = () => {},
): Promise<Omit<TrainedStudent, 'trainingRunId'> & { trainingRunId: null }> {
  const run = returned.runs.find((r) => r.kind === 'student' && r.stage === spec.objective);
  const folder = join(returned.dir, spec.objective);
  if (!run) {
    const trained = returned.runs.filter((r) => r.kind === 'student').map((r) => r.stage);
    throw new UserError(
      'BAD_REQUEST',
      `--trained-on: ${returned.dir} has no ${spec.objective} student (it trained: ${trained.join(', ') || 'none'}).`,
    );
  }
  if (!existsSync(join(folder, 'model.safetensors'))) {
    const left = returned.leftOut.some((f) => f.startsWith(`experiment/${spec.objective}/`));
    throw new UserError(
      'BAD_REQUEST',
      `--trained-on: the ${spec.objective} student's weights (${join(folder, 'model.safetensors')}) ${left ? 'were too large to come back from the GPU machine' : 'are missing'}.`,
    );
  }
  const key = contentKey({ gpu: fileHash(join(folder, 'model.safetensors')), objective: spec.objective });
  const dir = wb.store.path(join('students', `gpu-${key}`));
  const records = new StepRecords(wb.store);
  let reused = true;
  if (!records.get('gpu-student', key)?.exported || !existsSync(join(dir, 'onnx', 'model.onnx'))) {
    reused = false;
    log(`exporting ${spec.name} (trained by the GPU command) to ONNX`);
    rmSync(dir, { recursive: true, force: true });
    await exportStudent(setup, folder, dir);
    records.put('gpu-student', key, { exported: true });
  }

  const events = readFileSync(join(returned.dir, `${spec.objective}.events.jsonl`), 'utf8')
    .split('\n')
    .map(parseTrainerLine)
    .flatMap((p) => (p.kind === 'event' ? [p.event] : []));
  return {
    ...studentFigures(setup, init, spec, { epochs: setup.train.epochs, optimizerSteps: run.steps, events }),
    key,
    // Trained on the lent machine, not as a run of this workspace: its events are in the run's folder.
    trainingRunId: null,
    dir,
    epochs: setup.train.epochs,
    maxSteps: setup.train.maxSteps,
    optimizerSteps: run.steps,
    trainSeconds: run.wallSeconds,
    reused,
  };
}
