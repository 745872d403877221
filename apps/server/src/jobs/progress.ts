import type { JobProgress } from '../store/jobs';

/**
 * Done / total with a rate over a sliding window and the ETA it implies. Items done before a
 * resume count towards done but not towards the rate, which measures this process only.
 */
export class ProgressMeter {
  private samples: { t: number; done: number }[] = [];
  private current: JobProgress;

  constructor(
    initial: JobProgress,
    private readonly windowMs = 30_000,
    private readonly now: () => number = Date.now,
  ) {
    this.current = { ...initial };
    this.samples.push({ t: this.now(), done: initial.done });
  }

  update(u: { done?: number; total?: number | null; message?: string | null }): JobProgress {
    const t = this.now();
    const done = u.done ?? this.current.done;
    const total = u.total === undefined ? this.current.total : u.total;
    this.samples.push({ t, done });
    // Keep the oldest sample inside the window (and one before it) so the rate spans the window.
    while (this.samples.length > 2 && this.samples[1]!.t < t - this.windowMs) this.samples.shift();
    const first = this.samples[0]!;
    const dt = (t - first.t) / 1000;
    const rate = dt > 0 && done > first.done ? (done - first.done) / dt : this.current.rate;
    const etaSeconds = rate && total !== null ? Math.max(0, (total - done) / rate) : null;
    this.current = {
      done,
      total,
      rate,
      etaSeconds,
      message: u.message === undefined ? this.current.message : u.message,
    };
    return this.current;
  }

  get value(): JobProgress {
    return this.current;
  }
}
