import { parseArgs } from 'node:util';
import { UserError } from '../../errors';
import { buildStepData } from '../../stepdata/build';
import { startTeacherRun } from '../../teach/start';
import { defined, LOOP_RUN_OPTIONS, loopRunConfig, openaiGeneratorFromFlags } from '../args';
import { foreground, GLOBAL_OPTIONS, openWorkbench } from '../context';

export const TEACH_HELP = `steper teach [--config FILE] [--corpus ID] [--questions ID] [--loop ircot|self-ask]
             [--steps S] [--k K] [--concurrency N] [--limit N] [--name NAME] [--no-build]
             [--teacher evidence | --endpoint NAME | --base-url URL --model M [--api chat|completions]]
  Run a teacher over a question set, store every trace, build the filtered step data.
  --endpoint / --base-url repeated: one model served by several servers (replicas), requests
  spread over them and moved off a server that fails; per-server concurrency goes in the
  config file's teacher.replicas ([{"baseURL": URL, "concurrency": N}, …]).
  The config file is the JSON the UI sends (teacherRuns.start); flags override it.`;

export async function teachCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      ...GLOBAL_OPTIONS,
      ...LOOP_RUN_OPTIONS,
      'no-build': { type: 'boolean' },
      teacher: { type: 'string' },
    },
    strict: true,
  });
  const teacherFromFlags =
    openaiGeneratorFromFlags(values) ?? (values.teacher === 'evidence' ? { kind: 'evidence' } : undefined);
  if (values.teacher && values.teacher !== 'evidence' && !teacherFromFlags) {
    throw new UserError(
      'BAD_REQUEST',
      `--teacher ${values.teacher}: use "evidence", or --endpoint / --base-url for an LM.`,
    );
  }
  const config = {
    ...loopRunConfig(values),
    ...defined({ teacher: teacherFromFlags, buildDataset: values['no-build'] ? false : undefined }),
  };
  const wb = openWorkbench(values);
  try {
    const { run, job: claimed } = await startTeacherRun(wb, config as Parameters<typeof startTeacherRun>[1], {
      claim: true,
    });
    process.stderr.write(
      `Teacher run ${run.id}: ${run.questionTotal} questions, ${run.loop}, S=${run.maxSteps}, K=${run.topK}, ${run.generator}\n`,
    );
    const job = await foreground(wb, () => wb.runner.runClaimed(claimed!));
    const done = wb.store.teacherRuns.require(run.id);
    process.stderr.write(
      `Traces: ${done.tracesDone}, kept by the filter: ${done.tracesKept}; teacher calls: ${done.stats.calls}, cache hits: ${done.stats.cacheHits}, tokens: ${done.stats.promptTokens}+${done.stats.completionTokens}\n`,
    );
    const dataset = wb.store.stepDatasets.list(run.id)[0];
    if (dataset) {
      const c = dataset.manifest.counts.examples;
      process.stderr.write(
        `Step dataset ${dataset.id}: init ${c.init}, exp ${c.exp}, agg ${c.agg} → ${wb.store.path(dataset.exportDir)}\n`,
      );
    }
    process.stdout.write(`${run.id}\n`);
    return job.status === 'done' ? 0 : 1;
  } finally {
    await wb.close();
  }
}

export const BUILD_HELP = `steper build --run ID [--step-config agg|init+agg|init+exp1+agg|all] [--filter em|acc|f1>=0.8|none] [--name NAME]
  Build and export a filtered step-wise dataset from a teacher run's traces.`;

export async function buildCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      ...GLOBAL_OPTIONS,
      run: { type: 'string' },
      'step-config': { type: 'string' },
      filter: { type: 'string' },
      name: { type: 'string' },
    },
    strict: true,
  });
  if (!values.run) throw new UserError('BAD_REQUEST', 'Give --run ID (a teacher run).');
  const wb = openWorkbench(values);
  try {
    const d = await buildStepData(wb.store, {
      teacherRunId: values.run,
      ...defined({
        stepConfig: values['step-config'] as 'all',
        filterRule: values.filter as 'em',
        name: values.name,
      }),
    });
    const c = d.manifest.counts;
    process.stderr.write(
      `Kept ${c.kept} of ${c.traces} traces; examples: init ${c.examples.init}, exp ${c.examples.exp}, agg ${c.examples.agg} → ${wb.store.path(d.exportDir)}\n`,
    );
    process.stdout.write(`${d.id}\n`);
    return 0;
  } finally {
    await wb.close();
  }
}
