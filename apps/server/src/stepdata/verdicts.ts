import type { AnnotationStatus } from '../store/annotations';

/** One annotator's verdict on one example, as the store keeps it. */
export interface Verdict {
  annotator: string;
  status: AnnotationStatus;
  editedTarget: string | null;
  updatedAt: string;
}

/** An adjudicator's resolution of an example. */
export interface Resolution {
  status: AnnotationStatus;
  editedTarget: string | null;
}

/**
 * Where an example's final verdict comes from, strongest first: an adjudication; the annotators'
 * verdict when they all agree; the fallback rule when they disagree and nobody adjudicated.
 */
export type VerdictSource = 'adjudication' | 'unanimous' | 'disagreement' | 'none';

export interface FinalVerdict {
  source: VerdictSource;
  /** null: nobody annotated the example; it goes to the export as built. */
  status: AnnotationStatus | null;
  editedTarget: string | null;
}

/** Same status and, for edits, the same corrected target (surrounding white space aside). */
export function sameVerdict(a: Verdict, b: Verdict): boolean {
  if (a.status !== b.status) return false;
  return a.status !== 'edited' || (a.editedTarget ?? '').trim() === (b.editedTarget ?? '').trim();
}

/** Annotators disagree on an example when any two of them gave verdicts that differ. */
export function disagree(verdicts: readonly Verdict[]): boolean {
  return verdicts.some((v) => !sameVerdict(v, verdicts[0]!));
}

/**
 * The verdict the export applies to one example.
 *
 * Disagreement without an adjudication keeps the rule the export had before adjudication existed:
 * any rejection leaves the example out (a step one annotator doubts stays out of training until
 * someone adjudicates it); otherwise the most recent edit replaces the target; otherwise it is
 * kept as accepted.
 */
export function finalVerdict(verdicts: readonly Verdict[], adjudication?: Resolution | null): FinalVerdict {
  if (adjudication) {
    return {
      source: 'adjudication',
      status: adjudication.status,
      editedTarget: adjudication.status === 'edited' ? adjudication.editedTarget : null,
    };
  }
  const first = verdicts[0];
  if (!first) return { source: 'none', status: null, editedTarget: null };
  if (!disagree(verdicts)) {
    return {
      source: 'unanimous',
      status: first.status,
      editedTarget: first.status === 'edited' ? latestEdit(verdicts) : null,
    };
  }
  if (verdicts.some((v) => v.status === 'rejected')) {
    return { source: 'disagreement', status: 'rejected', editedTarget: null };
  }
  const edit = latestEdit(verdicts);
  return edit === null
    ? { source: 'disagreement', status: 'accepted', editedTarget: null }
    : { source: 'disagreement', status: 'edited', editedTarget: edit };
}

function latestEdit(verdicts: readonly Verdict[]): string | null {
  let best: Verdict | undefined;
  for (const v of verdicts) {
    if (v.status !== 'edited' || v.editedTarget === null) continue;
    if (!best || best.updatedAt < v.updatedAt) best = v;
  }
  return best?.editedTarget ?? null;
}
