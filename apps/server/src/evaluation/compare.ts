import { type BootstrapOptions, compareStudents, type StudentComparison, scoreTraces } from '@steper/core';
import { UserError } from '../errors';
import type { Store } from '../store/store';
import type { EvalConfig } from './config';

export interface EvaluationComparison extends StudentComparison {
  a: { id: string; name: string };
  b: { id: string; name: string };
}

/**
 * A − B on the questions both evaluations answered — paired bootstrap on EM/F1/Acc, McNemar on
 * EM/Acc (core's compareStudents). Both must have run on the same questions.
 */
export function compareEvaluations(
  store: Store,
  idA: string,
  idB: string,
  options: BootstrapOptions = {},
): EvaluationComparison {
  const rows = [idA, idB].map((id) => store.evaluations.require(id));
  const scored = rows.map((row) => {
    const config = row.config as unknown as EvalConfig;
    const questions = store.questionSets.questions(config.questionSetId);
    const traces = store.evaluations.allTraces(row.id).map((t) => t.trace);
    if (traces.length === 0) {
      throw new UserError('PRECONDITION_FAILED', `Evaluation ${row.id} has no traces yet; run it first.`);
    }
    return scoreTraces(traces, questions).perTrace;
  });
  try {
    return {
      a: { id: rows[0]!.id, name: rows[0]!.name },
      b: { id: rows[1]!.id, name: rows[1]!.name },
      ...compareStudents(scored[0]!, scored[1]!, options),
    };
  } catch (err) {
    throw new UserError('PRECONDITION_FAILED', (err as Error).message);
  }
}
