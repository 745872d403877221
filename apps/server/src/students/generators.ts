import { existsSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { shippedStudents } from '../demo/shipped';
import type { JobRow } from '../store/jobs';
import { OpenAiTeacherSpecSchema } from '../teachers/spec';
import type { Workbench } from '../workbench';
import { ONNX_VARIANTS, type OnnxVariant } from './model-dir';
import type { GeneratorSpec } from './spec';

/**
 * Everything that can generate a trace: the evidence teacher, each named endpoint, and every
 * exported student (training runs', evaluated export folders, the demo's). The live runner, the
 * playground and the evaluation form all choose from here.
 */
export interface LiveGenerator {
  id: string;
  label: string;
  kind: 'teacher' | 'student' | 'evidence';
}

export interface LiveGeneratorEntry extends LiveGenerator {
  spec: GeneratorSpec;
  /** Students answer the prompt they were trained on: (q, P_≤s), no demonstrations. */
  promptStyle: 'teacher' | 'student';
}

/** Where a training run's student is exported: `steper_trainer export --checkpoint RUN --out RUN/export`. */
export const TRAINING_EXPORT_DIR = 'export';

/** A training run's export folder (its student, once exported). */
export const runExportDir = (wb: Workbench, runDir: string): string =>
  wb.store.path(join(runDir, TRAINING_EXPORT_DIR));

/** An export folder the ONNX student loader can open (it checks each file in full when it opens). */
const isOnnxExport = (dir: string, variant: OnnxVariant = 'fp32'): boolean =>
  [`onnx/${ONNX_VARIANTS[variant]}`, 'config.json', 'tokenizer.json'].every((f) => existsSync(join(dir, f)));

/**
 * Exported students: those of finished training runs (exported into the run's folder), the demo's,
 * and those an evaluation ran from an export folder (the experiment's), each folder once.
 */
function exportedStudents(wb: Workbench): LiveGeneratorEntry[] {
  const found: { id: string; label: string; dir: string; variant?: OnnxVariant }[] = [];
  for (const run of wb.store.trainingRuns.list()) {
    if (run.status !== 'done') continue;
    found.push({ id: `student:${run.id}`, label: studentLabel(run), dir: runExportDir(wb, run.runDir) });
  }
  // The demo's before the evaluations': a shipped student keeps its own name when evaluated.
  for (const s of shippedStudents()) {
    found.push({
      id: `student:demo-${s.id}`,
      label: `Demo student: ${s.label} (public/demo)`,
      dir: s.dir,
      variant: s.variant,
    });
  }
  for (const e of wb.store.evaluations.list()) {
    const generator = e.config.generator as
      | { kind?: unknown; dir?: unknown; variant?: OnnxVariant }
      | undefined;
    if (generator?.kind !== 'onnx' || typeof generator.dir !== 'string') continue;
    const dir = resolve(generator.dir);
    found.push({
      id: `student:${e.id}`,
      label: `Student: ${basename(dir)} (evaluated in “${e.name}”)`,
      dir,
      ...(generator.variant ? { variant: generator.variant } : {}),
    });
  }
  const dirs = new Set<string>();
  return found
    .filter((s) => !dirs.has(s.dir) && dirs.add(s.dir) && isOnnxExport(s.dir, s.variant))
    .map((s) => ({
      id: s.id,
      label: s.label,
      kind: 'student' as const,
      spec: { kind: 'onnx' as const, dir: s.dir, variant: s.variant ?? 'fp32' },
      promptStyle: 'student' as const,
    }));
}

/** Everything a live run can use: the evidence teacher, each named endpoint, each exported student. */
export function liveGenerators(wb: Workbench): LiveGeneratorEntry[] {
  return [
    {
      id: 'evidence',
      label: 'Evidence teacher (offline, no LM)',
      kind: 'evidence',
      spec: { kind: 'evidence' },
      promptStyle: 'teacher',
    },
    ...wb.endpoints.list().map((e) => ({
      id: `endpoint:${e.name}`,
      label: `${e.name} · ${e.model}`,
      kind: 'teacher' as const,
      spec: OpenAiTeacherSpecSchema.parse({ kind: 'openai', endpoint: e.name }),
      promptStyle: 'teacher' as const,
    })),
    ...exportedStudents(wb),
  ];
}

/** A finished training run whose student is not exported yet, with its export job if one was started. */
export interface UnexportedRun {
  runId: string;
  label: string;
  exportJob: Pick<JobRow, 'id' | 'status' | 'error'> | null;
}

/**
 * Finished training runs with no export yet: the evaluation form offers to export them (a job),
 * after which they are among liveGenerators' students.
 */
export function unexportedRuns(wb: Workbench): UnexportedRun[] {
  const jobs = wb.store.jobs.list({ kind: 'export' });
  return wb.store.trainingRuns
    .list()
    .filter((run) => run.status === 'done' && !isOnnxExport(runExportDir(wb, run.runDir)))
    .map((run) => {
      const job = jobs.find((j) => (j.payload as { runId?: string }).runId === run.id);
      return {
        runId: run.id,
        label: studentLabel(run),
        exportJob: job ? { id: job.id, status: job.status, error: job.error } : null,
      };
    });
}

function studentLabel(run: { name: string; config: Record<string, unknown> }): string {
  const objective = typeof run.config.objective === 'string' ? ` · ${run.config.objective}` : '';
  return `Student: ${run.name}${objective}`;
}
