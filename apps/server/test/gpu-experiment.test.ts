import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeGpuBundle } from '../src/experiment/gpuBundle';
import { readReturnedRun } from '../src/experiment/gpuStudents';
import { type ExperimentPreset, PRESETS } from '../src/experiment/presets';
import type { ExperimentResult } from '../src/experiment/report';
import { runExperiment } from '../src/experiment/run';
import { REPO_ROOT, TRAINER_PROJECT } from '../src/paths';
import { Workbench } from '../src/workbench';
import { runCli } from './support/cli';

/**
 * Issue 19's GPU experiment, the whole chain reduced to the CPU: the bundle built here, the one
 * device command (bench/gpu/run.sh, as the GPU machine runs it, on the trainer's interpreter with
 * a tiny benchmark), and the returned students evaluated here in place of training them.
 */
const MICRO: ExperimentPreset = {
  ...PRESETS.gpu,
  name: 'gpu-micro',
  world: { seed: 7, passages: 300, questions: 60 },
  testQuestions: 4,
  seeds: [1],
  model: { vocabSize: 300, hiddenSize: 32, layers: 1 },
  pretrain: {
    passes: 0,
    passagesPerRow: 6,
    repeatsPerRow: 2,
    batchSize: 8,
    lr: 1e-3,
    maxSeqLen: 128,
    copy: { rows: 24, minWords: 3, maxWords: 6, maxRounds: 1, untilRatio: 0.5 },
    reading: {
      worldSeed: 9,
      passages: 300,
      questions: 12,
      topK: 2,
      epochs: 1,
      batchSize: 8,
      lr: 1e-3,
      maxSeqLen: 512,
    },
  },
  train: { epochs: 1, batchSize: 4, lr: 1e-3, sigmaLr: 0.01, maxSeqLen: 512, cutPrompts: true, maxSteps: 2 },
  gpu: { warmSeconds: 120, studentSeconds: 120 },
  maxTokens: 8,
  claims: false,
};

const PYTHON = join(TRAINER_PROJECT, '.venv', 'bin', 'python');
const GPU_EXPERIMENT = join(TRAINER_PROJECT, 'bench', 'gpu_experiment.py');

