import {
  type BootstrapOptions,
  OfflineEvidenceJudge,
  type Question,
  type StageSummary,
  summarizeStageVerdicts,
  type Trace,
} from '@steper/core';

/**
 * The offline evidence judge's stage scores (initialization, expansion, aggregation), only on
 * synthetic questions, where gold evidence is exact; null elsewhere. Its summary carries the
 * judge's label ("offline evidence judge (no LM)") so no view can take it for an LM judge.
 */
export async function offlineStageScores(
  traces: readonly Trace[],
  questions: readonly Question[],
  options: BootstrapOptions = {},
): Promise<StageSummary | null> {
  const byId = new Map(questions.map((q) => [q.id, q]));
  const pairs = traces.flatMap((t) => {
    const q = byId.get(t.questionId);
    return q && q.dataset === 'synthetic' && t.error === undefined ? [{ t, q }] : [];
  });
  if (pairs.length === 0) return null;
  const judge = new OfflineEvidenceJudge();
  const verdicts = await Promise.all(pairs.map(({ t, q }) => judge.judgeStages(t, q)));
  return summarizeStageVerdicts(verdicts, options);
}
