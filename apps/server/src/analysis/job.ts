import { z } from 'zod';
import { JudgeSpecSchema } from '../evaluation/judge/config';
import type { JobType } from '../jobs/runner';
import { TeacherSpecSchema } from '../teachers/spec';
import type { Workbench } from '../workbench';
import { ANALYSIS_KINDS, AnalysisPresetSchema } from './presets';
import { runAnalysis } from './run';

/** An analysis as a job: the whole resolved preset travels in the payload, so the job records it. */
export const AnalysisJobPayload = z.object({
  kind: z.enum(ANALYSIS_KINDS),
  preset: AnalysisPresetSchema,
  outDir: z.string().min(1),
  command: z.string(),
  commit: z.string(),
  judge: JudgeSpecSchema.optional(),
  teacher: TeacherSpecSchema.optional(),
});
export type AnalysisJobInput = z.input<typeof AnalysisJobPayload>;

/**
 * Runs one analysis. Cancelling cancels the training, evaluation or judge job it is in; a resumed
 * job runs the analysis again, which finds every finished student, evaluation and judgement in
 * the workspace and continues the interrupted one.
 */
export function analysisJob(wb: Workbench): JobType {
  return {
    async run({ job, signal, progress }) {
      const p = AnalysisJobPayload.parse(job.payload);
      const run = await runAnalysis(wb, p.kind, p.preset, {
        outDir: p.outDir,
        command: p.command,
        commit: p.commit,
        ...(p.judge ? { judge: p.judge } : {}),
        ...(p.teacher ? { teacher: p.teacher } : {}),
        signal,
        progress,
      });
      return { outDir: p.outDir, wallSeconds: run.wallSeconds };
    },
  };
}
