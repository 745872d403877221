import { renameSync, rmSync } from 'node:fs';
import { z } from 'zod';
import { UserError } from '../errors';
import { trainerPython } from '../experiment/python';
import { recordContextTokens } from '../experiment/students';
import type { JobType } from '../jobs/runner';
import { isFinished, type JobRow } from '../store/jobs';
import { runExportDir } from '../students/generators';
import type { Workbench } from '../workbench';

export const ExportJobPayload = z.object({ runId: z.string() });

/**
 * Queues the export of a finished run's student (its best, else last checkpoint) to ONNX in the
 * run's folder; once done, the run is a generator the evaluation form and playground offer.
 */
export function startExport(wb: Workbench, runId: string): JobRow {
  const run = wb.store.trainingRuns.require(runId);
  if (run.status !== 'done') {
    throw new UserError(
      'PRECONDITION_FAILED',
      `Training run ${run.id} is ${run.status}: only a finished run has a student to export.`,
    );
  }
  const running = wb.store.jobs
    .list({ kind: 'export' })
    .find((j) => (j.payload as { runId?: string }).runId === runId && !isFinished(j.status));
  return running ?? wb.runner.enqueue('export', { runId });
}

/**
 * `steper_trainer export` (fp32 ONNX with KV cache, what evaluation reads) into a temporary
 * folder renamed into place, so a half-written export is never offered. The export's config
 * records the training sequence length: the ONNX student cuts test prompts as training did.
 */
export function exportJob(wb: Workbench): JobType {
  return {
    async run({ job, store, signal, progress }) {
      const { runId } = ExportJobPayload.parse(job.payload);
      const run = store.trainingRuns.require(runId);
      const out = runExportDir(wb, run.runDir);
      const tmp = `${out}.tmp`;
      rmSync(tmp, { recursive: true, force: true });
      progress({ done: 0, total: 2, message: `exporting ${run.name} to ONNX` });
      await trainerPython(
        [
          '-m',
          'steper_trainer',
          'export',
          '--checkpoint',
          store.path(run.runDir),
          '--out',
          tmp,
          '--formats',
          'onnx',
          '--variants',
          'fp32',
          '--optimize',
          'fold',
        ],
        { signal },
      );
      const maxSeqLen = Number(run.config.max_seq_len);
      if (Number.isInteger(maxSeqLen) && maxSeqLen > 0) recordContextTokens(tmp, maxSeqLen);
      progress({ done: 1, total: 2, message: 'moving the export into place' });
      rmSync(out, { recursive: true, force: true });
      renameSync(tmp, out);
      progress({ done: 2, total: 2, message: 'exported' });
      return { dir: out };
    },
  };
}
