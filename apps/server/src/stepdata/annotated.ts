import { join } from 'node:path';
import { type StepExample, toJsonl } from '@steper/core';
import { writeFileAtomic } from '../store/blobs';
import type { Store } from '../store/store';
import { finalVerdict, type Verdict } from './verdicts';

export const ANNOTATED_FILE = 'examples.annotated.jsonl';

export interface AnnotatedExport {
  path: string;
  examples: number;
  dropped: number;
  edited: number;
  /** Examples whose verdict came from an adjudication. */
  adjudicated: number;
  /** Examples annotators disagree on that nobody adjudicated: the fallback rule decided them. */
  unresolved: number;
}

/**
 * The dataset as the annotators left it, for the trainer. Per example, the adjudication wins;
 * else the annotators' verdict when they agree; else the fallback of `finalVerdict` (any
 * rejection leaves it out, else the latest edit). A rejected example is left out, an edited one
 * carries its edited target. When `annotator` is given only their verdicts count and
 * adjudications are ignored: the file is that one annotator's view of the data.
 */
export async function exportAnnotated(
  store: Store,
  datasetId: string,
  annotator?: string,
): Promise<AnnotatedExport> {
  const dataset = store.stepDatasets.require(datasetId);
  const verdicts = new Map<string, Verdict[]>();
  for (const a of store.annotations.list(datasetId, annotator ? { annotator } : {})) {
    const list = verdicts.get(a.exampleId);
    if (list) list.push(a);
    else verdicts.set(a.exampleId, [a]);
  }
  const adjudications = new Map(
    annotator ? [] : store.adjudications.list(datasetId).map((r) => [r.exampleId, r] as const),
  );
  const out: StepExample[] = [];
  const counts = { dropped: 0, edited: 0, adjudicated: 0, unresolved: 0 };
  for (const e of store.stepDatasets.allExamples(datasetId)) {
    const final = finalVerdict(verdicts.get(e.id) ?? [], adjudications.get(e.id));
    if (final.source === 'adjudication') counts.adjudicated += 1;
    if (final.source === 'disagreement') counts.unresolved += 1;
    if (final.status === 'rejected') {
      counts.dropped += 1;
      continue;
    }
    if (final.status === 'edited' && final.editedTarget !== null) {
      counts.edited += 1;
      out.push({ ...e, target: final.editedTarget });
    } else out.push(e);
  }
  const path = store.path(join(dataset.exportDir, ANNOTATED_FILE));
  await writeFileAtomic(path, toJsonl(out));
  return { path, examples: out.length, ...counts };
}
