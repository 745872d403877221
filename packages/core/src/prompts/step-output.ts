/** One generation reduced to the reasoning step r_s it contributes (DESIGN.md §2). */
export interface ParsedStep {
  /** r_s as kept in the chain: one IRCoT sentence, or one Self-Ask unit of lines. */
  sentence: string;
  /** r_s carries the loop's answer flag. */
  hasFlag: boolean;
  /** Self-Ask: the question after "Follow up:" in this unit. */
  followUp?: string;
  /** Self-Ask: the text after "Intermediate answer:" in this unit. */
  intermediateAnswer?: string;
}

/** Where the answer flag starts, matched without regard to case (as metrics.extractAnswer does). */
export function flagIndex(text: string, flag: string): number {
  return text.toLowerCase().indexOf(flag.toLowerCase());
}
