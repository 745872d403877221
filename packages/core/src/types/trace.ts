import { z } from 'zod';

export const LOOP_NAMES = ['ircot', 'self-ask', 'single-step', 'no-retrieval'] as const;
export const LoopNameSchema = z.enum(LOOP_NAMES);
export type LoopName = z.infer<typeof LoopNameSchema>;

export const STAGES = ['init', 'exp', 'agg'] as const;
export const StageSchema = z.enum(STAGES);
export type Stage = z.infer<typeof StageSchema>;

/** Each loop's answer flag (DESIGN.md §2). */
export const ANSWER_FLAGS: Record<LoopName, string> = {
  ircot: 'So the answer is:',
  'self-ask': 'So the final answer is:',
  'single-step': 'So the answer is:',
  'no-retrieval': 'So the answer is:',
};

export const RetrievedPassageSchema = z.object({
  id: z.string(),
  title: z.string(),
  text: z.string(),
  score: z.number(),
  /** 0-based rank within this step's top-K. */
  rank: z.number().int().nonnegative(),
  /** Retrieved at an earlier step of the same trace (counts towards duplicativeness). */
  seenBefore: z.boolean(),
  /** A gold passage of the question, when gold is known. */
  isGold: z.boolean().optional(),
});
export type RetrievedPassage = z.infer<typeof RetrievedPassageSchema>;

export const TraceStepSchema = z.object({
  /** 1-based step number s. */
  step: z.number().int().positive(),
  stage: StageSchema,
  /** Search query q_s; null when the loop does not retrieve at this step. */
  query: z.string().nullable(),
  /** P_s in rank order, with scores. */
  retrieved: z.array(RetrievedPassageSchema),
  /** Ids of P_≤s: the union in retrieval order, duplicates dropped. */
  accessibleIds: z.array(z.string()),
  /** The exact prompt given to the generator at this step. */
  prompt: z.string(),
  /** Raw generator output. */
  output: z.string(),
  /** The reasoning sentence r_s kept in the chain ("" for agg, whose text is in output). */
  sentence: z.string(),
  /** Self-Ask parts, when the loop is Self-Ask. */
  followUp: z.string().optional(),
  intermediateAnswer: z.string().optional(),
  /**
   * At an early stop the expansion output that carried the answer flag is discarded
   * (R_≤s−1 is kept); it is recorded here, and this step's stage is 'agg'.
   */
  discardedOutput: z.string().optional(),
  retrievalMs: z.number().nonnegative(),
  generationMs: z.number().nonnegative(),
});
export type TraceStep = z.infer<typeof TraceStepSchema>;

export const LoopConfigSchema = z.object({
  loop: LoopNameSchema,
  /** S: at most this many retrieval steps. */
  maxSteps: z.number().int().min(1).max(20).default(5),
  /** K: passages retrieved per step. */
  topK: z.number().int().min(1).max(100).default(4),
  /** Max new tokens per generator call. */
  maxTokens: z.number().int().positive().default(128),
  /** 'teacher' prompts carry few-shot demonstrations; 'student' prompts are (q, P_≤s) only. */
  promptStyle: z.enum(['teacher', 'student']).default('teacher'),
});
export type LoopConfig = z.infer<typeof LoopConfigSchema>;
export type LoopConfigInput = z.input<typeof LoopConfigSchema>;

export const TraceSchema = z.object({
  questionId: z.string(),
  question: z.string(),
  answers: z.array(z.string()),
  loop: LoopNameSchema,
  /** Label of the generator that produced it, e.g. "evidence-teacher (offline)" or "openai:llama-3.1-70b". */
  generator: z.string(),
  config: LoopConfigSchema,
  steps: z.array(TraceStepSchema),
  /** R: the reasoning chain kept, r_1 … r_{t−1} (or up to r_S−1). */
  chain: z.array(z.string()),
  /** t: the step at which aggregation ran. */
  aggregatedAt: z.number().int().nonnegative(),
  earlyStop: z.boolean(),
  /** Full text of the aggregation output. */
  finalOutput: z.string(),
  /** Text after the answer flag, trimmed; "" when the flag is missing. */
  prediction: z.string(),
  totalMs: z.number().nonnegative(),
  error: z.string().optional(),
});
export type Trace = z.infer<typeof TraceSchema>;
