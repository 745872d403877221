import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type StageSummary, type StageVerdict, type StepConfig, summarizeStageVerdicts } from '@steper/core';
import type { VerdictLine } from '../evaluation/judge/files';
import { pct, table, withCi } from '../experiment/markdown';
import { chartSvg, svgToPng } from '../experiment/plots';
import type { AnalysisContext, AnalysisOutput } from './context';
import { judgeEvaluation, studentSystem, studentsWorld } from './shared';

/** §6.1's names ("5" there is the final, aggregation step). */
export const STEP_CONFIG_LABELS: Record<StepConfig, string> = {
  agg: '{agg} (Vanilla-KD data)',
  'init+agg': '{init, agg}',
  'init+exp1+agg': '{init, first exp, agg}',
  all: 'all steps',
};

export interface Figure3Row {
  stepConfig: StepConfig;
  label: string;
  perSeed: {
    seed: number;
    evaluationId: string;
    judgementId: string;
    trainingRunId: string;
    acc: number;
    stages: StageSummary;
    unparseable: number;
  }[];
  /** Stage scores over all seeds' judged questions, with 95% CIs. */
  pooled: StageSummary;
  unparseable: number;
  skipped: number;
}

export interface Figure3Result {
  judge: string;
  objective: string;
  rows: Figure3Row[];
}

/** Verdict lines of one seed as stage verdicts with question × seed ids, for pooling. */
function stageVerdicts(lines: readonly VerdictLine[], seed: number): StageVerdict[] {
  return lines.flatMap((l) =>
    l.status === 'judged' && l.stages
      ? [{ questionId: `${l.questionId}#seed${seed}`, judge: l.judge, raw: l.raw, ...l.stages }]
      : [],
  );
}

/**
 * Figure 3: a student per step configuration ({agg}, {init, agg}, {init, first exp, agg}, all),
 * same objective, init and order; each evaluated with IRCoT on the held-out questions and its
 * traces judged by reasoning stage (initialization, expansion, aggregation; 0/1 each).
 */
export async function runFigure3(ctx: AnalysisContext): Promise<Figure3Result> {
  const { objective, stepConfigs } = ctx.preset.figure3;
  ctx.plan(3 * stepConfigs.length * ctx.preset.base.seeds.length);
  const sw = await studentsWorld(ctx);
  const rows: Figure3Row[] = [];
  let judgeLabel = '';
  for (const stepConfig of stepConfigs) {
    const perSeed: Figure3Row['perSeed'] = [];
    const verdicts: StageVerdict[] = [];
    let skipped = 0;
    for (const init of sw.inits) {
      const name = `${STEP_CONFIG_LABELS[stepConfig]} · seed ${init.seed}`;
      const { student, evaluation } = await studentSystem(ctx, sw, init, { name, objective, stepConfig });
      const judged = await judgeEvaluation(ctx, evaluation.evaluationId, 'stages');
      ctx.advance(`judged ${name}`);
      judgeLabel = judged.summary.judge;
      verdicts.push(...stageVerdicts(judged.lines, init.seed));
      skipped += judged.summary.skipped.reduce((n, s) => n + s.count, 0);
      perSeed.push({
        seed: init.seed,
        evaluationId: evaluation.evaluationId,
        judgementId: judged.judgementId,
        trainingRunId: student.trainingRunId,
        acc: evaluation.summary.acc,
        stages: judged.summary.stages!,
        unparseable: judged.summary.unparseable,
      });
    }
    rows.push({
      stepConfig,
      label: STEP_CONFIG_LABELS[stepConfig],
      perSeed,
      pooled: summarizeStageVerdicts(verdicts),
      unparseable: perSeed.reduce((n, s) => n + s.unparseable, 0),
      skipped,
    });
  }
  return { judge: judgeLabel, objective, rows };
}

const STAGES = [
  ['initialization', 'Initialization'],
  ['expansion', 'Expansion'],
  ['aggregation', 'Aggregation'],
] as const;

export function figure3Png(r: Figure3Result): Buffer {
  return svgToPng(
    chartSvg({
      title: `Reasoning stages by step configuration (${r.judge})`,
      xLabel: 'step configuration',
      yLabel: 'judged correct (%)',
      kind: 'scatter',
      yRange: [0, 100],
      xTicks: r.rows.map((row, i) => ({ x: i + 1, label: row.label.replace(' (Vanilla-KD data)', '') })),
      series: STAGES.map(([key, name], k) => ({
        name,
        points: r.rows.flatMap((row, i) => {
          const s = row.pooled[key];
          if (s.mean === null) return [];
          return [
            {
              x: i + 1 + (k - 1) * 0.12,
              y: 100 * s.mean,
              ...(s.ci ? { yLow: 100 * s.ci[0], yHigh: 100 * s.ci[1] } : {}),
            },
          ];
        }),
      })),
    }),
  );
}

export function renderFigure3(r: Figure3Result, figure: string): string {
  const main = table(
    [
      'Step configuration',
      'Initialization',
      'Expansion',
      'Aggregation',
      'Judged',
      'Unparseable',
      'Not applicable',
    ],
    r.rows.map((row) => [
      row.label,
      withCi(row.pooled.initialization),
      withCi(row.pooled.expansion),
      withCi(row.pooled.aggregation),
      String(row.pooled.questions),
      String(row.unparseable),
      String(row.skipped),
    ]),
  );
  const perSeed = table(
    ['Step configuration', 'Seed', 'Acc', 'Initialization', 'Expansion', 'Aggregation', 'Unparseable'],
    r.rows.flatMap((row) =>
      row.perSeed.map((s) => [
        row.label,
        String(s.seed),
        pct(s.acc),
        withCi(s.stages.initialization),
        withCi(s.stages.expansion),
        withCi(s.stages.aggregation),
        String(s.unparseable),
      ]),
    ),
  );
  return `## Figure 3 — reasoning stages by step configuration (%, 95% CI; judge: ${r.judge})

Objective \`${r.objective}\` for every configuration. Expansion is scored only on traces with an expansion step. Unparseable judge outputs are counted here and left out of the means.

${main}

![Figure 3](${figure})

## Per seed

${perSeed}
`;
}

export async function figure3(ctx: AnalysisContext): Promise<AnalysisOutput<Figure3Result>> {
  const result = await runFigure3(ctx);
  const figure = 'figure3-stages.png';
  writeFileSync(join(ctx.out, figure), figure3Png(result));
  return {
    result,
    markdown: renderFigure3(result, figure),
    figures: { [figure]: 'stage scores per step configuration' },
  };
}
