import { UserError, zodToUserError } from '../errors';
import type { EvaluationRow } from '../store/evaluations';
import type { JobRow } from '../store/jobs';
import { newId } from '../store/util';
import { checkGeneratorSpec } from '../students/create';
import { createTeacher } from '../teachers/create';
import type { Workbench } from '../workbench';
import { type EvalConfigInput, EvalConfigSchema, resolvePromptStyle } from './config';

/**
 * Validates, checks corpus, index, questions and generator (an ONNX student's folder, an
 * endpoint's answer), then records the evaluation and queues it. A bad input writes nothing.
 */
export async function startEvaluation(
  wb: Workbench,
  raw: EvalConfigInput,
  opts: { queue?: boolean } = {},
): Promise<{ evaluation: EvaluationRow; job: JobRow | null }> {
  const parsed = EvalConfigSchema.safeParse(raw);
  if (!parsed.success) throw zodToUserError('evaluation config', parsed.error);
  const config = { ...parsed.data, promptStyle: resolvePromptStyle(parsed.data) };
  const { store } = wb;
  wb.retrievers.get(config.corpusId);
  const set = store.questionSets.require(config.questionSetId);
  if (set.questionCount === 0) throw new UserError('PRECONDITION_FAILED', `Question set ${set.id} is empty.`);
  const id = newId('eval');
  let generatorDescription: Record<string, unknown>;
  if (config.generator.kind === 'onnx') {
    checkGeneratorSpec(config.generator);
    generatorDescription = { ...config.generator, label: 'onnx-student' };
  } else {
    const teacher = createTeacher(config.generator, { store, endpoints: wb.endpoints, owner: id });
    await teacher.probe();
    generatorDescription = teacher.describe;
  }
  return store.transaction(() => {
    const evaluation = store.evaluations.create({
      id,
      name: config.name,
      config: { ...config, generatorDescription },
    });
    const job = opts.queue === false ? null : wb.runner.enqueue('eval', { evaluationId: id });
    if (job) store.evaluations.setJob(id, job.id);
    return { evaluation: store.evaluations.require(evaluation.id), job };
  });
}
