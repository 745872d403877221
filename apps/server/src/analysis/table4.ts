import { type RationaleSummary, summarizeRationaleVerdicts } from '@steper/core';
import type { VerdictLine } from '../evaluation/judge/files';
import { table, withCi } from '../experiment/markdown';
import { OBJECTIVE_NAMES, type Objective } from '../experiment/students';
import type { AnalysisContext, AnalysisOutput } from './context';
import { evaluate, judgeEvaluation, studentSystem, studentsWorld } from './shared';

/** Where the sub-questions come from: said in the report, since SubQA itself is HotpotQA's. */
export const SYNTHETIC_SUBQUESTIONS =
  "synthetic world: SubQA-style sub-questions built from each question's gold evidence (one single-hop question per fact, with the fact's answer; 2–4 per question, so SQA is the share answered — 1 / 0.5 / 0 with two, as SubQA); not the SubQA dataset";

export interface Table4Row {
  name: string;
  objective: string | null;
  perSeed: { seed: number | null; evaluationId: string; judgementId: string; summary: RationaleSummary }[];
  /** Over all seeds' judged questions: SQA over all, RI over those answered correctly, 95% CIs. */
  pooled: RationaleSummary;
  unparseable: number;
  skipped: number;
}

export interface Table4Result {
  judge: string;
  subQuestions: string;
  answeredBy: 'acc' | 'em';
  rows: Table4Row[];
}

function entries(lines: readonly VerdictLine[], seed: number | null) {
  return lines.flatMap((l) =>
    l.status === 'judged' && l.answered
      ? [
          {
            verdict: {
              questionId: seed === null ? l.questionId : `${l.questionId}#seed${seed}`,
              judge: l.judge,
              answered: l.answered,
              raw: l.raw,
            },
            correct: l.correct,
          },
        ]
      : [],
  );
}

/**
 * Table 4: rationale validity — is each sub-question answerable from the rationale the system
 * wrote? SQA (share of sub-questions answered, averaged) and RI (among questions answered
 * correctly, the share whose sub-questions are all answered), for the teacher and each student.
 */
export async function runTable4(ctx: AnalysisContext): Promise<Table4Result> {
  const { objectives } = ctx.preset.table4;
  const { seeds } = ctx.preset.base;
  ctx.plan(2 + 3 * objectives.length * seeds.length);
  const sw = await studentsWorld(ctx);
  const rows: Table4Row[] = [];
  const teacher = await evaluate(ctx, sw.world.evalBase, 'Teacher (evidence)', { kind: 'evidence' });
  ctx.advance('evaluated the teacher');
  const tj = await judgeEvaluation(ctx, teacher.evaluationId, 'rationale');
  ctx.advance('judged the teacher');
  const row = (
    name: string,
    objective: string | null,
    judged: { seed: number | null; evaluationId: string; j: Awaited<ReturnType<typeof judgeEvaluation>> }[],
  ): Table4Row => ({
    name,
    objective,
    perSeed: judged.map(({ seed, evaluationId, j }) => ({
      seed,
      evaluationId,
      judgementId: j.judgementId,
      summary: j.summary.rationale!,
    })),
    pooled: summarizeRationaleVerdicts(judged.flatMap(({ seed, j }) => entries(j.lines, seed))),
    unparseable: judged.reduce((n, { j }) => n + j.summary.unparseable, 0),
    skipped: judged.reduce((n, { j }) => n + j.summary.skipped.reduce((m, s) => m + s.count, 0), 0),
  });
  rows.push(
    row('Teacher (evidence oracle, no LM)', null, [
      { seed: null, evaluationId: teacher.evaluationId, j: tj },
    ]),
  );
  for (const objective of objectives as Objective[]) {
    const judged = [];
    for (const init of sw.inits) {
      const name = `${OBJECTIVE_NAMES[objective]} · seed ${init.seed}`;
      const { evaluation } = await studentSystem(ctx, sw, init, { name, objective });
      const j = await judgeEvaluation(ctx, evaluation.evaluationId, 'rationale');
      ctx.advance(`judged ${name}`);
      judged.push({ seed: init.seed, evaluationId: evaluation.evaluationId, j });
    }
    rows.push(row(OBJECTIVE_NAMES[objective], objective, judged));
  }
  return {
    judge: tj.summary.judge,
    subQuestions: SYNTHETIC_SUBQUESTIONS,
    answeredBy: tj.summary.rationale?.answeredBy ?? 'acc',
    rows,
  };
}

export function renderTable4(r: Table4Result): string {
  const main = table(
    ['System', 'Seeds', 'SQA', 'RI', 'Correct / judged', 'Unparseable', 'Not applicable'],
    r.rows.map((row) => [
      row.name,
      row.perSeed.map((s) => s.seed ?? '–').join(', '),
      withCi(row.pooled.sqa),
      withCi(row.pooled.ri),
      `${row.pooled.correct} / ${row.pooled.questions}`,
      String(row.unparseable),
      String(row.skipped),
    ]),
  );
  const perSeed = table(
    ['System', 'Seed', 'SQA', 'RI', 'Correct / judged'],
    r.rows.flatMap((row) =>
      row.perSeed.map((s) => [
        row.name,
        s.seed === null ? '–' : String(s.seed),
        withCi(s.summary.sqa),
        withCi(s.summary.ri),
        `${s.summary.correct} / ${s.summary.questions}`,
      ]),
    ),
  );
  return `## Table 4 — rationale validity (%, 95% CI; judge: ${r.judge})

Sub-questions: ${r.subQuestions}. RI counts a question as answered correctly by ${r.answeredBy === 'acc' ? 'Acc (a gold answer contained in the prediction)' : 'EM'}. Unparseable judge outputs are counted and left out of the means.

${main}

## Per seed

${perSeed}
`;
}

export async function table4(ctx: AnalysisContext): Promise<AnalysisOutput<Table4Result>> {
  const result = await runTable4(ctx);
  return { result, markdown: renderTable4(result), figures: {} };
}
