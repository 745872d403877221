import { z } from 'zod';
import { LoopNameSchema, StageSchema } from './trace';

/**
 * One step-wise training example (paper Eq. 3). The trainer reads these as JSON lines and
 * trains on prompt + target with the loss on target tokens only; prompt formatting never
 * happens in Python.
 */
export const StepExampleSchema = z.object({
  /** `${questionId}:${stage}:${step}` */
  id: z.string(),
  questionId: z.string(),
  stage: StageSchema,
  /** s: the step this example teaches (init = 1, agg = t). */
  step: z.number().int().positive(),
  loop: LoopNameSchema,
  /** Rendered student prompt for (q, P_≤s); ends where the answer starts (e.g. "\nA:"). */
  prompt: z.string(),
  /** R_≤s (init, exp) or R_<t ‖ "<flag> a" (agg). Starts with a space; prompt + target is the full text. */
  target: z.string(),
  /** The part of target already known at this step (R_≤s−1); masked only in the prefix-masking ablation. */
  knownPrefix: z.string(),
  passageIds: z.array(z.string()),
});
export type StepExample = z.infer<typeof StepExampleSchema>;

export const STEP_CONFIGS = ['agg', 'init+agg', 'init+exp1+agg', 'all'] as const;
export const StepConfigSchema = z.enum(STEP_CONFIGS);
export type StepConfig = z.infer<typeof StepConfigSchema>;

export const FilterRuleSchema = z.enum(['em', 'acc', 'f1>=0.8', 'none']);
export type FilterRule = z.infer<typeof FilterRuleSchema>;

export const StepDatasetManifestSchema = z.object({
  name: z.string(),
  createdAt: z.string(),
  loop: LoopNameSchema,
  generator: z.string(),
  maxSteps: z.number().int(),
  topK: z.number().int(),
  filterRule: FilterRuleSchema,
  stepConfig: StepConfigSchema,
  counts: z.object({
    traces: z.number().int(),
    kept: z.number().int(),
    examples: z.object({ init: z.number().int(), exp: z.number().int(), agg: z.number().int() }),
  }),
});
export type StepDatasetManifest = z.infer<typeof StepDatasetManifestSchema>;
