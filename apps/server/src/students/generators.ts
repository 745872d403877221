import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { REPO_ROOT } from '../paths';
import type { JobRow } from '../store/jobs';
import { OpenAiTeacherSpecSchema } from '../teachers/spec';
import type { Workbench } from '../workbench';
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
const DEMO_DIR = join(REPO_ROOT, 'public', 'demo');

const DemoManifestSchema = z.object({
  students: z.array(
    z.object({
      id: z.string().min(1),
      label: z.string().min(1),
      config: z.object({ path: z.string().min(1) }),
    }),
  ),
});

/** The demo's students (public/demo/manifest.json); none when the demo is not built or unreadable. */
function demoStudents(): z.infer<typeof DemoManifestSchema>['students'] {
  const manifest = join(DEMO_DIR, 'manifest.json');
  if (!existsSync(manifest)) return [];
  try {
    const parsed = DemoManifestSchema.safeParse(JSON.parse(readFileSync(manifest, 'utf8')));
    return parsed.success ? parsed.data.students : [];
  } catch {
    return [];
  }
}

/** A training run's export folder (its student, once exported). */
export const runExportDir = (wb: Workbench, runDir: string): string =>
  wb.store.path(join(runDir, TRAINING_EXPORT_DIR));

/** An export folder the ONNX student loader can open (it checks each file in full when it opens). */
const isOnnxExport = (dir: string): boolean =>
  ['onnx/model.onnx', 'config.json', 'tokenizer.json'].every((f) => existsSync(join(dir, f)));

/**
 * Exported students: those of finished training runs (exported into the run's folder), those an
 * evaluation ran from an export folder (the experiment's), and the demo's, each folder once.
 */
function exportedStudents(wb: Workbench): LiveGeneratorEntry[] {
  const found: { id: string; label: string; dir: string }[] = [];
  for (const run of wb.store.trainingRuns.list()) {
    if (run.status !== 'done') continue;
    found.push({ id: `student:${run.id}`, label: studentLabel(run), dir: runExportDir(wb, run.runDir) });
  }
  for (const e of wb.store.evaluations.list()) {
    const generator = e.config.generator as { kind?: unknown; dir?: unknown } | undefined;
    if (generator?.kind !== 'onnx' || typeof generator.dir !== 'string') continue;
    const dir = resolve(generator.dir);
    found.push({ id: `student:${e.id}`, label: `Student: ${basename(dir)} (evaluated in “${e.name}”)`, dir });
  }
  for (const s of demoStudents()) {
    const dir = join(DEMO_DIR, dirname(s.config.path));
    found.push({ id: `student:demo-${s.id}`, label: `Demo student: ${s.label} (public/demo)`, dir });
  }
  const dirs = new Set<string>();
  return found
    .filter((s) => !dirs.has(s.dir) && dirs.add(s.dir) && isOnnxExport(s.dir))
    .map((s) => ({
      id: s.id,
      label: s.label,
      kind: 'student' as const,
      spec: { kind: 'onnx' as const, dir: s.dir, variant: 'fp32' as const },
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
