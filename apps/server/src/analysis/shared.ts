import { join } from 'node:path';
import type { JudgeCriteria } from '../evaluation/judge/config';
import {
  judgementJobId,
  readJudgementSummary,
  readVerdicts,
  setJudgementJob,
  type VerdictLine,
} from '../evaluation/judge/files';
import { JudgeJobPayload } from '../evaluation/judge/job';
import { startJudgement } from '../evaluation/judge/start';
import type { JudgementSummary } from '../evaluation/judge/summary';
import { requireDone, runChildJob } from '../experiment/child-jobs';
import { type EvaluatedSystem, evaluateSystem } from '../experiment/evaluate';
import { noClaims } from '../experiment/markdown';
import { contentKey, StepRecords } from '../experiment/steps';
import {
  type InitModel,
  type StudentSpec,
  studentInits,
  type TrainedStudent,
  type TrainingSetup,
  trainStudent,
} from '../experiment/students';
import { type EvalBase, type PreparedWorld, prepareWorld } from '../experiment/world';
import type { GeneratorSpecInput } from '../students/spec';
import type { AnalysisContext, AnalysisHeader } from './context';

export interface StudentsWorld {
  world: PreparedWorld;
  setup: TrainingSetup;
  /** One initialisation per seed of the preset, in seed order. */
  inits: InitModel[];
}

/** The world, its step data and one tiny Qwen2 initialisation per seed: what every student starts from. */
export async function studentsWorld(ctx: AnalysisContext): Promise<StudentsWorld> {
  const { base } = ctx.preset;
  ctx.log('building the synthetic world, running the evidence teacher, building step data');
  const world = await prepareWorld(ctx.wb, base.world, base.testQuestions);
  const inits = await studentInits(
    ctx.wb,
    { examples: world.examples, corpusId: world.evalBase.corpusId },
    base,
    ctx.log,
  );
  return {
    world,
    setup: {
      examples: world.examples,
      datasetId: world.dataset.id,
      train: base.train,
      exporter: ctx.exporter,
    },
    inits,
  };
}

export function evaluate(
  ctx: AnalysisContext,
  base: EvalBase,
  name: string,
  generator: GeneratorSpecInput,
): Promise<EvaluatedSystem> {
  const concurrency = generator.kind === 'onnx' ? 1 : 4;
  return evaluateSystem(ctx.wb, base, name, generator, {
    maxTokens: ctx.preset.base.maxTokens,
    concurrency,
    signal: ctx.signal,
    log: ctx.log,
  });
}

export interface StudentSystem {
  student: TrainedStudent;
  evaluation: EvaluatedSystem;
}

/**
 * Trains (or finds) a student, then evaluates it — on the held-out test questions unless `base`
 * says otherwise (and under `evalName` when the evaluation is not just the student's).
 */
export async function studentSystem(
  ctx: AnalysisContext,
  sw: StudentsWorld,
  init: InitModel,
  spec: StudentSpec,
  opts: { setup?: TrainingSetup; base?: EvalBase; evalName?: string } = {},
): Promise<StudentSystem> {
  const student = await trainStudent(ctx.wb, opts.setup ?? sw.setup, init, spec, {
    signal: ctx.signal,
    log: ctx.log,
  });
  ctx.advance(`trained ${spec.name}`);
  const name = opts.evalName ?? spec.name;
  const evaluation = await evaluate(ctx, opts.base ?? sw.world.evalBase, name, {
    kind: 'onnx',
    dir: student.dir,
  });
  ctx.advance(`evaluated ${name}`);
  return { student, evaluation };
}

export interface Judged {
  judgementId: string;
  summary: JudgementSummary;
  lines: VerdictLine[];
}

/**
 * Judges an evaluation with the analysis' judge (a judge job, stored with the evaluation like
 * any other judgement), recorded under its content key so a resumed analysis continues the same
 * judgement and a finished one is reused.
 */
export async function judgeEvaluation(
  ctx: AnalysisContext,
  evaluationId: string,
  criteria: JudgeCriteria,
): Promise<Judged> {
  const { wb } = ctx;
  const key = contentKey({ evaluationId, criteria, judge: ctx.judge });
  const records = new StepRecords(wb.store);
  let judgementId = records.get<{ judgementId: string }>('judge', key)?.judgementId;
  const summaryOf = (id: string) =>
    readJudgementSummary(wb.store, evaluationId, id) as JudgementSummary | null;
  if (!judgementId || !summaryOf(judgementId)) {
    const jobId = judgementId ? judgementJobId(wb.store, evaluationId, judgementId) : null;
    if (judgementId && jobId && wb.store.jobs.get(jobId)) {
      requireDone(
        await runChildJob(wb, { resume: jobId }, { signal: ctx.signal }),
        `judging ${evaluationId}`,
      );
    } else {
      const { judgement } = await startJudgement(
        wb,
        { evaluationId, criteria, judge: ctx.judge },
        { queue: false },
      );
      const id = judgement.judgementId;
      judgementId = id;
      records.put('judge', key, { judgementId: id });
      const payload = JudgeJobPayload.parse({ evaluationId, judgementId: id });
      const job = await runChildJob(
        wb,
        { kind: 'judge', payload },
        { signal: ctx.signal, created: (j) => setJudgementJob(wb.store, evaluationId, id, j.id) },
      );
      requireDone(job, `judging ${evaluationId}`);
    }
  }
  const summary = summaryOf(judgementId!);
  if (!summary) throw new Error(`Judgement ${judgementId} of ${evaluationId} finished without a summary.`);
  return { judgementId: judgementId!, summary, lines: readVerdicts(wb.store, evaluationId, judgementId!) };
}

/** The lines every analysis report opens with. */
export function preamble(h: AnalysisHeader, lines: string[]): string {
  return `# ${h.title} — preset \`${h.preset}\`

${h.claims ? '' : noClaims(h.preset)}
- Command: \`${h.command}\`
- Commit: \`${h.commit}\`
- Started: ${h.startedAt} · wall time ${(h.wallSeconds / 60).toFixed(1)} min
- Synthetic world: seed ${h.world.seed}, ${h.world.passages} passages, ${h.world.questions} questions
${lines.map((l) => `- ${l}`).join('\n')}
`;
}

/** A path inside the workspace for an analysis' own files. */
export const analysisPath = (ctx: AnalysisContext, ...parts: string[]) =>
  ctx.wb.store.path(join('analysis', ctx.kind, ...parts));
