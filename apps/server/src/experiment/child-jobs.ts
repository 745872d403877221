import type { JobKind, JobRow } from '../store/jobs';
import type { Workbench } from '../workbench';

/**
 * Runs (or resumes) a job in the foreground of a longer job — an experiment or an analysis —
 * so that cancelling the outer one cancels the inner one too, which the store keeps resumable.
 */
export async function runChildJob(
  wb: Workbench,
  start: { kind: JobKind; payload: Record<string, unknown> } | { resume: string },
  opts: { created?: (job: JobRow) => void; signal?: AbortSignal | undefined } = {},
): Promise<JobRow> {
  const { signal } = opts;
  signal?.throwIfAborted();
  let id: string | null = 'resume' in start ? start.resume : null;
  const onAbort = () => {
    if (id) wb.runner.cancel(id);
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const job =
      'resume' in start
        ? await wb.runner.resumeNow(start.resume)
        : await wb.runner.runNow(start.kind, start.payload, (j) => {
            id = j.id;
            opts.created?.(j);
          });
    signal?.throwIfAborted();
    return job;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

/** A child job that did not finish: its error names what and how to go on. */
export function requireDone(job: JobRow, what: string): void {
  if (job.status !== 'done') {
    throw new Error(
      `${what}: ${job.kind} job ${job.id} ${job.status}${job.error ? `: ${job.error}` : ''}. Resume it with \`steper resume ${job.id}\`.`,
    );
  }
}
