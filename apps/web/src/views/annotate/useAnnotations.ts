import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import { trpc } from '../../api/trpc';
import type { Annotation } from '../../api/types';
import { useExampleNotes } from './useExampleNotes';

export type Verdict =
  | { status: 'accepted' }
  | { status: 'rejected'; reason: string }
  | { status: 'edited'; editedTarget: string; reason?: string };

/**
 * One annotator's annotations of a dataset, and the actions on them. Every save names the version
 * it read: if the same annotation changed elsewhere meanwhile (another tab, another machine), the
 * server answers CONFLICT and the example shows it instead of overwriting.
 */
export function useAnnotations(datasetId: string, annotator: string) {
  const queryClient = useQueryClient();
  const listOpts = trpc.annotations.list.queryOptions({ datasetId, annotator: annotator || '_' });
  const mine = useQuery({ ...listOpts, enabled: Boolean(annotator) });
  const byExample = useMemo(() => new Map((mine.data ?? []).map((a) => [a.exampleId, a])), [mine.data]);
  const { conflicts, errors, refresh, onFailure, clearNotes } = useExampleNotes(datasetId);

  const save = useMutation(
    trpc.annotations.save.mutationOptions({
      onSuccess: (row) => {
        queryClient.setQueryData(listOpts.queryKey, (old: Annotation[] | undefined) =>
          old ? [...old.filter((a) => a.exampleId !== row.exampleId), row] : [row],
        );
        refresh();
      },
      onError: (err, input) => onFailure(input.exampleId, err),
    }),
  );
  const remove = useMutation(
    trpc.annotations.remove.mutationOptions({
      onSuccess: (_r, input) => {
        queryClient.setQueryData(listOpts.queryKey, (old: Annotation[] | undefined) =>
          old?.filter((a) => a.exampleId !== input.exampleId),
        );
        refresh();
      },
      onError: (err, input) => onFailure(input.exampleId, err),
    }),
  );

  return {
    mine,
    byExample,
    conflicts,
    errors,
    pending: save.isPending || remove.isPending,
    annotate(exampleId: string, verdict: Verdict) {
      if (!annotator) return;
      clearNotes(exampleId);
      const current = byExample.get(exampleId);
      save.mutate({
        datasetId,
        exampleId,
        annotator,
        status: verdict.status,
        editedTarget: verdict.status === 'edited' ? verdict.editedTarget : null,
        reason: verdict.status === 'accepted' ? null : (verdict.reason ?? null),
        ...(current ? { expectedVersion: current.version } : {}),
      });
    },
    clear(exampleId: string) {
      const current = byExample.get(exampleId);
      if (!annotator || !current) return;
      clearNotes(exampleId);
      remove.mutate({ datasetId, exampleId, annotator, expectedVersion: current.version });
    },
    /** After a conflict: take the stored version and let the annotator decide again. */
    reload(exampleId: string) {
      clearNotes(exampleId);
      void mine.refetch();
    },
  };
}
