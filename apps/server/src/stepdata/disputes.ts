import type { Stage } from '@steper/core';
import type { AdjudicationRow } from '../store/adjudications';
import type { AnnotationRow } from '../store/annotations';
import type { Store } from '../store/store';
import { disagree, type FinalVerdict, finalVerdict } from './verdicts';

/** One example two or more annotators disagree on: an item of the adjudication queue. */
export interface Dispute {
  exampleId: string;
  questionId: string;
  stage: Stage;
  step: number;
  /** Every annotator's verdict on it, by annotator name. */
  verdicts: AnnotationRow[];
  adjudication: AdjudicationRow | null;
  /** What the export applies to it now: the adjudication, or the fallback rule while it is open. */
  final: FinalVerdict;
}

export type DisputeState = 'open' | 'resolved' | 'all';

/** The examples annotators disagree on, in dataset order, with their resolution if any. */
export function listDisputes(
  store: Store,
  datasetId: string,
  opts: { questionId?: string; state?: DisputeState } = {},
): Dispute[] {
  const byExample = new Map<string, AnnotationRow[]>();
  for (const a of store.annotations.list(datasetId, { questionId: opts.questionId })) {
    const list = byExample.get(a.exampleId);
    if (list) list.push(a);
    else byExample.set(a.exampleId, [a]);
  }
  const disputed = [...byExample].filter(([, vs]) => vs.length > 1 && disagree(vs));
  const adjudications = new Map(
    store.adjudications.list(datasetId, { questionId: opts.questionId }).map((r) => [r.exampleId, r]),
  );
  const positions = store.adjudications.positions(
    datasetId,
    disputed.map(([id]) => id),
  );
  const out: (Dispute & { idx: number })[] = [];
  for (const [exampleId, verdicts] of disputed) {
    const at = positions.get(exampleId);
    const adjudication = adjudications.get(exampleId) ?? null;
    if (!at) continue;
    if (opts.state === 'open' && adjudication) continue;
    if (opts.state === 'resolved' && !adjudication) continue;
    out.push({
      idx: at.idx,
      exampleId,
      questionId: at.questionId,
      stage: at.stage,
      step: at.step,
      verdicts: [...verdicts].sort((a, b) => a.annotator.localeCompare(b.annotator)),
      adjudication,
      final: finalVerdict(verdicts, adjudication),
    });
  }
  return out.sort((a, b) => a.idx - b.idx).map(({ idx: _, ...d }) => d);
}
