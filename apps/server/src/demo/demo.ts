import type { StepDatasetManifest } from '@steper/core';
import { generateSyntheticWorld, SPLIT_NAMES, type SplitName, type SyntheticStyle } from '@steper/core';
import type { JobRow } from '../store/jobs';
import { startTeacherRun } from '../teach/start';
import type { Workbench } from '../workbench';

export const DEMO_IDS = {
  corpus: 'corpus_demo',
  questionSet: (split: SplitName) => `qset_demo_${split}`,
  teacherRun: 'run_demo',
} as const;

/**
 * The embedded default world: the standard experiment preset's (the recipe of
 * docs/results/recipe-2026-12-06), so the shipped demo students (public/demo), trained by that
 * preset, are measured and played on the world they learnt.
 */
export const DEMO_WORLD = {
  seed: 42,
  passages: 3000,
  questions: 12_000,
  style: 'plain',
  topK: 2,
} as const satisfies Required<Omit<DemoOptions, 'onProgress'>>;

export interface DemoOptions {
  seed?: number;
  passages?: number;
  questions?: number;
  /** How the world words its facts (core SyntheticStyle). */
  style?: SyntheticStyle;
  /** K: passages the evidence teacher retrieves per step. */
  topK?: number;
  onProgress?: (job: JobRow) => void;
}

/**
 * The world asked for: DEMO_WORLD when no world field is named; otherwise the fields named, with
 * an unnamed style paraphrased and an unnamed K 4, as experiment presets read them
 * (experiment/world.ts), so a preset's world is built as that preset checks it.
 */
export function demoWorld(opts: DemoOptions): Required<Omit<DemoOptions, 'onProgress'>> {
  const { onProgress: _, ...named } = opts;
  if (Object.values(named).every((v) => v === undefined)) return { ...DEMO_WORLD };
  return {
    seed: opts.seed ?? DEMO_WORLD.seed,
    passages: opts.passages ?? DEMO_WORLD.passages,
    questions: opts.questions ?? 2000,
    style: opts.style ?? 'paraphrased',
    topK: opts.topK ?? 4,
  };
}

export interface DemoSummary {
  created: boolean;
  corpusId: string;
  questionSetIds: Record<SplitName, string>;
  teacherRunId: string;
  datasetId: string;
  /** K of the teacher run that built the step data. */
  topK: number;
  tracesDone: number;
  tracesKept: number;
  counts: StepDatasetManifest['counts'];
}

/**
 * The embedded default: the synthetic world indexed, an IRCoT run of the offline evidence teacher
 * over its training split, built into filtered step data. Idempotent: an existing demo is reused,
 * an interrupted one is finished.
 */
export async function ensureDemo(wb: Workbench, opts: DemoOptions = {}): Promise<DemoSummary> {
  const { store, runner } = wb;
  const questionSetIds = Object.fromEntries(SPLIT_NAMES.map((s) => [s, DEMO_IDS.questionSet(s)])) as Record<
    SplitName,
    string
  >;
  const wanted = demoWorld(opts);
  let created = false;
  const off = opts.onProgress ? runner.subscribe((e) => opts.onProgress!(e.job)) : () => {};
  try {
    if (!store.corpora.get(DEMO_IDS.corpus)) {
      created = true;
      const world = generateSyntheticWorld({
        seed: wanted.seed,
        passages: wanted.passages,
        questions: wanted.questions,
        style: wanted.style,
      });
      const byId = new Map(world.questions.map((q) => [q.id, q]));
      store.transaction(() => {
        store.corpora.create({
          id: DEMO_IDS.corpus,
          name: 'Synthetic world (demo)',
          source: { synthetic: world.options },
          passages: world.corpus,
        });
        for (const split of SPLIT_NAMES) {
          store.questionSets.create({
            id: questionSetIds[split],
            name: `Synthetic world · ${split}`,
            dataset: 'synthetic',
            source: { synthetic: world.options, split },
            questions: world.splits[split].map((id) => byId.get(id)!),
          });
        }
      });
    }
    if (!store.corpora.require(DEMO_IDS.corpus).indexPath) {
      const job = await runner.runNow('index', { corpusId: DEMO_IDS.corpus });
      if (job.status !== 'done') throw new Error(`Demo index job ${job.id} ${job.status}: ${job.error}`);
    }
    let run = store.teacherRuns.get(DEMO_IDS.teacherRun);
    if (!run) {
      created = true;
      ({ run } = await startTeacherRun(
        wb,
        {
          name: 'Demo · evidence teacher (offline, no LM) · IRCoT',
          corpusId: DEMO_IDS.corpus,
          questionSetId: questionSetIds.train,
          loop: 'ircot',
          maxSteps: 5,
          topK: wanted.topK,
          teacher: { kind: 'evidence' },
          concurrency: 8,
        },
        { queue: false, preflight: false, runId: DEMO_IDS.teacherRun },
      ));
    }
    if (run.status !== 'done' || store.stepDatasets.list(run.id).length === 0) {
      const job = run.jobId && store.jobs.get(run.jobId);
      const finished = job
        ? await runner.resumeNow(job.id)
        : await runner.runNow('teach', { runId: run.id }, (j) => store.teacherRuns.setJob(run!.id, j.id));
      if (finished.status !== 'done')
        throw new Error(`Demo teacher run job ${finished.id} ${finished.status}: ${finished.error}`);
    }
    run = store.teacherRuns.require(DEMO_IDS.teacherRun);
    const dataset = store.stepDatasets.list(run.id)[0]!;
    return {
      created,
      corpusId: DEMO_IDS.corpus,
      questionSetIds,
      teacherRunId: run.id,
      datasetId: dataset.id,
      topK: (run.config as { topK: number }).topK,
      tracesDone: run.tracesDone,
      tracesKept: run.tracesKept,
      counts: dataset.manifest.counts,
    };
  } finally {
    off();
  }
}
