import type { Stage } from '../types/trace';

/** A retriever or generator failure inside a loop, located by question, step and stage. */
export class LoopStepError extends Error {
  override readonly name = 'LoopStepError';

  constructor(
    readonly questionId: string,
    readonly step: number,
    readonly stage: Stage,
    readonly part: 'retriever' | 'generator',
    cause: unknown,
    label?: string,
  ) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    const who = label ? `${part} "${label}"` : part;
    super(`question ${questionId}, step ${step} (${stage}): ${who} failed: ${reason}`, { cause });
  }
}

/** Rethrows cancellation as is (callers tell it apart by name), wraps anything else. */
export function wrapStepError(
  error: unknown,
  signal: AbortSignal | undefined,
  make: () => LoopStepError,
): never {
  if (signal?.aborted) throw signal.reason ?? error;
  if (error instanceof Error && error.name === 'AbortError') throw error;
  throw make();
}
