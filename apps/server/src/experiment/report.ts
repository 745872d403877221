import type { MetricComparison, StageSummary, StudentComparison } from '@steper/core';
import type { EvalSummary } from '../evaluation/summary';
import type { BenchRow, GpuRun } from './gpuStudents';
import { noClaims, PAIRED_HEADER, pairedCells, pct, probeNote, table, withCi } from './markdown';
import type { PooledRow, TypeRow } from './pooled';
import type { BudgetMode } from './presets';
import { STEP_OUTCOMES, type StepErrorRow } from './stepErrors';
import type { SigmaPoint } from './students';
import type { SequenceFit } from './tokens';

export interface SystemResult {
  /** "Teacher (evidence)", "Vanilla-KD (equal tokens) · seed 1", "StepER (uniform) · seed 1", … */
  name: string;
  /** The same system on every seed: the objective, and for Vanilla-KD its budget ("vanilla@token"). */
  group: string;
  /** The group's name without the seed ("Vanilla-KD (equal tokens)"). */
  groupName: string;
  objective: string | null;
  /** Vanilla-KD's training budget; null for StepER (its own epochs) and the teacher. */
  budget: 'epoch' | 'token' | null;
  seed: number | null;
  evaluationId: string;
  summary: EvalSummary;
  /** Prompt + target tokens the student trained on (student's tokenizer, epochs completed). */
  tokensTrained: number | null;
  trainSeconds: number | null;
  epochs: number | null;
  optimizerSteps: number | null;
  trainingRunId: string | null;
  studentDir: string | null;
  /** Loop steps whose prompt was cut to the student's training context (absent for the teacher and older reports). */
  promptsCut?: { steps: number; cut: number };
}

export interface ComparisonResult {
  a: string;
  b: string;
  /** The Vanilla-KD budget B was trained with. */
  budget: 'epoch' | 'token';
  /** null: pooled over every seed (questions resampled with all their seeds). */
  seed: number | null;
  result: StudentComparison;
  /** EM on the primary metric's questions (absent in older reports). */
  primary?: MetricComparison | null;
}

/** The primary metric as the preset named it, and whether the best student reached its bar. */
export interface PrimaryVerdict {
  name: string;
  questionTypes: string[];
  poweredAt: number;
  best: { name: string; mean: number; ci: [number, number] } | null;
  powered: boolean;
}

/**
 * σ̃_j of one stage over training, for Figure 7 (one series per stage and seed): x is the
 * optimizer step, y is σ̃ (Eq. 5), sigma the raw σ_j.
 */
export interface SigmaSeries {
  name: string;
  system: string;
  seed: number;
  stage: 'init' | 'exp' | 'agg';
  points: { x: number; y: number; sigma: number }[];
}

export function sigmaSeriesOf(
  system: string,
  seed: number,
  sigma: Record<SigmaSeries['stage'], SigmaPoint[]>,
): SigmaSeries[] {
  return (['init', 'exp', 'agg'] as const)
    .filter((stage) => sigma[stage].length > 0)
    .map((stage) => ({
      name: `σ̃ ${stage} · seed ${seed}`,
      system,
      seed,
      stage,
      points: sigma[stage].map((p) => ({ x: p.step, y: p.sigmaNorm, sigma: p.sigma })),
    }));
}

export interface ExperimentResult {
  preset: string;
  claims: boolean;
  /** The primary metric and its verdict (absent in older reports). */
  primary?: PrimaryVerdict;
  /** The step data against the training sequence length (absent in older reports). */
  fit?: SequenceFit;
  /** The committed warm start every student started from (absent: built in the run, or older reports). */
  warmStart?: { path: string; sha256: string };
  /** Students trained on a lent GPU from a bundle (`--trained-on`): what it ran, stage by stage. */
  gpu?: {
    bundleCommit: string;
    warm: { name: string; rows: number }[];
    runs: GpuRun[];
    machine: Record<string, unknown> | null;
    /** bench.py's rows from the same command (part 1), when it wrote any. */
    bench?: BenchRow[];
  };
  /** The held-out questions the systems were measured on (absent in older reports: test). */
  split?: 'dev' | 'test';
  /** 'epoch': equal epochs; 'token': Vanilla-KD trained to StepER's tokens; 'both': each, side by side. */
  budget: BudgetMode;
  command: string;
  commit: string;
  startedAt: string;
  wallSeconds: number;
  world: {
    seed: number;
    passages: number;
    questions: number;
    style?: string | undefined;
    topK?: number | undefined;
  };
  teacher: { traces: number; kept: number; examples: Record<string, number> };
  systems: SystemResult[];
  /** Each student group pooled over seeds (mean, CI from the pooled per-question scores). */
  pooled: PooledRow[];
  /** Each StepER variant vs Vanilla-KD on the same questions, per seed and pooled. */
  comparisons: ComparisonResult[];
  sigmaSeries: SigmaSeries[];
  figures: { accuracyLatency: string; sigma: string };
  /** Teacher and student groups per question type, pooled over seeds (absent in older reports). */
  byType?: TypeRow[];
  /** Where each group's chains break on the primary questions (absent in older reports). */
  stepErrors?: StepErrorRow[];
}

