import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { errorMessage } from '../../api/errors';
import { trpc } from '../../api/trpc';
import type { Job } from '../../api/types';
import { ProgressBar } from '../../components/ProgressBar';
import { Empty, QueryState } from '../../components/States';
import { StatusBadge } from '../../components/StatusBadge';
import { ago } from '../../lib/format';
import { useLiveJobs } from './useLiveJobs';

const KIND_LABEL: Record<string, string> = {
  index: 'BM25 index',
  teach: 'Teacher run',
  build: 'Step data build',
  train: 'Training',
  eval: 'Evaluation',
};

export function JobsPanel() {
  const jobs = useQuery(trpc.jobs.list.queryOptions({ limit: 50 }));
  const live = useLiveJobs();
  return (
    <section className="panel" id="jobs-panel">
      <header className="panel-head">
        <h2>Jobs</h2>
        <span
          className={`live-dot${live.error ? ' off' : ''}`}
          title={live.error ? errorMessage(live.error) : 'Live'}
        >
          {live.error ? 'live updates off' : 'live'}
        </span>
      </header>
      <QueryState query={jobs} what="jobs">
        {(list) =>
          list.length === 0 ? (
            <Empty title="No jobs yet">
              Indexing, teacher runs, training and evaluations appear here with their progress.
            </Empty>
          ) : (
            <ul className="job-list">
              {list.map((job) => (
                <JobItem key={job.id} job={job} />
              ))}
            </ul>
          )
        }
      </QueryState>
    </section>
  );
}

function JobItem({ job }: { job: Job }) {
  const queryClient = useQueryClient();
  const invalidate = () => queryClient.invalidateQueries();
  const cancel = useMutation(trpc.jobs.cancel.mutationOptions({ onSettled: invalidate }));
  const resume = useMutation(trpc.jobs.resume.mutationOptions({ onSettled: invalidate }));
  const active = job.status === 'running' || job.status === 'queued';
  const resumable = job.status === 'cancelled' || job.status === 'failed';
  const owner = Object.values(job.payload).find((v) => typeof v === 'string') as string | undefined;
  const failure = cancel.error ?? resume.error;
  return (
    <li className="job" data-testid="job" data-job-id={job.id} data-kind={job.kind}>
      <div className="job-head">
        <span className="job-kind">{KIND_LABEL[job.kind] ?? job.kind}</span>
        {owner && <span className="job-owner mono">{owner}</span>}
        <StatusBadge status={job.status} />
        <span className="job-time">{ago(job.updatedAt)}</span>
        <span className="job-actions">
          {active && (
            <button
              type="button"
              className="btn btn-small"
              disabled={cancel.isPending}
              onClick={() => cancel.mutate({ id: job.id })}
            >
              Cancel
            </button>
          )}
          {resumable && (
            <button
              type="button"
              className="btn btn-small"
              disabled={resume.isPending}
              onClick={() => resume.mutate({ id: job.id })}
            >
              Resume
            </button>
          )}
        </span>
      </div>
      <ProgressBar progress={job.progress} status={job.status} />
      {job.error && <div className="job-error mono-wrap">{job.error}</div>}
      {failure && <div className="job-error">{errorMessage(failure)}</div>}
    </li>
  );
}
