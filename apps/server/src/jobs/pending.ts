import { forEachConcurrent } from './pool';
import type { JobContext } from './runner';

export interface PendingQuestions<Q extends { id: string }> {
  /** Every question of the job, in order: a question's index is its place here. */
  questions: readonly Q[];
  /** Ids of the questions whose result is already stored. */
  done: ReadonlySet<string>;
  concurrency: number;
  signal: AbortSignal;
  progress: JobContext['progress'];
}

/**
 * The resumable shape of teacher runs and evaluations: only questions without a stored result
 * run (so a resumed job goes on where it stopped), at most `concurrency` at once, each counted
 * as done when `each` has stored it. `open` runs first, and only when there is work (a student
 * session is not loaded to do nothing); what it returns is closed however the run ends.
 */
export async function forEachPendingQuestion<Q extends { id: string }, R>(
  { questions, done, concurrency, signal, progress }: PendingQuestions<Q>,
  open: () => R | Promise<R>,
  each: (resource: R, q: Q, idx: number) => Promise<void>,
  close: (resource: R) => Promise<void> = async () => {},
): Promise<number> {
  const todo = questions.map((q, idx) => ({ q, idx })).filter(({ q }) => !done.has(q.id));
  let count = done.size;
  progress({
    done: count,
    total: questions.length,
    message: done.size ? `resumed after ${done.size}` : null,
  });
  if (todo.length === 0) return count;
  const resource = await open();
  try {
    await forEachConcurrent(
      todo,
      concurrency,
      async ({ q, idx }) => {
        await each(resource, q, idx);
        count += 1;
        progress({ done: count });
      },
      signal,
    );
  } finally {
    await close(resource);
  }
  return count;
}
