import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { AnalysisJobInput } from '../../analysis/job';
import { ANALYSIS_KINDS, ANALYSIS_PRESETS, type AnalysisKind } from '../../analysis/presets';
import { UserError } from '../../errors';
import { defined } from '../args';
import { foreground, GLOBAL_OPTIONS, openWorkbench } from '../context';
import { gitCommit } from './experiment';

export const ANALYSIS_HELP = `steper analysis table2|figure3|table4|table6|figure5 [--preset quick|standard] [--out DIR]
                [--workspace DIR] [--judge-endpoint NAME | --judge-base-url URL --judge-model M]
                [--teacher-endpoint NAME | --teacher-base-url URL --teacher-model M]
  One of the paper's analyses on the synthetic world, as a job with a report (report.md,
  result.json, PNG figures) in DIR (default results/<analysis>-<preset>-<time>):
  table2 fixed λ vs difficulty-aware · figure3 step configurations judged by stage · table4
  rationale validity (SQA, RI) · table6 the teacher with S = 3…7 · figure5 out-of-domain matrix.
  Students, evaluations and judgements already in the workspace (default DIR/workspace) are
  reused: run several analyses with one --workspace to share identical students. Figure 3 and
  Table 4 are judged by the offline evidence judge (no LM) unless an LM judge is named; Table 6
  runs the offline evidence teacher unless a teacher endpoint is named.`;

function lmSpec(endpoint: string | undefined, baseURL: string | undefined, model: string | undefined) {
  if (endpoint === undefined && baseURL === undefined) return undefined;
  return { kind: 'openai' as const, ...defined({ endpoint, baseURL, model }) };
}

export async function analysisCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      ...GLOBAL_OPTIONS,
      preset: { type: 'string' },
      out: { type: 'string' },
      'judge-endpoint': { type: 'string' },
      'judge-base-url': { type: 'string' },
      'judge-model': { type: 'string' },
      'teacher-endpoint': { type: 'string' },
      'teacher-base-url': { type: 'string' },
      'teacher-model': { type: 'string' },
    },
    strict: true,
    allowPositionals: true,
  });
  const kind = positionals[0];
  if (positionals.length !== 1 || !ANALYSIS_KINDS.includes(kind as AnalysisKind)) {
    throw new UserError(
      'BAD_REQUEST',
      `Name one analysis: ${ANALYSIS_KINDS.join(', ')} (got "${positionals.join(' ')}").`,
    );
  }
  const name = values.preset ?? 'quick';
  const preset = ANALYSIS_PRESETS[name as keyof typeof ANALYSIS_PRESETS];
  if (!preset)
    throw new UserError('BAD_REQUEST', `--preset: unknown preset "${name}"; use quick or standard.`);
  const t0 = Date.now();
  const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
  const outDir = values.out ?? join('results', `${kind}-${name}-${stamp}`);
  const judge = lmSpec(values['judge-endpoint'], values['judge-base-url'], values['judge-model']);
  const teacher = lmSpec(values['teacher-endpoint'], values['teacher-base-url'], values['teacher-model']);
  const payload: AnalysisJobInput = {
    kind: kind as AnalysisKind,
    preset,
    outDir,
    command: `steper analysis ${argv.join(' ')}`.trim(),
    commit: gitCommit(),
    ...(judge ? { judge } : {}),
    ...(teacher ? { teacher } : {}),
  };
  // A workspace of its own unless told: an analysis never mixes with another world's data.
  const wb = openWorkbench({
    workspace: values.workspace ?? join(outDir, 'workspace'),
    endpoints: values.endpoints,
  });
  try {
    const job = await foreground(wb, () => wb.runner.runNow('analysis', payload as Record<string, unknown>));
    if (job.status !== 'done') return 1;
    process.stderr.write(`done in ${((Date.now() - t0) / 60_000).toFixed(1)} min\n`);
    process.stdout.write(`${join(outDir, 'report.md')}\n`);
    return 0;
  } finally {
    await wb.close();
  }
}