/** Part 1 of the GPU command (bench.py): the trainer against the plain Hugging Face loop. */
function benchSection(rows: readonly BenchRow[]): string {
  const f = (v: number | null, digits: number, scale = 1) =>
    v === null ? 'n/a' : (v * scale).toFixed(digits);
  const body = table(
    ['Shape', 'Loop', 'Tokens/s', 'MFU (%)', 'Peak GiB'],
    rows.map((b) => [
      b.shape,
      b.loop,
      Math.round(b.tokensPerSec).toLocaleString('en-US'),
      f(b.mfu, 1, 100),
      f(b.peakGiB ?? null, 1),
    ]),
  );
  const tps = (prefix: string) => rows.find((b) => b.loop.startsWith(prefix))?.tokensPerSec;
  const [steper, vanilla] = [tps('trainer steper-difficulty'), tps('trainer vanilla-KD')];
  const cost =
    steper && vanilla
      ? `\n\nStepER's cost per token over Vanilla-KD's: ${(vanilla / steper).toFixed(3)}× (goal ≤ 1.05×).`
      : '';
  return `## Trainer throughput in the same command (bench.py, ${rows[0]!.device})

Random-init Qwen2.5 shapes; tokens/s counts real tokens, never padding. The issue's plain-loop baseline on one H100: 75,789 tokens/s, 24.7% MFU, 60.6 GB.

${body}${cost}

`;
}

function gpuLine(g: NonNullable<ExperimentResult['gpu']>): string {
  const machine = g.machine
    ? ` on ${String(g.machine.gpu ?? 'a GPU')} (torch ${String(g.machine.torch ?? '?')}, transformers ${String(g.machine.transformers ?? '?')})`
    : '';
  const stage = (x: (typeof g.runs)[number]) => `${x.stage} ${x.wallSeconds.toFixed(0)} s / ${x.steps} steps`;
  return `- Trained${machine} from a bundle of commit ${g.bundleCommit.slice(0, 12)}: warm stages ${
    g.runs
      .filter((x) => x.kind === 'warm')
      .map(stage)
      .join(', ') || 'none'
  }; students ${g.runs
    .filter((x) => x.kind === 'student')
    .map(stage)
    .join(', ')} (each stage cut to the seconds the preset gives it); evaluated here, on the CPU\n`;
}

/** EM / Acc per question type, one row per system, with how many rows a type has and its yes/no share. */
function typeTable(rows: readonly TypeRow[]): string {
  const types = [...new Set(rows.map((r) => r.type))];
  const names = [...new Set(rows.map((r) => r.name))];
  const header = types.map((t) => {
    const r = rows.find((x) => x.type === t)!;
    return `${t} EM / Acc (yes/no ${pct(r.yesNo)})`;
  });
  return table(
    ['System', ...header],
    names.map((name) => [
      name,
      ...types.map((t) => {
        const r = rows.find((x) => x.name === name && x.type === t);
        return r ? `${pct(r.em)} / ${pct(r.acc)} (n ${r.n})` : '–';
      }),
    ]),
  );
}

const OUTCOME_TITLE = {
  right: 'right',
  wrongObject: 'wrong object',
  wrongRelation: 'wrong relation',
  wrongSubject: 'wrong subject',
  none: 'none',
} as const;

function stepErrorTable(rows: readonly StepErrorRow[]): string {
  const share = (n: number, of: number) => (of ? pct(n / of) : '–');
  const total = (c: StepErrorRow['first']) => STEP_OUTCOMES.reduce((s, o) => s + c[o], 0);
  return table(
    [
      'System',
      'Rows',
      ...STEP_OUTCOMES.map((o) => `1st: ${OUTCOME_TITLE[o]}`),
      'After a right 1st',
      ...STEP_OUTCOMES.map((o) => `2nd: ${OUTCOME_TITLE[o]}`),
    ],
    rows.map((r) => [
      r.name,
      String(r.rows),
      ...STEP_OUTCOMES.map((o) => share(r.first[o], r.rows)),
      String(total(r.second)),
      ...STEP_OUTCOMES.map((o) => share(r.second[o], total(r.second))),
    ]),
  );
}

const BUDGET_TITLE = { epoch: 'equal epochs', token: 'equal training tokens' } as const;

