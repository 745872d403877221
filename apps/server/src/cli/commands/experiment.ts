import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { jsonSyntaxProblem } from '@steper/core';
import { UserError } from '../../errors';
import { writeGpuBundle } from '../../experiment/gpuBundle';
import { isGpuRun } from '../../experiment/gpuStudents';
import {
  type BudgetMode,
  type ExperimentPreset,
  ExperimentPresetSchema,
  PRESETS,
  withOverrides,
} from '../../experiment/presets';
import { rerenderReport, runExperiment } from '../../experiment/run';
import { Workbench } from '../../workbench';
import { defined, int } from '../args';

export const EXPERIMENT_HELP = `steper experiment [--quick | --preset quick|standard|gpu | --preset-file FILE] [--out DIR] [--budget epoch|token|both]
                  [--device cpu|cuda] [--epochs N] [--seeds A,B,…] [--split dev|test]
                  [--gpu-bundle FILE | --trained-on RUN]
steper experiment --rerender DIR
  Vanilla-KD vs StepER end to end, from nothing: synthetic world, evidence teacher, step data,
  a tiny Qwen2 student trained with each objective (same init, order, seed), ONNX export, IRCoT
  evaluation of every student and the teacher on held-out questions, and a Markdown report with
  tables, CIs, per-seed and pooled paired tests and PNG figures in DIR (default
  results/experiment-<preset>-<time>). --budget both trains Vanilla-KD twice (equal epochs and equal
  training tokens, same init and question order) and reports both comparisons.
  --quick is a smoke run that claims nothing: 5.4 min of CPU time, measured on a 2-core CPU
  (wall time grows with the load on the cores: README, "Beyond the default"). --device cuda trains
  on the GPU (bf16 autocast); evaluation runs the ONNX students on the CPU either way.
  --epochs and --seeds change the preset's training epochs and seeds; the report's preset name
  says so (e.g. "standard (6 epochs; seed 1234)"). A DIR that already holds a workspace reuses its
  world, step data, pre-trained init and any identical student.
  --preset-file FILE runs a preset written as JSON (the fields of presets.ts; a recipe probe).
  --split dev measures the students on the world's dev questions (choosing a recipe) instead of
  its test questions (reporting one).
  --gpu-bundle FILE trains nothing: it writes the world's step data, the init and the warm stages'
  rows as FILE (.tar.gz) for one command on a lent GPU (bench/gpu/run.sh). --trained-on RUN then
  evaluates the students that command brought back (RUN: the folder of its files) in place of
  training them here; give the same preset and DIR, so the world is the bundle's (checked).
  --rerender DIR writes DIR/report.md again from DIR/result.json and DIR/workspace (a report
  written before a section was added), training and evaluating nothing.`;

export function gitCommit(): string {
  try {
    const sha = execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain'], { encoding: 'utf8' }).trim()
      ? ' (with uncommitted changes)'
      : '';
    return sha + dirty;
  } catch {
    return 'unknown (not a git checkout)';
  }
}

async function rerender(outDir: string): Promise<number> {
  if (!existsSync(join(outDir, 'result.json')) || !existsSync(join(outDir, 'workspace', 'steper.db'))) {
    throw new UserError(
      'BAD_REQUEST',
      `--rerender: ${outDir} is not an experiment's folder (it needs result.json and workspace/steper.db).`,
    );
  }
  const wb = new Workbench({ workspace: join(outDir, 'workspace'), env: {} });
  try {
    rerenderReport(wb, outDir);
    process.stdout.write(`${join(outDir, 'report.md')}\n`);
    return 0;
  } finally {
    await wb.close();
  }
}

/** A preset written as JSON, checked field by field against the preset schema. */
function presetFromFile(file: string): ExperimentPreset {
  if (!existsSync(file)) throw new UserError('BAD_REQUEST', `--preset-file: ${file} does not exist.`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    // Where the syntax breaks, never the file's text (as every JSON reader of the workbench).
    throw new UserError(
      'BAD_REQUEST',
      `--preset-file: cannot read ${file} as JSON: it is ${jsonSyntaxProblem(e)}.`,
    );
  }
  const parsed = ExperimentPresetSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UserError(
      'BAD_REQUEST',
      `--preset-file: ${file}: field "${issue.path.join('.') || '(root)'}": ${issue.message}.`,
    );
  }
  return parsed.data;
}

