/**
 * Agreement between annotators on the examples both annotated: the share of equal verdicts and
 * Cohen's κ (chance-corrected). An edit counts as its own verdict.
 */
export interface Verdict {
  exampleId: string;
  annotator: string;
  status: string;
}

export interface PairAgreement {
  a: string;
  b: string;
  shared: number;
  agreed: number;
  /** agreed / shared; null when they share no example. */
  observed: number | null;
  /** Cohen's κ; null when undefined (no shared example, or chance agreement is 1). */
  kappa: number | null;
}

export function pairAgreement(verdicts: readonly Verdict[], a: string, b: string): PairAgreement {
  const byA = new Map<string, string>();
  const byB = new Map<string, string>();
  for (const v of verdicts) {
    if (v.annotator === a) byA.set(v.exampleId, v.status);
    if (v.annotator === b) byB.set(v.exampleId, v.status);
  }
  const pairs: [string, string][] = [];
  for (const [id, sa] of byA) {
    const sb = byB.get(id);
    if (sb !== undefined) pairs.push([sa, sb]);
  }
  const shared = pairs.length;
  const agreed = pairs.filter(([x, y]) => x === y).length;
  if (shared === 0) return { a, b, shared, agreed, observed: null, kappa: null };
  const observed = agreed / shared;
  const labels = new Set(pairs.flat());
  let expected = 0;
  for (const label of labels) {
    const pa = pairs.filter(([x]) => x === label).length / shared;
    const pb = pairs.filter(([, y]) => y === label).length / shared;
    expected += pa * pb;
  }
  const kappa = expected === 1 ? null : (observed - expected) / (1 - expected);
  return { a, b, shared, agreed, observed, kappa };
}

export function allPairs(verdicts: readonly Verdict[]): PairAgreement[] {
  const names = [...new Set(verdicts.map((v) => v.annotator))].sort();
  const out: PairAgreement[] = [];
  for (let i = 0; i < names.length; i++)
    for (let j = i + 1; j < names.length; j++) out.push(pairAgreement(verdicts, names[i]!, names[j]!));
  return out;
}

/** Examples on which annotators gave different verdicts: the adjudication queue. */
export function disagreements(verdicts: readonly Verdict[]): { exampleId: string; verdicts: Verdict[] }[] {
  const byExample = new Map<string, Verdict[]>();
  for (const v of verdicts) byExample.set(v.exampleId, [...(byExample.get(v.exampleId) ?? []), v]);
  return [...byExample.entries()]
    .filter(([, vs]) => new Set(vs.map((v) => v.status)).size > 1)
    .map(([exampleId, vs]) => ({ exampleId, verdicts: vs }));
}