function comparisonTable(r: ExperimentResult, budget: 'epoch' | 'token'): string {
  const rows = r.comparisons.filter((c) => c.budget === budget);
  const primaryName = r.primary?.name;
  if (rows.length === 0) return 'No comparison.';
  return table(
    ['A vs B', 'Seed', 'Metric', ...PAIRED_HEADER],
    rows.flatMap((c) => {
      const who = [`${c.a} vs ${c.b}`, c.seed === null ? `pooled (${c.result.n} questions)` : String(c.seed)];
      return [
        ...(c.primary && primaryName ? [[...who, `**${primaryName}**`, ...pairedCells(c.primary)]] : []),
        ...(['em', 'f1', 'acc'] as const).map((m) => [...who, m.toUpperCase(), ...pairedCells(c.result[m])]),
      ];
    }),
  );
}

/**
 * What a report that claims nothing says above its verdict: an underpowered verdict says it
 * itself; a powered run of a preset marked `claims: false` is a probe; one without a primary
 * metric measured is a smoke run.
 */
function claimsNote(r: ExperimentResult): string {
  if (r.claims) return '';
  if (r.primary?.best && !r.primary.powered) return '';
  if (r.primary?.powered) return probeNote(r.preset);
  return noClaims(r.preset);
}

/**
 * The verdict on the primary metric, first in the report: whether the students are good enough
 * for the comparison to mean anything, then each pooled StepER − Vanilla-KD gap with its interval
 * over questions and the per-seed gaps beside it.
 */
function verdict(r: ExperimentResult): string {
  const p = r.primary;
  if (!p) return '';
  const bar = pct(p.poweredAt);
  const status = !p.best
    ? 'No student was measured on it.'
    : p.powered
      ? `**Powered**: the best student group, ${p.best.name}, scores ${withCi(p.best)} — at or above the preset's bar of ${bar}%.`
      : `**Underpowered**: the best student group, ${p.best.name}, scores ${withCi(p.best)}, below the preset's bar of ${bar}%; the students do not yet answer multi-hop questions, so no gap below says which objective distils reasoning better, and this report claims nothing.`;
  const gaps = r.comparisons
    .filter((c) => c.seed === null && c.primary)
    .map((c) => {
      const perSeed = r.comparisons
        .filter(
          (x) =>
            x.seed !== null &&
            x.budget === c.budget &&
            x.a.startsWith(c.a) &&
            x.b.startsWith(c.b) &&
            x.primary,
        )
        .map((x) => pct(x.primary!.diff));
      return `- ${c.a} − ${c.b} (${BUDGET_TITLE[c.budget]}): **${pct(c.primary!.diff)}** points [${pct(c.primary!.ci![0])}, ${pct(c.primary!.ci![1])}], p = ${c.primary!.pValue.toFixed(3)}${perSeed.length > 1 ? `; per seed ${perSeed.join(' / ')}` : ''}`;
    });
  return `## Verdict — primary metric: ${p.name}

The primary metric was named in the preset before the run: EM on the ${p.questionTypes.join(', ')} questions (those that take more than one hop and offer no two options to guess between). Intervals resample questions, each with all of its seeds.

${status}

${gaps.join('\n')}
`;
}

