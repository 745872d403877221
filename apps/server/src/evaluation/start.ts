import { UserError, zodToUserError } from '../errors';
import type { EvaluationRow } from '../store/evaluations';
import type { JobRow } from '../store/jobs';
import { newId } from '../store/util';
import { createTeacher } from '../teachers/create';
import type { Workbench } from '../workbench';
import { type EvalConfigInput, EvalConfigSchema } from './config';

/** Validates, checks corpus, index, questions and generator, then records the evaluation and queues it. */
export async function startEvaluation(
  wb: Workbench,
  raw: EvalConfigInput,
  opts: { queue?: boolean } = {},
): Promise<{ evaluation: EvaluationRow; job: JobRow | null }> {
  const parsed = EvalConfigSchema.safeParse(raw);
  if (!parsed.success) throw zodToUserError('evaluation config', parsed.error);
  const config = parsed.data;
  const { store } = wb;
  wb.retrievers.get(config.corpusId);
  const set = store.questionSets.require(config.questionSetId);
  if (set.questionCount === 0) throw new UserError('PRECONDITION_FAILED', `Question set ${set.id} is empty.`);
  const id = newId('eval');
  const generator = createTeacher(config.generator, { store, endpoints: wb.endpoints, owner: id });
  await generator.probe();
  return store.transaction(() => {
    const evaluation = store.evaluations.create({
      id,
      name: config.name,
      config: { ...config, generatorDescription: generator.describe },
    });
    const job = opts.queue === false ? null : wb.runner.enqueue('eval', { evaluationId: id });
    if (job) store.evaluations.setJob(id, job.id);
    return { evaluation: store.evaluations.require(evaluation.id), job };
  });
}
