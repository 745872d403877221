import type { JobEvent } from '../jobs/runner';
import type { JobRow } from '../store/jobs';

function duration(s: number): string {
  if (!Number.isFinite(s)) return '?';
  if (s < 60) return `${Math.round(s)}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

export function progressLine(job: JobRow): string {
  const p = job.progress;
  const parts = [`${job.kind} ${job.id}`, job.status];
  if (p.total !== null) {
    const pct = p.total ? ((100 * p.done) / p.total).toFixed(1) : '100.0';
    parts.push(`${p.done}/${p.total} (${pct}%)`);
  } else if (p.done) parts.push(String(p.done));
  if (p.rate) parts.push(`${p.rate.toFixed(p.rate < 10 ? 2 : 0)}/s`);
  if (p.etaSeconds !== null && job.status === 'running') parts.push(`ETA ${duration(p.etaSeconds)}`);
  if (p.message) parts.push(p.message);
  return parts.join(' · ');
}

/** Job progress on stderr: one rewritten line on a terminal, a line every few seconds in a log. */
export function terminalProgress(stream: NodeJS.WriteStream = process.stderr): (e: JobEvent) => void {
  let last = 0;
  let lastStatus = '';
  return ({ job }) => {
    const now = Date.now();
    const statusChanged = job.status !== lastStatus;
    lastStatus = job.status;
    if (stream.isTTY) {
      if (!statusChanged && now - last < 100) return;
      last = now;
      const line = progressLine(job).slice(0, (stream.columns || 120) - 1);
      stream.write(`\r\x1b[2K${line}${job.status === 'running' || job.status === 'queued' ? '' : '\n'}`);
      return;
    }
    if (!statusChanged && now - last < 2000) return;
    last = now;
    stream.write(`${progressLine(job)}\n`);
  };
}
