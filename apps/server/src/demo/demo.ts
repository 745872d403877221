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

export interface DemoOptions {
  seed?: number;
  passages?: number;
  questions?: number;
  /** How the world words its facts (core SyntheticStyle); paraphrased by default. */
  style?: SyntheticStyle;
  /** K: passages the evidence teacher retrieves per step (4, as the paper's loop). */
  topK?: number;
  onProgress?: (job: JobRow) => void;
}

export interface DemoSummary {
  created: boolean;
  corpusId: string;
  questionSetIds: Record<SplitName, string>;
  teacherRunId: string;
  datasetId: string;
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
  let created = false;
  const off = opts.onProgress ? runner.subscribe((e) => opts.onProgress!(e.job)) : () => {};
  try {
    if (!store.corpora.get(DEMO_IDS.corpus)) {
      created = true;
      const world = generateSyntheticWorld({
        seed: opts.seed ?? 42,
        passages: opts.passages ?? 3000,
        questions: opts.questions ?? 2000,
        ...(opts.style ? { style: opts.style } : {}),
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
          topK: opts.topK ?? 4,
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
      tracesDone: run.tracesDone,
      tracesKept: run.tracesKept,
      counts: dataset.manifest.counts,
    };
  } finally {
    off();
  }
}
