import { type Question, TraceSchema } from '@steper/core';
import { UserError, zodToUserError } from '../errors';
import type { JobRow } from '../store/jobs';
import { WorkspacePrompts } from '../store/prompts';
import type { TeacherRunRow } from '../store/teacherRuns';
import { newId } from '../store/util';
import { createTeacher } from '../teachers/create';
import type { Workbench } from '../workbench';
import { resolveTeachConfig, type TeachConfigInput, TeachConfigSchema } from './config';
import { teachQuestion } from './loop';

/**
 * Checks everything a run needs before writing anything — corpus, index, questions, the teacher
 * answering well-formed responses on the first question — then records the run with its whole
 * configuration and queues its job. A bad input leaves the store as it was. Without
 * demonstrations a run gets the workspace's default ones (else the built-in), whoever starts it
 * (UI, CLI, demo); `config.demonstrationsSource` says which ('request' | 'workspace' | 'built-in').
 */
export async function startTeacherRun(
  wb: Workbench,
  raw: TeachConfigInput,
  /**
   * queue: false leaves the job to the caller; claim: true creates it claimed by this process, in
   * the run's own transaction, for runner.runClaimed (the CLI: a kill never leaves a run without its job).
   */
  opts: { preflight?: boolean; queue?: boolean; claim?: boolean; runId?: string } = {},
): Promise<{ run: TeacherRunRow; job: JobRow | null }> {
  const parsed = TeachConfigSchema.safeParse(raw);
  if (!parsed.success) throw zodToUserError('teach config', parsed.error);
  const { store } = wb;
  const defaults = parsed.data.demonstrations
    ? null
    : new WorkspacePrompts(store.dir).effective(parsed.data.loop);
  const config = defaults ? { ...parsed.data, demonstrations: defaults.file } : parsed.data;
  store.corpora.require(config.corpusId);
  const retriever = wb.retrievers.get(config.corpusId);
  const set = store.questionSets.require(config.questionSetId);
  const questions: Question[] = store.questionSets
    .questions(set.id)
    .slice(0, config.limit ?? set.questionCount);
  if (questions.length === 0) throw new UserError('PRECONDITION_FAILED', `Question set ${set.id} is empty.`);

  const runId = opts.runId ?? newId('run');
  const teacher = createTeacher(config.teacher, { store, endpoints: wb.endpoints, owner: runId });
  await teacher.probe();
  const resolved = resolveTeachConfig(config, teacher.describe);
  if (opts.preflight ?? true) {
    // The first question end to end: a garbage-speaking teacher fails here, not in the job. Its
    // calls land in the cache, so the job does not pay for them again.
    const { trace } = await teachQuestion(questions[0]!, {
      retriever,
      generator: teacher.generator,
      config: resolved,
    });
    TraceSchema.parse(trace);
  }
  const { run, job } = store.transaction(() => {
    const run = store.teacherRuns.create({
      id: runId,
      name: config.name,
      corpusId: config.corpusId,
      questionSetId: set.id,
      loop: config.loop,
      maxSteps: config.maxSteps,
      topK: config.topK,
      generator: teacher.generator.label,
      config: resolved as unknown as Record<string, unknown>,
      questionTotal: questions.length,
    });
    store.teacherRuns.setDemonstrationsSource(run.id, defaults?.source ?? 'request');
    const job = opts.claim
      ? store.jobs.create('teach', { runId: run.id }, { claimedBy: process.pid })
      : opts.queue === false
        ? null
        : wb.runner.enqueue('teach', { runId: run.id });
    if (job) store.teacherRuns.setJob(run.id, job.id);
    return { run, job };
  });
  return { run: store.teacherRuns.require(run.id), job };
}
