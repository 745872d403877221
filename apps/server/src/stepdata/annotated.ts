import { join } from 'node:path';
import { type StepExample, toJsonl } from '@steper/core';
import { writeFileAtomic } from '../store/blobs';
import type { Store } from '../store/store';

export const ANNOTATED_FILE = 'examples.annotated.jsonl';

export interface AnnotatedExport {
  path: string;
  examples: number;
  dropped: number;
  edited: number;
}

/**
 * The dataset as the annotators left it, for the trainer: an example any annotator rejected is
 * left out, an edited one carries the latest edited target. Only `annotator`'s verdicts count
 * when given.
 */
export async function exportAnnotated(
  store: Store,
  datasetId: string,
  annotator?: string,
): Promise<AnnotatedExport> {
  const dataset = store.stepDatasets.require(datasetId);
  const notes = store.annotations.list(datasetId, annotator ? { annotator } : {});
  const rejected = new Set(notes.filter((a) => a.status === 'rejected').map((a) => a.exampleId));
  const edits = new Map<string, { target: string; at: string }>();
  for (const a of notes) {
    if (a.status !== 'edited' || a.editedTarget === null) continue;
    const prev = edits.get(a.exampleId);
    if (!prev || prev.at < a.updatedAt) edits.set(a.exampleId, { target: a.editedTarget, at: a.updatedAt });
  }
  const out: StepExample[] = [];
  let edited = 0;
  for (const e of store.stepDatasets.allExamples(datasetId)) {
    if (rejected.has(e.id)) continue;
    const edit = edits.get(e.id);
    if (edit) edited += 1;
    out.push(edit ? { ...e, target: edit.target } : e);
  }
  const path = store.path(join(dataset.exportDir, ANNOTATED_FILE));
  await writeFileAtomic(path, toJsonl(out));
  return { path, examples: out.length, dropped: rejected.size, edited };
}
