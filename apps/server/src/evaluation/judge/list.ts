import type { JobProgress, JobStatus } from '../../store/jobs';
import type { Store } from '../../store/store';
import type { JudgementConfig } from './config';
import {
  judgementIds,
  judgementJobId,
  readJudgementConfig,
  readJudgementSummary,
  readVerdicts,
} from './files';
import type { JudgementSummary } from './summary';

export interface JudgementRow {
  judgementId: string;
  evaluationId: string;
  config: JudgementConfig;
  /** The judge's label, shown with every score. */
  judge: string;
  status: JobStatus;
  jobId: string | null;
  error: string | null;
  /** Verdict lines recorded so far. */
  done: number;
  progress: JobProgress | null;
  /** Scores with 95% CIs, unparseable and skipped counts; null until the judgement is done. */
  summary: JudgementSummary | null;
}

/** An evaluation's judgements, oldest first, with their status and (when done) their scores. */
export function listJudgements(store: Store, evaluationId: string): JudgementRow[] {
  store.evaluations.require(evaluationId);
  return judgementIds(store, evaluationId)
    .map((id) => {
      const config = readJudgementConfig(store, evaluationId, id);
      const jobId = judgementJobId(store, evaluationId, id);
      const job = jobId ? store.jobs.get(jobId) : undefined;
      const summary = readJudgementSummary(store, evaluationId, id) as JudgementSummary | null;
      return {
        judgementId: id,
        evaluationId,
        config,
        judge: config.judgeLabel,
        status: job?.status ?? (summary ? 'done' : 'queued'),
        jobId: jobId ?? null,
        error: job?.error ?? null,
        done: readVerdicts(store, evaluationId, id).length,
        progress: job?.progress ?? null,
        summary,
      };
    })
    .sort((a, b) => a.config.createdAt.localeCompare(b.config.createdAt));
}
