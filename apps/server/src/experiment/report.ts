import type { MeanInterval, StudentComparison } from '@steper/core';
import type { EvalSummary } from '../evaluation/summary';

export interface SystemResult {
  /** "Teacher (evidence)", "Vanilla-KD", "StepER (uniform)", … */
  name: string;
  objective: string | null;
  seed: number | null;
  evaluationId: string;
  summary: EvalSummary;
  /** Prompt + target tokens the student trained on (student's tokenizer, all epochs). */
  tokensTrained: number | null;
  trainSeconds: number | null;
}

export interface ExperimentResult {
  preset: string;
  claims: boolean;
  /** 'epoch': equal epochs; 'token': Vanilla-KD trained until it has seen as many tokens as StepER. */
  budget: 'epoch' | 'token';
  command: string;
  commit: string;
  startedAt: string;
  wallSeconds: number;
  world: { seed: number; passages: number; questions: number };
  teacher: { traces: number; kept: number; examples: Record<string, number> };
  systems: SystemResult[];
  /** StepER variant vs Vanilla-KD on the same questions. */
  comparisons: { a: string; b: string; result: StudentComparison }[];
  figures: { accuracyLatency: string; sigma: string };
}

const pct = (x: number) => (100 * x).toFixed(1);
const withCi = (i: MeanInterval | null | undefined, scale = 100, digits = 1) =>
  i
    ? `${(scale * i.mean).toFixed(digits)} [${(scale * i.ci[0]).toFixed(digits)}, ${(scale * i.ci[1]).toFixed(digits)}]`
    : '–';

function table(header: string[], rows: string[][]): string {
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

/** The experiment's Markdown report: Table 1 with CIs, Table 7, Table 8, paired tests, figures. */
export function renderReport(r: ExperimentResult): string {
  const datasets = [...new Set(r.systems.flatMap((s) => Object.keys(s.summary.perDataset)))];
  const t1 = table(
    ['System', ...datasets.flatMap((d) => [`${d} EM`, `${d} F1`, `${d} Acc`]), 'Avg EM', 'Avg F1', 'Avg Acc'],
    r.systems.map((s) => [
      s.name,
      ...datasets.flatMap((d) => {
        const b = s.summary.perDataset[d];
        return b
          ? [withCi(b.intervals.em), withCi(b.intervals.f1), withCi(b.intervals.acc)]
          : ['–', '–', '–'];
      }),
      pct(s.summary.datasetAverage.em),
      pct(s.summary.datasetAverage.f1),
      pct(s.summary.datasetAverage.acc),
    ]),
  );
  const maxSteps = Math.max(1, ...r.systems.flatMap((s) => s.summary.steps.bins.map((b) => b.steps)));
  const stepCols = Array.from({ length: maxSteps }, (_, i) => i + 1);
  const t7 = table(
    ['System', ...stepCols.map((n) => `${n} step${n > 1 ? 's' : ''}`), 'Mean'],
    r.systems.map((s) => [
      s.name,
      ...stepCols.map((n) => pct(s.summary.steps.bins.find((b) => b.steps === n)?.share ?? 0)),
      s.summary.steps.mean.toFixed(2),
    ]),
  );
  const t8 = table(
    ['System', 'Recall', 'Duplicativeness', 'Latency / question (ms)'],
    r.systems.map((s) => [
      s.name,
      withCi(s.summary.intervals.recall),
      withCi(s.summary.intervals.duplicativeness),
      withCi(s.summary.intervals.totalMs, 1, 0),
    ]),
  );
  const paired = table(
    ['A vs B', 'Metric', 'A', 'B', 'A − B [95% CI]', 'p (paired bootstrap)', 'p (McNemar)'],
    r.comparisons.flatMap((c) =>
      (['em', 'f1', 'acc'] as const).map((m) => {
        const x = c.result[m];
        return [
          `${c.a} vs ${c.b}`,
          m.toUpperCase(),
          pct(x.meanA),
          pct(x.meanB),
          `${pct(x.diff)}${x.ci ? ` [${pct(x.ci[0])}, ${pct(x.ci[1])}]` : ''}`,
          x.pValue.toFixed(4),
          x.mcnemar ? x.mcnemar.pValue.toFixed(4) : '–',
        ];
      }),
    ),
  );
  const budget = table(
    ['Student', 'Objective', 'Seed', 'Tokens trained', 'Training time (s)'],
    r.systems
      .filter((s) => s.objective)
      .map((s) => [
        s.name,
        s.objective ?? '',
        String(s.seed ?? ''),
        s.tokensTrained?.toLocaleString('en-US') ?? '–',
        s.trainSeconds?.toFixed(0) ?? '–',
      ]),
  );
  const judged = r.systems
    .filter((s) => (s.summary as EvalSummary & { offlineJudge?: unknown }).offlineJudge)
    .map((s) => {
      const j = (
        s.summary as EvalSummary & {
          offlineJudge: {
            judge: string;
            initialization: { mean: number | null };
            expansion: { mean: number | null };
            aggregation: { mean: number | null };
          };
        }
      ).offlineJudge;
      const f = (v: number | null) => (v === null ? '–' : pct(v));
      return [s.name, f(j.initialization.mean), f(j.expansion.mean), f(j.aggregation.mean)];
    });
  return `# Vanilla-KD vs StepER — preset \`${r.preset}\`

${r.claims ? '' : `> **This is a smoke run: it claims nothing.** The \`${r.preset}\` preset checks that the pipeline runs end to end; its students are far too small and too briefly trained for the numbers to mean anything.\n`}
- Command: \`${r.command}\`
- Commit: \`${r.commit}\`
- Started: ${r.startedAt} · wall time ${(r.wallSeconds / 60).toFixed(1)} min
- Synthetic world: seed ${r.world.seed}, ${r.world.passages} passages, ${r.world.questions} questions
- Teacher (offline evidence teacher, IRCoT, S = 5, K = 4): ${r.teacher.traces} traces, ${r.teacher.kept} kept; step examples ${Object.entries(
    r.teacher.examples,
  )
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')}
- Evaluation: held-out test questions, IRCoT, S = 5, K = 4, greedy; 95% percentile-bootstrap intervals (${r.systems[0]?.summary.bootstrap.resamples ?? 0} resamples)

## Table 1 — EM / F1 / Acc (%, 95% CI)

${t1}

## Table 7 — exact retrieval steps (% of questions)

${t7}

## Table 8 — retrieval recall and duplicativeness (%, 95% CI)

${t8}

## Paired tests: StepER vs Vanilla-KD (same questions)

${paired}

## Training budget (${r.budget === 'token' ? 'equal training tokens' : 'equal epochs'})

Same initialisation, same question order, same seed. StepER trains on several examples per question where Vanilla-KD has one, so at equal epochs it sees more tokens${r.budget === 'token' ? '; here Vanilla-KD was given proportionally more epochs/steps to even the tokens out' : ' (rerun with `--budget token` for the equal-token comparison)'}. Tokens are estimated as one epoch's prompt + target tokens (student tokenizer) × epochs completed:

${budget}

## Reasoning stages (offline evidence judge — no LM)

${judged.length ? table(['System', 'Initialization', 'Expansion', 'Aggregation'], judged) : 'No synthetic questions.'}

## Figures

![Figure 6: accuracy vs latency](${r.figures.accuracyLatency})

![Figure 7: normalised σ̃ per stage over training](${r.figures.sigma})
`;
}