export async function experimentCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean' },
      preset: { type: 'string' },
      out: { type: 'string' },
      budget: { type: 'string' },
      device: { type: 'string' },
      epochs: { type: 'string' },
      seeds: { type: 'string' },
      'preset-file': { type: 'string' },
      split: { type: 'string' },
      rerender: { type: 'string' },
      'gpu-bundle': { type: 'string' },
      'trained-on': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.rerender !== undefined) return rerender(values.rerender);
  const t0 = Date.now();
  const preset = values['preset-file']
    ? presetFromFile(values['preset-file'])
    : PRESETS[(values.quick ? 'quick' : (values.preset ?? 'quick')) as keyof typeof PRESETS];
  if (!preset)
    throw new UserError(
      'BAD_REQUEST',
      `--preset: unknown preset "${values.preset}"; use quick, standard or gpu.`,
    );
  const name = preset.name;
  const split = values.split ?? 'test';
  if (split !== 'dev' && split !== 'test') {
    throw new UserError('BAD_REQUEST', `--split: "${split}" is not one of dev, test.`);
  }
  const budget = values.budget as BudgetMode | undefined;
  if (budget !== undefined && budget !== 'epoch' && budget !== 'token' && budget !== 'both') {
    throw new UserError('BAD_REQUEST', `--budget: "${budget}" is not one of epoch, token, both.`);
  }
  const device = values.device ?? 'cpu';
  if (device !== 'cpu' && device !== 'cuda') {
    throw new UserError('BAD_REQUEST', `--device: "${device}" is not one of cpu, cuda.`);
  }
  const epochs = int(values.epochs, 'epochs');
  if (epochs !== undefined && epochs < 1)
    throw new UserError('BAD_REQUEST', `--epochs must be at least 1, got ${epochs}.`);
  const seeds = values.seeds?.split(',').map((s) => int(s, 'seeds') as number);
  if (seeds && new Set(seeds).size < seeds.length)
    throw new UserError('BAD_REQUEST', `--seeds: each seed once, got ${values.seeds}.`);
  const trainedOn = values['trained-on'];
  if (trainedOn !== undefined && values['gpu-bundle'] !== undefined)
    throw new UserError(
      'BAD_REQUEST',
      '--gpu-bundle writes a bundle and --trained-on evaluates its run: one at a time.',
    );
  if (trainedOn !== undefined && !isGpuRun(trainedOn))
    throw new UserError(
      'BAD_REQUEST',
      `--trained-on: ${trainedOn} has no run.manifest.json or runs.json: not the output of a GPU run.`,
    );
  const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
  const outDir = values.out ?? join('results', `experiment-${name}-${stamp}`);
  // A workspace of its own (DIR/workspace): never another demo's data, only an earlier run's in DIR.
  const wb = new Workbench({ workspace: join(outDir, 'workspace'), env: {} });
  const command = `steper experiment ${argv.join(' ')}`.trim();
  const log = (line: string) => process.stderr.write(`[${((Date.now() - t0) / 1000).toFixed(0)}s] ${line}\n`);
  const chosen = withOverrides(preset, defined({ budget, epochs, seeds }));
  try {
    const bundle = values['gpu-bundle'];
    if (bundle !== undefined) {
      const written = await writeGpuBundle(wb, chosen, {
        file: bundle,
        command,
        commit: gitCommit(),
        split,
        log,
      });
      process.stderr.write(
        `${(written.bytes / 2 ** 20).toFixed(1)} MiB; carry it to the GPU and run bench/gpu/run.sh ${written.file}\n`,
      );
      process.stdout.write(`${written.file}\n`);
      return 0;
    }
    const result = await runExperiment(wb, chosen, {
      outDir,
      command,
      commit: gitCommit(),
      device,
      split,
      log,
      ...(trainedOn !== undefined ? { trainedOn } : {}),
    });
    process.stderr.write(`done in ${(result.wallSeconds / 60).toFixed(1)} min\n`);
    process.stdout.write(`${join(outDir, 'report.md')}\n`);
    return 0;
  } finally {
    await wb.close();
  }
}