let dir: string;
let wb: Workbench;
let returned: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'steper-gpu-'));
  wb = new Workbench({ workspace: join(dir, 'workspace'), env: {} });
});
afterAll(async () => {
  await wb.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the GPU experiment, reduced to the CPU', () => {
  it('builds a bundle that carries the step data, a weightless init and the warm stages', async () => {
    const written = await writeGpuBundle(wb, MICRO, {
      file: join(dir, 'bundle.tar.gz'),
      command: 'test',
      commit: 'abc123',
    });
    const files = execFileSync('tar', ['-tzf', written.file], { encoding: 'utf8' }).split('\n');
    for (const f of [
      'train.jsonl',
      'recipe.json',
      'bundle.json',
      'student/config.json',
      'student/tokenizer.json',
    ])
      expect(files).toContain(`bundle/${f}`);
    expect(files).toContain('bundle/warm/copy.jsonl');
    expect(files).toContain('bundle/warm/reading.jsonl');
    // The random init's weights stay here: the machine draws them again from the config and seed.
    expect(files.some((f) => f.endsWith('.safetensors'))).toBe(false);
    expect(written.manifest.warm.map((w) => w.name)).toEqual(['copy', 'reading']);
    expect(written.manifest.warm[0]!.rows).toBe(24);
  }, 300_000);

  it('refuses students whose weights could not come back, before it writes anything', async () => {
    // The gpu preset's 14M student, three objectives: 3 × 28 MB of float16 over the 60 MiB.
    const file = join(dir, 'too-large.tar.gz');
    await expect(
      writeGpuBundle(
        wb,
        {
          ...MICRO,
          model: PRESETS.gpu.model,
          objectives: ['steper-difficulty', 'steper-uniform', 'vanilla'],
        },
        { file, command: 'test', commit: 'abc123' },
      ),
    ).rejects.toThrow(/3 students of 26\.\d MiB in float16 would not come back from the GPU machine/);
    expect(existsSync(file)).toBe(false);
  }, 300_000);

  it('runs the one device command on the bundle, as the GPU machine would', () => {
    const out = join(dir, 'device-out');
    execFileSync('bash', [join(REPO_ROOT, 'bench', 'gpu', 'run.sh'), join(dir, 'bundle.tar.gz')], {
      env: {
        ...process.env,
        OUT: out,
        PYTHON,
        BENCH_ARGS: '--shape tiny --steps 1 --warmup 1 --rows 2 --seq-len 256 --questions 24',
        HF_HUB_OFFLINE: '1',
      },
      stdio: 'pipe',
    });
    // What comes back is the packed run: its manifest and pieces, at most the 8 files the tool returns.
    returned = out;
    const sent = readdirSync(out);
    expect(sent).toContain('run.manifest.json');
    expect(sent.length).toBeLessThanOrEqual(8);
    execFileSync(PYTHON, [GPU_EXPERIMENT, 'unpack', '--pieces', out, '--to', join(dir, 'unpacked')]);
    const runs = JSON.parse(readFileSync(join(dir, 'unpacked', 'experiment', 'runs.json'), 'utf8')) as {
      stage: string;
    }[];
    expect(runs.map((r) => r.stage)).toEqual(['copy', 'reading', 'steper-difficulty', 'vanilla']);
  }, 600_000);

  it('evaluates the returned students in place of training them, and reports the GPU run', async () => {
    // As a user runs it: the CLI, the preset as a file, the same folder (its workspace holds the
    // bundle's world), the device tool's files as they came back.
    const presetFile = join(dir, 'preset.json');
    writeFileSync(presetFile, JSON.stringify(MICRO));
    const cli = await runCli([
      'experiment',
      '--preset-file',
      presetFile,
      '--out',
      dir,
      '--trained-on',
      returned,
    ]);
    expect(cli.code, cli.stderr).toBe(0);
    const outDir = dir;
    const result = JSON.parse(readFileSync(join(outDir, 'result.json'), 'utf8')) as ExperimentResult;
    const students = result.systems.filter((s) => s.objective);
    expect(students.map((s) => s.objective)).toEqual(['steper-difficulty', 'vanilla']);
    for (const s of students) {
      expect(s.trainingRunId).toBeNull();
      expect(s.optimizerSteps).toBe(2);
      expect(s.trainSeconds).toBeGreaterThan(0);
      expect(s.summary.traces).toBe(MICRO.testQuestions);
    }
    // σ̃ of the difficulty-aware student, read from the run's events.
    expect(result.sigmaSeries.map((s) => s.stage).sort()).toEqual(['agg', 'exp', 'init']);
    expect(result.gpu?.runs.map((r) => r.kind)).toEqual(['warm', 'warm', 'student', 'student']);
    expect(result.gpu?.machine?.gpu).toBe('none (CPU)');
    // Part 1 of the same command, bench.py's rows, in the report too.
    expect(result.gpu?.bench?.at(-1)?.loop).toMatch(/^trainer vanilla-KD/);
    const md = readFileSync(join(outDir, 'report.md'), 'utf8');
    expect(md).toContain('## Trainer throughput in the same command (bench.py, cpu)');
    expect(md).toMatch(/StepER's cost per token over Vanilla-KD's: \d\.\d{3}×/);
    expect(md).toMatch(
      /- Trained on none \(CPU\) \(torch [^)]+\) from a bundle of commit abc123: warm stages copy \d+ s \/ \d+ steps/,
    );
  }, 600_000);

  it('refuses a run of other step data, and a student whose weights did not come back, by name', async () => {
    const other = join(dir, 'other.jsonl');
    writeFileSync(other, '{}\n');
    await expect(readReturnedRun(wb, returned, other)).rejects.toThrow(
      /trained on step data [0-9a-f]+ \(preset gpu-micro\)/,
    );
    const partial = join(dir, 'partial');
    cpSync(join(dir, 'unpacked'), partial, { recursive: true });
    rmSync(join(partial, 'experiment', 'vanilla', 'model.safetensors'));
    await expect(
      runExperiment(wb, MICRO, {
        outDir: join(dir, 'report2'),
        command: 'test',
        commit: 'test',
        trainedOn: partial,
      }),
    ).rejects.toThrow(
      /the vanilla student's weights \(.*partial\/experiment\/vanilla\/model.safetensors\) are missing/,
    );
  }, 600_000);
});
