import { parseArgs } from 'node:util';
import { startEvaluation } from '../../evaluation/start';
import { defined, int, readConfigFile } from '../args';
import { foreground, GLOBAL_OPTIONS, openWorkbench } from '../context';

export const EVAL_HELP = `steper eval [--config FILE] [--corpus ID] [--questions ID] [--loop L] [--steps S] [--k K]
            [--limit N] [--endpoint NAME | --base-url URL --model M [--api chat|completions]] [--student]
  Run a generator through a loop over a question set and score every trace (EM, F1, Acc, recall,
  duplicativeness, steps, latency). The evidence teacher by default; --student uses student prompts.`;

export async function evalCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      ...GLOBAL_OPTIONS,
      config: { type: 'string', short: 'c' },
      corpus: { type: 'string' },
      questions: { type: 'string' },
      loop: { type: 'string' },
      steps: { type: 'string' },
      k: { type: 'string' },
      limit: { type: 'string' },
      name: { type: 'string' },
      endpoint: { type: 'string' },
      'base-url': { type: 'string' },
      model: { type: 'string' },
      api: { type: 'string' },
      student: { type: 'boolean' },
    },
    strict: true,
  });
  const file = values.config ? readConfigFile(values.config) : {};
  const generator =
    values.endpoint || values['base-url']
      ? {
          kind: 'openai',
          ...defined({
            endpoint: values.endpoint,
            baseURL: values['base-url'],
            model: values.model,
            api: values.api,
          }),
        }
      : undefined;
  const config = {
    ...file,
    ...defined({
      corpusId: values.corpus,
      questionSetId: values.questions,
      loop: values.loop,
      maxSteps: int(values.steps, 'steps'),
      topK: int(values.k, 'k'),
      limit: int(values.limit, 'limit'),
      name: values.name,
      generator,
      promptStyle: values.student ? 'student' : undefined,
    }),
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
    const m = done.metrics as {
      traces: number;
      em: number;
      f1: number;
      acc: number;
      recall: number | null;
    } | null;
    if (m) {
      const pct = (x: number) => (100 * x).toFixed(1);
      process.stderr.write(
        `${m.traces} questions · EM ${pct(m.em)} · F1 ${pct(m.f1)} · Acc ${pct(m.acc)}${m.recall === null ? '' : ` · recall ${pct(m.recall)}`}\n`,
      );
    }
    process.stdout.write(`${evaluation.id}\n`);
    return job.status === 'done' ? 0 : 1;
  } finally {
    await wb.close();
  }
}