/** The experiment's Markdown report: Table 1 with CIs, pooled rows, Tables 7–8, paired tests per budget, figures. */
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
  const primaryName = r.primary?.name ?? 'primary';
  const pooled = table(
    [
      'System (pooled)',
      'Seeds',
      'Questions',
      `**${primaryName}**`,
      `${primaryName} per seed`,
      'EM',
      'EM per seed',
      'F1',
      'Acc',
    ],
    r.pooled.map((p) => [
      p.name,
      p.seeds.join(', '),
      String(p.questions ?? p.n),
      withCi(p.primary),
      p.perSeed.primary?.map(pct).join(' / ') ?? '–',
      withCi(p.summary.intervals.em),
      p.perSeed.em.map(pct).join(' / '),
      withCi(p.summary.intervals.f1),
      withCi(p.summary.intervals.acc),
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
  const budgets: ('epoch' | 'token')[] = r.budget === 'both' ? ['epoch', 'token'] : [r.budget];
  const comparisons = budgets
    .map(
      (b) =>
        `## Paired tests at ${BUDGET_TITLE[b]}: StepER vs Vanilla-KD (same questions)\n\n${comparisonTable(r, b)}`,
    )
    .join('\n\n');
  const budgetTable = table(
    [
      'Student',
      'Objective',
      'Budget',
      'Seed',
      'Epochs',
      'Optimizer steps',
      'Tokens trained',
      'Training time (s)',
    ],
    r.systems
      .filter((s) => s.objective)
      .map((s) => [
        s.name,
        s.objective ?? '',
        s.budget ? BUDGET_TITLE[s.budget] : 'its own epochs',
        String(s.seed ?? ''),
        String(s.epochs ?? '–'),
        String(s.optimizerSteps ?? '–'),
        s.tokensTrained?.toLocaleString('en-US') ?? '–',
        s.trainSeconds?.toFixed(0) ?? '–',
      ]),
  );
  const judged = r.systems.flatMap((s) => {
    const j = (s.summary as EvalSummary & { offlineJudge?: StageSummary | null }).offlineJudge;
    if (!j) return [];
    const f = (v: number | null) => (v === null ? '–' : pct(v));
    return [[s.name, f(j.initialization.mean), f(j.expansion.mean), f(j.aggregation.mean)]];
  });
  const budgetNote =
    r.budget === 'both'
      ? 'Vanilla-KD was trained twice from the same initialisation and question order: for the same epochs as StepER, and for proportionally more epochs/steps so that it sees as many training tokens.'
      : r.budget === 'token'
        ? 'Vanilla-KD was given proportionally more epochs/steps to even the tokens out (rerun with `--budget both` for both comparisons).'
        : 'At equal epochs StepER sees more tokens (rerun with `--budget both` for the equal-token comparison too).';
  return `# Vanilla-KD vs StepER — preset \`${r.preset}\`

${claimsNote(r)}
- Command: \`${r.command}\`
- Commit: \`${r.commit}\`
- Started: ${r.startedAt} · wall time ${(r.wallSeconds / 60).toFixed(1)} min
- Synthetic world: seed ${r.world.seed}, ${r.world.passages} passages, ${r.world.questions} questions${r.world.style === 'plain' ? ", plain wording (one phrasing per relation, in the questions' own words: a world sized for CPU students)" : ''}
- Teacher (offline evidence teacher, IRCoT, S = 5, K = ${r.world.topK ?? 4}): ${r.teacher.traces} traces, ${r.teacher.kept} kept; step examples ${Object.entries(
    r.teacher.examples,
  )
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')}
- Evaluation: held-out ${r.split ?? 'test'} questions, IRCoT, S = 5, K = ${r.world.topK ?? 4}, greedy; 95% percentile-bootstrap intervals (${r.systems[0]?.summary.bootstrap.resamples ?? 0} resamples)
${
  r.fit
    ? `- Sequence length: ${r.fit.maxSeqLen} tokens; the longest of ${r.fit.examples.toLocaleString('en-US')} training examples is ${r.fit.longest}, so ${r.fit.cut} were cut; test prompts cut to the training length: ${r.systems
        .filter((s) => s.promptsCut)
        .map((s) => `${s.name} ${s.promptsCut!.cut} of ${s.promptsCut!.steps} steps`)
        .join(', ')}\n`
    : ''
}${
  r.warmStart
    ? `- Initialisation: the committed warm start \`${r.warmStart.path}\` (weights sha256 ${r.warmStart.sha256.slice(0, 12)}…; copy curriculum, long-range copy, single-hop reading on another world seed — objective-neutral, no fact of this world), shared by every seed and objective\n`
    : ''
}${r.gpu ? gpuLine(r.gpu) : ''}- Training budget: ${r.budget === 'both' ? 'equal epochs and equal training tokens, both reported' : BUDGET_TITLE[r.budget]}

${verdict(r)}
## Table 1 — EM / F1 / Acc (%, 95% CI)

${t1}

## Pooled over seeds (%, 95% CI resampling questions with all their seeds)

${pooled}

## Table 7 — exact retrieval steps (% of questions)

${t7}

## Table 8 — retrieval recall and duplicativeness (%, 95% CI)

${t8}

${comparisons}

## Training budget

Same initialisation, same question order, same seed. StepER trains on several examples per question where Vanilla-KD has one. ${budgetNote} Tokens are estimated as one epoch's prompt + target tokens (student tokenizer) × epochs completed:

${budgetTable}

${
  r.byType?.length
    ? `## By question type (%, pooled over seeds)

Where the scores come from: a type answered yes/no is half right by guessing, without one reasoning step right.

${typeTable(r.byType)}

`
    : ''
}${
  r.stepErrors?.length
    ? `## Where the chains break (${r.primary?.name ?? 'multi-hop'} questions, %, pooled over seeds)

Each student's first step against the gold first fact, and its second step where the first was right: the right fact; the right subject and relation with a wrong object (a copying error); another fact of the right entity (a wrong relation); a fact of another entity; no sentence.

${stepErrorTable(r.stepErrors)}

`
    : ''
}${r.gpu?.bench?.length ? benchSection(r.gpu.bench) : ''}## Reasoning stages (offline evidence judge — no LM)

${judged.length ? table(['System', 'Initialization', 'Expansion', 'Aggregation'], judged) : 'No synthetic questions.'}

## Figures

![Figure 6: accuracy vs latency](${r.figures.accuracyLatency})

![Figure 7: normalised σ̃ per stage over training](${r.figures.sigma})
`;
}
