import { parseArgs } from 'node:util';
import type { JudgedMean } from '@steper/core';
import { UserError } from '../../errors';
import { setJudgementJob } from '../../evaluation/judge/files';
import { listJudgements } from '../../evaluation/judge/list';
import { startJudgement } from '../../evaluation/judge/start';
import type { JudgementSummary } from '../../evaluation/judge/summary';
import { defined, int } from '../args';
import { foreground, GLOBAL_OPTIONS, openWorkbench } from '../context';

export const JUDGE_HELP = `steper judge --evaluation ID (--judge-endpoint NAME | --base-url URL --model M [--api chat|completions] | --offline)
             [--criteria stages|rationale] [--max-tokens N] [--concurrency N]
  Judge an evaluation's traces: 'stages' scores initialization, expansion and aggregation 0/1 each
  (Table 17 prompt); 'rationale' asks whether each sub-question is answerable from the rationale
  and reports SQA and RI (Table 18 prompt; SubQA or synthetic questions). An LM judge goes through
  the teacher client and its response cache; --offline is the offline evidence judge (no LM).
  Unparseable judge outputs are counted and reported, never scored. Prints the judgement id.`;

const pct = (m: JudgedMean) =>
  m.mean === null
    ? '–'
    : `${(100 * m.mean).toFixed(1)}${m.ci ? ` [${(100 * m.ci[0]).toFixed(1)}, ${(100 * m.ci[1]).toFixed(1)}]` : ''}`;

export function judgementLine(s: JudgementSummary): string {
  const scores = s.stages
    ? `Initialization ${pct(s.stages.initialization)} · Expansion ${pct(s.stages.expansion)} · Aggregation ${pct(s.stages.aggregation)}`
    : s.rationale
      ? `SQA ${pct(s.rationale.sqa)} · RI ${pct(s.rationale.ri)} (${s.rationale.correct} answered correctly)`
      : '';
  const skipped = s.skipped.map((x) => `${x.count} ${x.reason}`).join(', ');
  return `${s.judge} · ${s.judged} judged of ${s.questions} · ${scores} · unparseable ${s.unparseable}${skipped ? ` · not applicable: ${skipped}` : ''}`;
}

export async function judgeCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      ...GLOBAL_OPTIONS,
      evaluation: { type: 'string' },
      'judge-endpoint': { type: 'string' },
      'base-url': { type: 'string' },
      model: { type: 'string' },
      api: { type: 'string' },
      offline: { type: 'boolean' },
      criteria: { type: 'string' },
      'max-tokens': { type: 'string' },
      concurrency: { type: 'string' },
    },
    strict: true,
  });
  if (!values.evaluation)
    throw new UserError('BAD_REQUEST', '--evaluation ID is required (see `steper list`).');
  const lm = values['judge-endpoint'] !== undefined || values['base-url'] !== undefined;
  if (lm === Boolean(values.offline)) {
    throw new UserError(
      'BAD_REQUEST',
      'Name one judge: --judge-endpoint NAME, or --base-url URL with --model M, or --offline (the offline evidence judge).',
    );
  }
  const judge = lm
    ? {
        kind: 'openai' as const,
        ...defined({
          endpoint: values['judge-endpoint'],
          baseURL: values['base-url'],
          model: values.model,
          api: values.api,
          concurrency: int(values.concurrency, 'concurrency'),
        }),
      }
    : { kind: 'offline' as const };
  const wb = openWorkbench(values);
  try {
    const { judgement } = await startJudgement(
      wb,
      {
        evaluationId: values.evaluation,
        judge: judge as Parameters<typeof startJudgement>[1]['judge'],
        ...defined({
          criteria: values.criteria as 'stages' | 'rationale' | undefined,
          maxTokens: int(values['max-tokens'], 'max-tokens'),
        }),
      },
      { queue: false },
    );
    const { evaluationId, judgementId } = judgement;
    process.stderr.write(`Judgement ${judgementId} of ${evaluationId} by ${judgement.judgeLabel}\n`);
    const job = await foreground(wb, () =>
      wb.runner.runNow('judge', { evaluationId, judgementId }, (j) =>
        setJudgementJob(wb.store, evaluationId, judgementId, j.id),
      ),
    );
    const row = listJudgements(wb.store, evaluationId).find((r) => r.judgementId === judgementId);
    if (row?.summary) process.stderr.write(`${judgementLine(row.summary)}\n`);
    process.stdout.write(`${judgementId}\n`);
    return job.status === 'done' ? 0 : 1;
  } finally {
    await wb.close();
  }
}
