import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { JudgeSpec } from '../evaluation/judge/config';
import { createJudge } from '../evaluation/judge/create';
import { sharedExporter } from '../experiment/python';
import { recordReport } from '../reports/record';
import { createTeacher } from '../teachers/create';
import type { TeacherSpec } from '../teachers/spec';
import type { Workbench } from '../workbench';
import type { AnalysisContext, AnalysisHeader, AnalysisOutput } from './context';
import { figure3 } from './figure3';
import { figure5 } from './figure5';
import type { AnalysisKind, AnalysisPreset } from './presets';
import { preamble } from './shared';
import { table2 } from './table2';
import { table4 } from './table4';
import { table6 } from './table6';

export const ANALYSES: Record<
  AnalysisKind,
  { title: string; run: (ctx: AnalysisContext) => Promise<AnalysisOutput<unknown>> }
> = {
  table2: { title: 'Table 2: fixed stage weights vs difficulty-aware weighting', run: table2 },
  figure3: { title: 'Figure 3: step configurations judged by reasoning stage', run: figure3 },
  table4: { title: 'Table 4: rationale validity (SQA, RI)', run: table4 },
  table6: { title: 'Table 6: the teacher with S = 3 … 7', run: table6 },
  figure5: { title: 'Figure 5: out-of-domain transfer', run: figure5 },
};

export interface AnalysisOptions {
  outDir: string;
  command: string;
  commit: string;
  judge?: JudgeSpec;
  teacher?: TeacherSpec;
  signal?: AbortSignal;
  log?: (line: string) => void;
  progress?: (update: { done?: number; total?: number | null; message?: string | null }) => void;
}

export interface AnalysisRun<R = unknown> extends AnalysisHeader {
  /** The whole resolved preset, so the report can be made again from this file. */
  config: AnalysisPreset;
  /** Who judged (Figure 3, Table 4) and who taught (Table 6), by label. */
  judge: string;
  teacher: string;
  result: R;
  figures: Record<string, string>;
}

/**
 * One of the paper's analyses end to end on the synthetic world, in the workspace of `wb`
 * (students, evaluations and judgements found there from an earlier run with the same inputs
 * are reused): report.md + result.json (+ PNG figures) in outDir, recorded in the report list.
 */
export async function runAnalysis(
  wb: Workbench,
  kind: AnalysisKind,
  preset: AnalysisPreset,
  opts: AnalysisOptions,
): Promise<AnalysisRun> {
  const started = Date.now();
  const out = resolve(opts.outDir);
  mkdirSync(out, { recursive: true });
  const log = opts.log ?? (() => {});
  let done = 0;
  const ctx: AnalysisContext = {
    wb,
    kind,
    preset,
    out,
    judge: opts.judge ?? { kind: 'offline' },
    teacher: opts.teacher ?? { kind: 'evidence' },
    exporter: sharedExporter(),
    signal: opts.signal,
    log: (line) => {
      log(line);
      opts.progress?.({ message: line });
    },
    plan: (total) => opts.progress?.({ done, total }),
    advance: (message) => {
      done += 1;
      log(message);
      opts.progress?.({ done, message });
    },
  };
  const { title, run } = ANALYSES[kind];
  const output = await run(ctx);
  const header: AnalysisHeader = {
    analysis: kind,
    title,
    preset: preset.name,
    claims: preset.base.claims,
    command: opts.command,
    commit: opts.commit,
    startedAt: new Date(started).toISOString(),
    wallSeconds: (Date.now() - started) / 1000,
    world: preset.base.world,
  };
  const deps = { store: wb.store, endpoints: wb.endpoints, owner: null };
  const judge = createJudge(ctx.judge, { ...deps, owner: 'label' }, 64).judge.label;
  const teacher = String(createTeacher(ctx.teacher, deps).describe.label);
  const record: AnalysisRun = {
    ...header,
    config: preset,
    judge,
    teacher,
    result: output.result,
    figures: output.figures,
  };
  const lines = [
    ...(kind === 'table6'
      ? [`Teacher: ${teacher}`]
      : [
          `Students: tiny Qwen2 (hidden ${preset.base.model.hiddenSize}, ${preset.base.model.layers} layer${preset.base.model.layers > 1 ? 's' : ''}), seeds ${preset.base.seeds.join(', ')}, the same init and question order per seed; IRCoT, S = 5, K = 4, greedy, ${preset.base.testQuestions} held-out test questions`,
        ]),
    ...(kind === 'figure3' || kind === 'table4' ? [`Judge: ${judge}`] : []),
    '95% percentile-bootstrap intervals',
  ];
  writeFileSync(join(out, 'report.md'), `${preamble(header, lines)}\n${output.markdown}`);
  writeFileSync(join(out, 'result.json'), `${JSON.stringify(record, null, 2)}\n`);
  recordReport(wb, { kind, name: `${title} (${preset.name})`, preset: preset.name, outDir: out });
  return record;
}
