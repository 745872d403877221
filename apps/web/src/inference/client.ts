import type { DemoQuestion } from './manifest';
import type { WorkerEvent, WorkerRequest } from './protocol';
import type { BackendPreference } from './variant';

/** The page's side of the playground worker: requests out, events in. */
export class PlaygroundClient {
  private readonly worker: Worker;
  private readonly listeners = new Set<(event: WorkerEvent) => void>();
  private nextRunId = 1;

  constructor() {
    this.worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'playground' });
    this.worker.onmessage = (e: MessageEvent<WorkerEvent>) => this.emit(e.data);
    // A worker that cannot start (script missing, syntax error) would otherwise fail silently.
    this.worker.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      this.emit({
        type: 'load-error',
        kind: 'other',
        message: `the inference worker failed: ${e.message || 'it could not be started'}`,
      });
    };
  }

  private emit(event: WorkerEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  private send(request: WorkerRequest): void {
    this.worker.postMessage(request);
  }

  subscribe(listener: (event: WorkerEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  load(
    manifestUrl: string,
    backend: BackendPreference,
    studentIds: string[] | null = null,
    threads?: number,
  ): void {
    this.send({ type: 'load', manifestUrl, backend, studentIds, ...(threads ? { threads } : {}) });
  }

  /** Queues one student's run; runs go one after another in the worker. */
  run(studentId: string, question: DemoQuestion, maxTokens?: number): number {
    const runId = this.nextRunId++;
    this.send({ type: 'run', runId, studentId, question, ...(maxTokens ? { maxTokens } : {}) });
    return runId;
  }

  cancel(runId: number): void {
    this.send({ type: 'cancel', runId });
  }

  dispose(): void {
    this.listeners.clear();
    this.worker.terminate();
  }
}
