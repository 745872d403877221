import { parseArgs } from 'node:util';
import { type DemoSummary, ensureDemo } from '../../demo/demo';
import { startShippedEvaluations } from '../../demo/shipped';
import { checkToken, parseEnv } from '../../env';
import { startHttpServer } from '../../http/server';
import { importCommittedReports } from '../../reports/import';
import { int } from '../args';
import { GLOBAL_OPTIONS, openWorkbench } from '../context';
import { terminalProgress } from '../progress';

export const SERVE_HELP = `steper serve [--demo] [--host 127.0.0.1] [--port 4317] [--token T] [--workspace DIR]
  Serve the API and the web app. --demo first makes the demo workspace ready (seconds),
  queues evaluations of the shipped demo students (public/demo) on its held-out questions
  and adds the committed reports of docs/results.
  A host other than loopback needs a token (--token or STEPER_TOKEN, 16+ characters, no blanks),
  sent by every client.`;

export async function serveCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      ...GLOBAL_OPTIONS,
      demo: { type: 'boolean' },
      host: { type: 'string' },
      port: { type: 'string' },
      token: { type: 'string' },
    },
    strict: true,
  });
  const env = parseEnv();
  const host = values.host ?? env.STEPER_HOST;
  const port = int(values.port, 'port') ?? env.STEPER_PORT;
  const token = values.token !== undefined ? checkToken(values.token, '--token') : env.STEPER_TOKEN;
  const wb = openWorkbench(values, env, { servesClients: true });
  let demo: DemoSummary | null = null;
  if (values.demo) {
    const t0 = performance.now();
    const progress = terminalProgress();
    demo = await ensureDemo(wb, { onProgress: (job) => progress({ seq: 0, job }) });
    process.stderr.write(
      `Demo workspace ${demo.created ? 'built' : 'ready'} in ${((performance.now() - t0) / 1000).toFixed(1)} s: ` +
        `${demo.tracesKept}/${demo.tracesDone} traces kept, step dataset ${demo.datasetId} ` +
        `(examples: init ${demo.counts.examples.init}, exp ${demo.counts.examples.exp}, agg ${demo.counts.examples.agg}).\n`,
    );
    // The shipped students evaluated in the background, so the Comparison view fills in.
    const shipped = await startShippedEvaluations(wb, demo);
    if (shipped.skipped) process.stderr.write(`Shipped demo students not evaluated: ${shipped.skipped}\n`);
    for (const e of shipped.started)
      process.stderr.write(`Evaluating ${e.name} (${e.id}) in the background\n`);
    // The committed experiment reports (docs/results), so a fresh workbench shows them.
    const reports = importCommittedReports(wb);
    for (const line of reports.skipped) process.stderr.write(`Committed report not imported: ${line}\n`);
  }
  const resumed = wb.runner.start();
  if (resumed.length)
    process.stderr.write(
      `Resuming ${resumed.length} interrupted job(s): ${resumed.map((j) => j.id).join(', ')}\n`,
    );
  const server = await startHttpServer(wb, { host, port, token, webDist: env.STEPER_WEB_DIST });
  process.stderr.write(`StepER Workbench on ${server.url}  (workspace ${wb.store.dir})\n`);
  process.stdout.write(`${server.url}\n`);

  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  process.stderr.write('Stopping: running jobs stay queued and continue at the next start.\n');
  await server.close();
  await wb.close();
  return 0;
}
