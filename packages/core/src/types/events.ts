import { z } from 'zod';

/**
 * Trainer → server events: one JSON object per line on the trainer's stdout. The Python
 * trainer writes exactly these fields (snake_case is not used: keys are as below).
 */
const StageNumbers = z.object({
  init: z.number().nullable(),
  exp: z.number().nullable(),
  agg: z.number().nullable(),
});

const base = { time: z.number().describe('unix seconds') };

export const TrainerEventSchema = z.discriminatedUnion('event', [
  z.object({
    event: z.literal('start'),
    ...base,
    runDir: z.string(),
    config: z.record(z.string(), z.unknown()),
    totalSteps: z.number().int().nonnegative(),
    device: z.string(),
    resumedFromStep: z.number().int().nonnegative().nullable(),
  }),
  z.object({
    event: z.literal('step'),
    ...base,
    step: z.number().int().positive(),
    epoch: z.number().nonnegative(),
    /** The combined objective that was back-propagated. */
    loss: z.number(),
    /** L_j per stage for this step; null where the stage was absent from the batch. */
    stageLoss: StageNumbers,
    /** σ_j (difficulty-aware only; null otherwise). */
    sigma: StageNumbers,
    /** σ̃_j = σ_j / Σ_k σ_k (Eq. 5). */
    sigmaNorm: StageNumbers,
    lr: z.number(),
    tokensPerSec: z.number().nonnegative(),
  }),
  z.object({
    event: z.literal('eval'),
    ...base,
    step: z.number().int().nonnegative(),
    evalLoss: z.number(),
    stageLoss: StageNumbers,
    best: z.boolean(),
  }),
  z.object({
    event: z.literal('checkpoint'),
    ...base,
    step: z.number().int().nonnegative(),
    path: z.string(),
    best: z.boolean(),
  }),
  /** A max_seconds run cut to the steps that fit its budget, once its first steps were timed. */
  z.object({
    event: z.literal('budget'),
    ...base,
    step: z.number().int().nonnegative(),
    totalSteps: z.number().int().nonnegative(),
    secondsPerStep: z.number().nonnegative(),
    maxSeconds: z.number().positive(),
  }),
  z.object({
    event: z.literal('done'),
    ...base,
    step: z.number().int().nonnegative(),
    bestCheckpoint: z.string().nullable(),
    finalLoss: z.number().nullable(),
  }),
  z.object({ event: z.literal('error'), ...base, message: z.string() }),
]);
export type TrainerEvent = z.infer<typeof TrainerEventSchema>;
