import { duration } from '../lib/format';

export interface Progress {
  done: number;
  total: number | null;
  rate: number | null;
  etaSeconds: number | null;
  message: string | null;
}

/** A job's progress: a determinate bar when the total is known, an indeterminate one otherwise. */
export function ProgressBar({ progress, status }: { progress: Progress; status: string }) {
  const { done, total } = progress;
  const fraction = total ? Math.min(1, done / total) : null;
  const active = status === 'running' || status === 'queued';
  return (
    <div className="progress" data-status={status}>
      <div
        className={`progress-track${fraction === null && active ? ' indeterminate' : ''}`}
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={total ?? undefined}
        aria-valuenow={done}
      >
        <div
          className="progress-fill"
          style={{ width: fraction === null ? undefined : `${fraction * 100}%` }}
        />
      </div>
      <div className="progress-text">
        <span>
          {done.toLocaleString('en-US')}
          {total !== null && ` / ${total.toLocaleString('en-US')}`}
        </span>
        {active && progress.rate !== null && <span>{progress.rate.toFixed(1)}/s</span>}
        {active && progress.etaSeconds !== null && <span>ETA {duration(progress.etaSeconds)}</span>}
        {progress.message && <span className="progress-message">{progress.message}</span>}
      </div>
    </div>
  );
}
