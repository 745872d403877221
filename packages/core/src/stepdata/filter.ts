import { accuracy, exactMatch, f1Score } from '../metrics';
import type { FilterRule } from '../types/stepdata';

/**
 * The gold alias a prediction matched under the dataset's filter rule, or null when the trace
 * fails the filter. 'em' (default) is normalised exact match against any alias; 'acc' is a gold
 * alias contained in the prediction; 'f1>=0.8' keeps the alias of best token F1 when it reaches
 * 0.8; 'none' keeps every trace and trains on the closest alias.
 */
export function matchedAnswer(
  prediction: string,
  answers: readonly string[],
  rule: FilterRule,
): string | null {
  const byEm = answers.find((a) => exactMatch(prediction, [a]) === 1);
  if (rule === 'em') return byEm ?? null;
  const byAcc = answers.find((a) => accuracy(prediction, [a]) === 1);
  if (rule === 'acc') return byAcc ?? null;
  let best: string | null = null;
  let bestF1 = -1;
  for (const a of answers) {
    const f1 = f1Score(prediction, [a]);
    if (f1 > bestF1) {
      best = a;
      bestF1 = f1;
    }
  }
  if (rule === 'f1>=0.8') return bestF1 >= 0.8 ? best : null;
  return byEm ?? byAcc ?? (bestF1 > 0 ? best : (answers[0] ?? null));
}
