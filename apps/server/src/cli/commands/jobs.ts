import { parseArgs } from 'node:util';
import { UserError } from '../../errors';
import { foreground, GLOBAL_OPTIONS, openWorkbench } from '../context';
import { progressLine } from '../progress';

export const RESUME_HELP = `steper resume [JOB]
  Continue a cancelled, failed or interrupted job in the foreground (every interrupted one when no id).`;

export async function resumeCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { ...GLOBAL_OPTIONS },
    allowPositionals: true,
    strict: true,
  });
  const wb = openWorkbench(values);
  try {
    const ids = positionals.length ? positionals : wb.store.jobs.recoverInterrupted().map((j) => j.id);
    if (ids.length === 0) {
      process.stderr.write('No interrupted jobs.\n');
      return 0;
    }
    let failed = 0;
    for (const id of ids) {
      const job = await foreground(wb, () => wb.runner.resumeNow(id));
      if (job.status !== 'done') failed += 1;
      process.stdout.write(`${progressLine(job)}\n`);
    }
    return failed ? 1 : 0;
  } finally {
    await wb.close();
  }
}

export const LIST_HELP = 'steper list jobs|corpora|questions|runs|datasets|trainings|evaluations';

export async function listCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { ...GLOBAL_OPTIONS },
    allowPositionals: true,
    strict: true,
  });
  const what = positionals[0] ?? 'jobs';
  const wb = openWorkbench(values);
  const s = wb.store;
  const rows: string[] = (() => {
    switch (what) {
      case 'jobs':
        return s.jobs.list().map(progressLine);
      case 'corpora':
        return s.corpora
          .list()
          .map(
            (c) => `${c.id}\t${c.passageCount} passages\t${c.indexPath ? 'indexed' : 'no index'}\t${c.name}`,
          );
      case 'questions':
        return s.questionSets
          .list()
          .map((q) => `${q.id}\t${q.questionCount} questions\t${q.dataset}\t${q.name}`);
      case 'runs':
        return s.teacherRuns
          .list()
          .map(
            (r) =>
              `${r.id}\t${r.status}\t${r.tracesKept}/${r.tracesDone}/${r.questionTotal} kept/done/total\t${r.loop} S=${r.maxSteps} K=${r.topK}\t${r.generator}`,
          );
      case 'datasets':
        return s.stepDatasets.list().map((d) => {
          const e = d.manifest.counts.examples;
          return `${d.id}\trun ${d.teacherRunId}\tinit ${e.init} exp ${e.exp} agg ${e.agg}\t${d.name}`;
        });
      case 'trainings':
        return s.trainingRuns.list().map((r) => `${r.id}\t${r.status}\t${r.datasetId ?? '-'}\t${r.name}`);
      case 'evaluations':
        return s.evaluations.list().map((e) => `${e.id}\t${e.status}\t${e.tracesDone} traces\t${e.name}`);
      default:
        throw new UserError('BAD_REQUEST', `Unknown list "${what}". ${LIST_HELP}`);
    }
  })();
  process.stdout.write(rows.length ? `${rows.join('\n')}\n` : `(no ${what})\n`);
  await wb.close();
  return 0;
}
