import { parseArgs } from 'node:util';
import type { MeanInterval } from '@steper/core';
import { UserError } from '../../errors';
import { compareEvaluations } from '../../evaluation/compare';
import { startEvaluation } from '../../evaluation/start';
import type { EvalSummary } from '../../evaluation/summary';
import { defined, LOOP_RUN_OPTIONS, loopRunConfig, openaiGeneratorFromFlags } from '../args';
import { foreground, GLOBAL_OPTIONS, type GlobalFlags, openWorkbench } from '../context';

export const EVAL_HELP = `steper eval [--config FILE] [--corpus ID] [--questions ID] [--loop L] [--steps S] [--k K]
            [--limit N] [--onnx DIR | --endpoint NAME | --base-url URL --model M [--api chat|completions]]
            [--student] [--concurrency N]
  Run a generator through a loop over a question set and score every trace (EM, F1, Acc, recall,
  duplicativeness, steps, latency, each with a 95% bootstrap CI). The evidence teacher by default;
  --onnx runs an exported student in-process; --student gives an endpoint student prompts.
steper eval --compare A B
  Paired test of evaluation A against B on the same questions (paired bootstrap, McNemar).`;

export async function evalCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      ...GLOBAL_OPTIONS,
      ...LOOP_RUN_OPTIONS,
      student: { type: 'boolean' },
      onnx: { type: 'string' },
      compare: { type: 'boolean' },
    },
    strict: true,
    allowPositionals: true,
  });
  if (values.compare) return compareCommand(values, positionals);
  const generator = values.onnx ? { kind: 'onnx', dir: values.onnx } : openaiGeneratorFromFlags(values);
  const config = {
    ...loopRunConfig(values),
    ...defined({ generator, promptStyle: values.student ? 'student' : undefined }),
  };
  const wb = openWorkbench(values);
  try {
    const { evaluation } = await startEvaluation(wb, config as Parameters<typeof startEvaluation>[1], {
      queue: false,
    });
    const job = await foreground(wb, () =>
      wb.runner.runNow('eval', { evaluationId: evaluation.id }, (j) =>
        wb.store.evaluations.setJob(evaluation.id, j.id),
      ),
    );
    const done = wb.store.evaluations.require(evaluation.id);
    const m = done.metrics as EvalSummary | null;
    if (m) {
      const pct = (x: number) => (100 * x).toFixed(1);
      const ci = (i: MeanInterval | null) => (i ? ` [${pct(i.ci[0])}, ${pct(i.ci[1])}]` : '');
      process.stderr.write(
        `${m.traces} questions · EM ${pct(m.em)}${ci(m.intervals.em)} · F1 ${pct(m.f1)}${ci(m.intervals.f1)} · Acc ${pct(m.acc)}${ci(m.intervals.acc)}${m.recall === null ? '' : ` · recall ${pct(m.recall)}`} · ${m.latencyMs.toFixed(0)} ms/question\n`,
      );
    }
    process.stdout.write(`${evaluation.id}\n`);
    return job.status === 'done' ? 0 : 1;
  } finally {
    await wb.close();
  }
}

async function compareCommand(flags: GlobalFlags, ids: string[]): Promise<number> {
  if (ids.length !== 2)
    throw new UserError('BAD_REQUEST', 'steper eval --compare takes two evaluation ids: A B.');
  const wb = openWorkbench(flags);
  try {
    const c = compareEvaluations(wb.store, ids[0]!, ids[1]!);
    const pct = (x: number) => (100 * x).toFixed(1);
    for (const m of [c.em, c.f1, c.acc]) {
      const ci = m.ci ? ` [${pct(m.ci[0])}, ${pct(m.ci[1])}]` : '';
      process.stdout.write(
        `${m.metric.toUpperCase()}: A ${pct(m.meanA)} · B ${pct(m.meanB)} · A−B ${pct(m.diff)}${ci} · p ${m.pValue.toFixed(4)}${m.mcnemar ? ` · McNemar p ${m.mcnemar.pValue.toFixed(4)}` : ''}\n`,
      );
    }
    process.stdout.write(`${c.n} questions\n`);
    return 0;
  } finally {
    await wb.close();
  }
}
