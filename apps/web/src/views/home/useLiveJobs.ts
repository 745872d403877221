import { useQueryClient } from '@tanstack/react-query';
import { useSubscription } from '@trpc/tanstack-react-query';
import { useRef } from 'react';
import { trpc } from '../../api/trpc';
import type { Job } from '../../api/types';

/**
 * Keeps the cached job list current from the server's SSE stream (jobs.watch); when a job
 * finishes, everything it may have produced (runs, datasets, counts) is refetched.
 */
export function useLiveJobs(): { connected: boolean; error: unknown } {
  const queryClient = useQueryClient();
  const lastStatus = useRef(new Map<string, string>());
  const sub = useSubscription(
    trpc.jobs.watch.subscriptionOptions(
      {},
      {
        onData: (tracked) => {
          const job = tracked.data as Job;
          queryClient.setQueriesData<Job[]>({ queryKey: trpc.jobs.list.queryKey() }, (old) => {
            if (!old) return old;
            const i = old.findIndex((j) => j.id === job.id);
            if (i === -1) return [job, ...old];
            const next = old.slice();
            next[i] = job;
            return next;
          });
          const before = lastStatus.current.get(job.id);
          lastStatus.current.set(job.id, job.status);
          if (before !== job.status)
            void queryClient.invalidateQueries({ predicate: (q) => !isJobList(q.queryKey) });
        },
      },
    ),
  );
  return { connected: sub.status === 'pending', error: sub.error };
}

function isJobList(key: readonly unknown[]): boolean {
  const path = key[0];
  return Array.isArray(path) && path[0] === 'jobs';
}
