import { parseArgs } from 'node:util';
import { startTraining } from '../../training/start';
import { defined, readConfigFile } from '../args';
import { foreground, GLOBAL_OPTIONS, openWorkbench } from '../context';

export const TRAIN_HELP = `steper train --config FILE [--dataset ID] [--name NAME]
  Train a student: the trainer runs as a child process, its events are stored and shown.
  FILE is either {"name", "datasetId", "config": {…trainer config…}} (what training.start takes)
  or the trainer config alone.`;

export async function trainCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      ...GLOBAL_OPTIONS,
      config: { type: 'string', short: 'c' },
      dataset: { type: 'string' },
      name: { type: 'string' },
    },
    strict: true,
  });
  const file = values.config ? readConfigFile(values.config) : {};
  const wrapped = 'config' in file && typeof file.config === 'object' ? file : { config: file };
  const wb = openWorkbench(values);
  try {
    const { run, job: claimed } = await startTraining(
      wb,
      { ...wrapped, ...defined({ datasetId: values.dataset, name: values.name }) } as Parameters<
        typeof startTraining
      >[1],
      { claim: true },
    );
    process.stderr.write(`Training run ${run.id}\n$ ${run.command.join(' ')}\n`);
    const job = await foreground(wb, () => wb.runner.runClaimed(claimed!));
    const done = wb.store.trainingRuns.require(run.id);
    if (done.bestCheckpoint) process.stderr.write(`Best checkpoint: ${done.bestCheckpoint}\n`);
    process.stdout.write(`${run.id}\n`);
    return job.status === 'done' ? 0 : 1;
  } finally {
    await wb.close();
  }
}
