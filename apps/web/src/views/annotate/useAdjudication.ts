import { useMutation } from '@tanstack/react-query';
import { trpc } from '../../api/trpc';
import type { Dispute } from './reviewTypes';
import { useExampleNotes } from './useExampleNotes';

/** What the adjudicator decides: it overrides every annotator's verdict in the export. */
export type Resolution =
  | { status: 'accepted'; fromAnnotator?: string }
  | { status: 'rejected'; reason: string; fromAnnotator?: string }
  | { status: 'edited'; editedTarget: string; reason?: string; fromAnnotator?: string };

/**
 * Recording and reopening resolutions. Each names the version it read, so two adjudicators on
 * the same step never overwrite each other: the later one is shown who changed it instead.
 */
export function useAdjudication(
  datasetId: string,
  adjudicator: string,
  onResolved: (exampleId: string) => void,
) {
  const { conflicts, errors, refresh, onFailure, clearNotes } = useExampleNotes(datasetId);

  const save = useMutation(
    trpc.annotations.adjudicate.mutationOptions({
      onSuccess: (row) => {
        refresh();
        onResolved(row.exampleId);
      },
      onError: (err, input) => onFailure(input.exampleId, err),
    }),
  );
  const reopen = useMutation(
    trpc.annotations.unadjudicate.mutationOptions({
      onSuccess: refresh,
      onError: (err, input) => onFailure(input.exampleId, err),
    }),
  );

  return {
    conflicts,
    errors,
    pending: save.isPending || reopen.isPending,
    resolve(dispute: Dispute, r: Resolution) {
      if (!adjudicator) return;
      clearNotes(dispute.exampleId);
      save.mutate({
        datasetId,
        exampleId: dispute.exampleId,
        adjudicator,
        status: r.status,
        editedTarget: r.status === 'edited' ? r.editedTarget : null,
        reason: r.status === 'accepted' ? null : (r.reason ?? null),
        fromAnnotator: r.fromAnnotator ?? null,
        ...(dispute.adjudication ? { expectedVersion: dispute.adjudication.version } : {}),
      });
    },
    reopen(dispute: Dispute) {
      if (!adjudicator || !dispute.adjudication) return;
      clearNotes(dispute.exampleId);
      reopen.mutate({
        datasetId,
        exampleId: dispute.exampleId,
        expectedVersion: dispute.adjudication.version,
      });
    },
    /** After a conflict: load what is stored now and let the adjudicator decide again. */
    reload(exampleId: string) {
      clearNotes(exampleId);
      refresh();
    },
  };
}
