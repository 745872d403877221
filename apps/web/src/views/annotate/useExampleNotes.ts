import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { errorKind, errorMessage } from '../../api/errors';
import { trpc } from '../../api/trpc';

/**
 * What annotating and adjudicating share: per-example conflict and error notes (a CONFLICT says
 * who changed the verdict meanwhile; anything else is an error), and the refresh of the dataset's
 * annotations and counts after a save.
 */
export function useExampleNotes(datasetId: string) {
  const queryClient = useQueryClient();
  const [conflicts, setConflicts] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  return {
    conflicts,
    errors,
    refresh() {
      void queryClient.invalidateQueries({ queryKey: trpc.annotations.pathKey() });
      void queryClient.invalidateQueries({ queryKey: trpc.stepData.get.queryKey({ id: datasetId }) });
    },
    onFailure(exampleId: string, err: unknown) {
      if (errorKind(err) === 'conflict') setConflicts((c) => ({ ...c, [exampleId]: errorMessage(err) }));
      else setErrors((e) => ({ ...e, [exampleId]: errorMessage(err) }));
    },
    clearNotes(exampleId: string) {
      setConflicts(({ [exampleId]: _, ...rest }) => rest);
      setErrors(({ [exampleId]: _, ...rest }) => rest);
    },
  };
}
