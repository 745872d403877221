import type { EvalSummary } from '../evaluation/summary';
import { table, withCi } from '../experiment/markdown';
import { prepareWorld } from '../experiment/world';
import { createTeacher } from '../teachers/create';
import type { AnalysisContext, AnalysisOutput } from './context';
import { evaluate } from './shared';

export interface Table6Row {
  maxSteps: number;
  evaluationId: string;
  questions: number;
  summary: Pick<EvalSummary, 'em' | 'f1' | 'acc' | 'recall' | 'duplicativeness' | 'steps' | 'intervals'>;
}

export interface Table6Result {
  teacher: string;
  split: string;
  rows: Table6Row[];
}

/**
 * Table 6: the teacher run with at most S = 3 … 7 retrieval steps (IRCoT, K = 4) over the same
 * questions: retrieval recall, the steps it took, and EM / F1 / Acc — EM being the share of
 * traces the step-data filter keeps.
 */
export async function runTable6(ctx: AnalysisContext): Promise<Table6Result> {
  const { maxSteps, questions, split } = ctx.preset.table6;
  ctx.plan(maxSteps.length);
  const { base } = ctx.preset;
  ctx.log('building the synthetic world');
  const world = await prepareWorld(ctx.wb, base.world, base.testQuestions);
  const teacher = createTeacher(ctx.teacher, {
    store: ctx.wb.store,
    endpoints: ctx.wb.endpoints,
    owner: null,
  });
  const label = String(teacher.describe.label ?? ctx.teacher.kind);
  const rows: Table6Row[] = [];
  for (const s of maxSteps) {
    const evaluation = await evaluate(
      ctx,
      {
        ...world.evalBase,
        questionSetId: world.demo.questionSetIds[split],
        maxSteps: s,
        limit: questions,
      },
      `Teacher (${label}) · S = ${s}`,
      ctx.teacher,
    );
    ctx.advance(`evaluated the teacher at S = ${s}`);
    const m = evaluation.summary;
    rows.push({
      maxSteps: s,
      evaluationId: evaluation.evaluationId,
      questions: m.traces,
      summary: {
        em: m.em,
        f1: m.f1,
        acc: m.acc,
        recall: m.recall,
        duplicativeness: m.duplicativeness,
        steps: m.steps,
        intervals: m.intervals,
      },
    });
  }
  return { teacher: label, split, rows };
}

export function renderTable6(r: Table6Result): string {
  const main = table(
    ['S (max steps)', 'Questions', 'Recall', 'Mean steps', 'EM (= kept by the EM filter)', 'F1', 'Acc'],
    r.rows.map((row) => [
      String(row.maxSteps),
      String(row.questions),
      withCi(row.summary.intervals.recall),
      withCi(row.summary.intervals.retrievalSteps, 1, 2),
      withCi(row.summary.intervals.em),
      withCi(row.summary.intervals.f1),
      withCi(row.summary.intervals.acc),
    ]),
  );
  return `## Table 6 — the teacher with S = ${r.rows.map((x) => x.maxSteps).join(', ')} (%, 95% CI)

Teacher: ${r.teacher}; IRCoT, K = 4, the ${r.split} split's questions (the ones its traces would train students on).

${main}
`;
}

export async function table6(ctx: AnalysisContext): Promise<AnalysisOutput<Table6Result>> {
  const result = await runTable6(ctx);
  return { result, markdown: renderTable6(result), figures: {} };
}
