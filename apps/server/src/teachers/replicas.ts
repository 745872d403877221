import type { GenerateRequest, GenerateResult } from '@steper/core';
import { UserError } from '../errors';
import type { CacheableGenerator } from './cache';
import type { ResolvedEndpoint } from './endpoints';
import { OpenAiGenerator, requestFault } from './openai';
import type { OpenAiTeacherSpec } from './spec';

export interface ReplicaHealth {
  baseURL: string;
  concurrency: number;
  inFlight: number;
  /** Answers received. */
  served: number;
  /** Attempts that failed here and went to another replica (or were retried). */
  failed: number;
  /** Up: takes work. Down: waits out its back-off. Trial: one request decides whether it is up again. */
  state: 'up' | 'down' | 'trial';
  lastError: string | null;
}

interface Replica {
  generator: OpenAiGenerator;
  baseURL: string;
  concurrency: number;
  inFlight: number;
  served: number;
  failed: number;
  /** Failures since its last answer: sets the back-off, and a replica with any takes one request at a time. */
  streak: number;
  downUntil: number;
  lastError: string | null;
}

export interface PoolOptions {
  /** First back-off after a failure; doubles with each failure in a row. */
  backoffMs?: number;
  maxBackoffMs?: number;
}

/**
 * One model served by several OpenAI-compatible servers, as vLLM replicas are used: each request
 * goes to the up replica with the most free room (its own concurrency); a replica that fails
 * (unreachable, timeout, 5xx, 429, garbage) is benched for an exponential back-off and the request
 * moves to another one. After the back-off a single trial request decides whether it is up again,
 * so a dead server costs one failed attempt per back-off, not a burst. A request is the caller's
 * once: it is answered by exactly one replica or fails, so with the content cache a run loses or
 * repeats no answered call. Errors that are the request's own (400, 413, 422) are not retried —
 * every replica would refuse them alike.
 */
export class ReplicaPool implements CacheableGenerator {
  readonly label: string;
  readonly model: string;
  private readonly replicas: Replica[];
  private readonly waiters = new Set<() => void>();
  private readonly backoffMs: number;
  private readonly maxBackoffMs: number;
  /** Attempts one request may make before it fails: every replica, (maxRetries + 1) times. */
  private readonly maxAttempts: number;

  constructor(
    spec: OpenAiTeacherSpec,
    members: { endpoint: ResolvedEndpoint; concurrency: number }[],
    opts: PoolOptions = {},
  ) {
    if (members.length < 2) throw new RangeError('ReplicaPool: give at least two replicas');
    const models = [...new Set(members.map((m) => m.endpoint.model))];
    if (models.length > 1) {
      throw new UserError(
        'BAD_REQUEST',
        `field "replicas": every replica must serve the same model (a run's answers are cached and recorded under one), got ${models.join(', ')}.`,
      );
    }
    this.model = models[0]!;
    this.label = `openai:${this.model}`;
    this.replicas = members.map(({ endpoint, concurrency }) => ({
      // The pool retries across replicas itself; the SDK's own retries would hold a request on a dead server.
      generator: new OpenAiGenerator({ ...spec, concurrency, maxRetries: 0 }, endpoint),
      baseURL: endpoint.baseURL,
      concurrency,
      inFlight: 0,
      served: 0,
      failed: 0,
      streak: 0,
      downUntil: 0,
      lastError: null,
    }));
    this.backoffMs = opts.backoffMs ?? 1000;
    this.maxBackoffMs = opts.maxBackoffMs ?? 30_000;
    this.maxAttempts = members.length * (spec.maxRetries + 1);
  }

  params(request: Pick<GenerateRequest, 'stop' | 'maxTokens'>): Record<string, unknown> {
    return this.replicas[0]!.generator.params(request);
  }

  health(): ReplicaHealth[] {
    const now = Date.now();
    return this.replicas.map((r) => ({
      baseURL: r.baseURL,
      concurrency: r.concurrency,
      inFlight: r.inFlight,
      served: r.served,
      failed: r.failed,
      state: r.downUntil > now ? 'down' : r.streak > 0 ? 'trial' : 'up',
      lastError: r.lastError,
    }));
  }

  async generate(request: GenerateRequest, signal?: AbortSignal): Promise<GenerateResult> {
    const failures: string[] = [];
    for (;;) {
      const r = await this.acquire(signal);
      try {
        const result = await r.generator.generate(request, signal);
        r.served += 1;
        r.streak = 0;
        r.lastError = null;
        return result;
      } catch (err) {
        if (signal?.aborted || requestFault(err)) throw err;
        const message = err instanceof Error ? err.message : String(err);
        r.failed += 1;
        r.streak += 1;
        r.lastError = message;
        r.downUntil = Date.now() + Math.min(this.maxBackoffMs, this.backoffMs * 2 ** (r.streak - 1));
        failures.push(message);
        if (failures.length >= this.maxAttempts) {
          throw new UserError(
            'PRECONDITION_FAILED',
            `All ${this.replicas.length} teacher replicas failed this request ${failures.length} times; the last: ${message}`,
            { cause: err },
          );
        }
      } finally {
        r.inFlight -= 1;
        this.wake();
      }
    }
  }

  /** The up replica with the most free room, waiting for a slot or the end of a back-off. */
  private async acquire(signal?: AbortSignal): Promise<Replica> {
    for (;;) {
      signal?.throwIfAborted();
      const now = Date.now();
      let best: Replica | undefined;
      let bestRoom = 0;
      for (const r of this.replicas) {
        if (r.downUntil > now) continue;
        const room = (r.streak > 0 ? 1 : r.concurrency) - r.inFlight;
        if (room > 0 && room / r.concurrency > bestRoom) {
          best = r;
          bestRoom = room / r.concurrency;
        }
      }
      if (best) {
        best.inFlight += 1;
        return best;
      }
      const benched = this.replicas.filter((r) => r.downUntil > now).map((r) => r.downUntil - now);
      await this.sleep(benched.length ? Math.min(...benched) : undefined, signal);
    }
  }

  /** Until a slot frees, `ms` pass (a back-off ends) or the signal aborts. */
  private sleep(ms: number | undefined, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const cleanup = () => {
        this.waiters.delete(done);
        if (timer) clearTimeout(timer);
        signal?.removeEventListener('abort', aborted);
      };
      const done = () => {
        cleanup();
        resolve();
      };
      const aborted = () => {
        cleanup();
        reject(signal?.reason);
      };
      const timer = ms === undefined ? undefined : setTimeout(done, ms);
      this.waiters.add(done);
      signal?.addEventListener('abort', aborted, { once: true });
    });
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }

  async probe(signal?: AbortSignal): Promise<void> {
    const results = await Promise.allSettled(this.replicas.map((r) => r.generator.probe(signal)));
    // A run can start while one replica is up; the others are tried as the run goes.
    if (results.every((r) => r.status === 'rejected')) throw (results[0] as PromiseRejectedResult).reason;
  }
}

/** One line for a run's progress: each server's state and counts, e.g. "gpu1:8000 up 40 served · gpu2:8000 down 12 served, 3 failed". */
export function replicaSummary(health: readonly ReplicaHealth[]): string {
  return health
    .map((h) => {
      const where = h.baseURL.replace(/^https?:\/\//, '').replace(/\/v1\/?$/, '');
      return `${where} ${h.state} ${h.served} served${h.failed ? `, ${h.failed} failed` : ''}`;
    })
    .join(' · ');
}
