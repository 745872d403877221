/**
 * Evaluation analysis (issue 8): bootstrap intervals and paired tests between students, judged
 * evaluation of reasoning stages and rationale validity (LM judge or the offline evidence judge),
 * and the SubQA dataset.
 */
export * from './judge/index';
export * from './stats/index';
export * from './subqa/index';
