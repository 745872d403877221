import { type Env, parseEnv } from '../env';
import type { JobRow } from '../store/jobs';
import { defaultTrainer } from '../training/start';
import { Workbench } from '../workbench';
import { terminalProgress } from './progress';

export interface GlobalFlags {
  workspace?: string | undefined;
  endpoints?: string | undefined;
}

export const GLOBAL_OPTIONS = {
  workspace: { type: 'string', short: 'w' },
  endpoints: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export function openWorkbench(
  flags: GlobalFlags,
  env: Env = parseEnv(),
  opts: { servesClients?: boolean } = {},
): Workbench {
  return new Workbench({
    ...opts,
    workspace: flags.workspace ?? env.STEPER_WORKSPACE,
    ...((flags.endpoints ?? env.STEPER_ENDPOINTS)
      ? { endpointsFile: flags.endpoints ?? env.STEPER_ENDPOINTS }
      : {}),
    jobConcurrency: env.STEPER_JOB_CONCURRENCY,
    ...(env.STEPER_TRAINER ? { trainer: { argv: env.STEPER_TRAINER, cwd: defaultTrainer().cwd } } : {}),
  });
}

/**
 * Runs a job in the foreground with progress on stderr. Ctrl-C cancels it (the store keeps what
 * is done; `steper resume <job>` continues); a second Ctrl-C exits at once.
 */
export async function foreground(wb: Workbench, run: () => Promise<JobRow>): Promise<JobRow> {
  const off = wb.runner.subscribe(terminalProgress());
  let current: string | null = null;
  const offCurrent = wb.runner.subscribe((e) => {
    if (e.job.status === 'running') current ??= e.job.id;
  });
  let interrupts = 0;
  const onSigint = () => {
    interrupts += 1;
    if (interrupts > 1 || !current) process.exit(130);
    process.stderr.write(`\nCancelling ${current}… (Ctrl-C again to quit at once)\n`);
    wb.runner.cancel(current);
  };
  process.on('SIGINT', onSigint);
  try {
    const job = await run();
    if (job.status === 'cancelled' || job.status === 'failed') {
      process.stderr.write(
        `${job.kind} job ${job.id} ${job.status}${job.error && job.status === 'failed' ? `: ${job.error}` : ''}\nResume it with: steper resume ${job.id}\n`,
      );
    }
    return job;
  } finally {
    process.off('SIGINT', onSigint);
    off();
    offCurrent();
  }
}
