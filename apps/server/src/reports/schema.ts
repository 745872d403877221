import { z } from 'zod';

/**
 * result.json of the experiment (ExperimentResult in experiment/report.ts) as the comparison view
 * reads it. Unknown keys are dropped and later additions optional, so a result written by a newer or
 * older experiment still opens; a field this server reads that has the wrong type is an error.
 */

const Ci = z.tuple([z.number(), z.number()]);

export const MeanIntervalSchema = z.object({
  mean: z.number(),
  ci: Ci,
  n: z.number(),
  method: z.string().optional(),
  confidence: z.number().optional(),
});

const StepsSchema = z.object({
  traces: z.number(),
  mean: z.number(),
  bins: z.array(z.object({ steps: z.number(), count: z.number(), share: z.number() })),
});

export const MetricBlockSchema = z.object({
  traces: z.number(),
  em: z.number(),
  f1: z.number(),
  acc: z.number(),
  recall: z.number().nullable(),
  duplicativeness: z.number(),
  steps: StepsSchema,
  latencyMs: z.number(),
  failed: z.number().optional(),
  intervals: z.record(z.string(), MeanIntervalSchema.nullable()).optional(),
});

const StageScore = z.object({ mean: z.number().nullable(), n: z.number().optional() });

export const EvalSummarySchema = MetricBlockSchema.extend({
  bootstrap: z.object({ resamples: z.number(), confidence: z.number(), seed: z.number() }).optional(),
  perDataset: z.record(z.string(), MetricBlockSchema),
  datasetAverage: z.object({ em: z.number(), f1: z.number(), acc: z.number(), datasets: z.number() }),
  offlineJudge: z
    .object({
      judge: z.string().nullable(),
      initialization: StageScore,
      expansion: StageScore,
      aggregation: StageScore,
    })
    .nullable()
    .optional(),
});

const Budget = z.enum(['epoch', 'token']);

export const SystemResultSchema = z.object({
  name: z.string(),
  /** The same system on every seed ("vanilla@token") and its name without the seed. */
  group: z.string().optional(),
  groupName: z.string().optional(),
  objective: z.string().nullable(),
  /** Vanilla-KD's training budget; null for StepER and the teacher. */
  budget: Budget.nullable().optional(),
  seed: z.number().nullable(),
  evaluationId: z.string(),
  summary: EvalSummarySchema,
  tokensTrained: z.number().nullable().optional(),
  trainSeconds: z.number().nullable().optional(),
  epochs: z.number().nullable().optional(),
  optimizerSteps: z.number().nullable().optional(),
  trainingRunId: z.string().nullable().optional(),
  promptsCut: z.object({ steps: z.number(), cut: z.number() }).optional(),
});

const MetricComparisonSchema = z.object({
  meanA: z.number(),
  meanB: z.number(),
  diff: z.number(),
  ci: Ci.nullable(),
  pValue: z.number(),
  n: z.number(),
  method: z.string().optional(),
  mcnemar: z.object({ pValue: z.number(), aOnly: z.number(), bOnly: z.number() }).optional(),
});

export const ComparisonSchema = z.object({
  a: z.string(),
  b: z.string(),
  /** The Vanilla-KD budget B was trained with; absent in results that had one budget. */
  budget: Budget.optional(),
  /** null: pooled over every seed (questions resampled with all their seeds); absent in early results (one seed). */
  seed: z.number().nullable().optional(),
  /** EM on the primary metric's questions (absent before the primary metric was named). */
  primary: MetricComparisonSchema.nullable().optional(),
  result: z.object({
    n: z.number(),
    em: MetricComparisonSchema,
    f1: MetricComparisonSchema,
    acc: MetricComparisonSchema,
  }),
});

/** One line of Figure 7: σ̃ (y) and raw σ of one stage and seed against the optimizer step (x). */
export const SigmaSeriesSchema = z.object({
  name: z.string(),
  system: z.string().optional(),
  seed: z.number().optional(),
  stage: z.enum(['init', 'exp', 'agg']).optional(),
  points: z.array(z.object({ x: z.number(), y: z.number(), sigma: z.number().nullable().optional() })),
});

/** A student group pooled over seeds: its summary over the question × seed rows. */
export const PooledRowSchema = z.object({
  name: z.string(),
  group: z.string().optional(),
  objective: z.string().nullable().optional(),
  budget: Budget.nullable().optional(),
  seeds: z.array(z.number()),
  /** Question × seed rows. */
  n: z.number().optional(),
  /** Questions: what the intervals resample (absent in results that resampled question × seed rows). */
  questions: z.number().optional(),
  summary: EvalSummarySchema,
  perSeed: z
    .object({
      em: z.array(z.number()),
      f1: z.array(z.number()),
      acc: z.array(z.number()),
      primary: z.array(z.number()).optional(),
    })
    .optional(),
  primary: MeanIntervalSchema.nullable().optional(),
});

/** The primary metric named in the preset and whether the best student reached its bar. */
export const PrimaryVerdictSchema = z.object({
  name: z.string(),
  questionTypes: z.array(z.string()),
  poweredAt: z.number(),
  best: z.object({ name: z.string(), mean: z.number(), ci: Ci }).nullable(),
  powered: z.boolean(),
});

/** One system's pooled EM and Acc on one question type (experiment/pooled.ts `byQuestionType`). */
export const TypeRowSchema = z.object({
  name: z.string(),
  type: z.string(),
  n: z.number(),
  yesNo: z.number(),
  em: z.number(),
  acc: z.number(),
});

export const ExperimentResultSchema = z.object({
  preset: z.string(),
  claims: z.boolean(),
  primary: PrimaryVerdictSchema.optional().catch(undefined),
  fit: z
    .object({ maxSeqLen: z.number(), examples: z.number(), longest: z.number(), cut: z.number() })
    .optional()
    .catch(undefined),
  /** The held-out questions measured on; absent (test) before dev-split runs existed. */
  split: z.enum(['dev', 'test']).optional().catch(undefined),
  /** 'epoch', 'token', or 'both' (each comparison says its own). */
  budget: z.string().optional(),
  command: z.string(),
  commit: z.string(),
  startedAt: z.string(),
  wallSeconds: z.number(),
  world: z.object({ seed: z.number(), passages: z.number(), questions: z.number() }).optional(),
  teacher: z
    .object({ traces: z.number(), kept: z.number(), examples: z.record(z.string(), z.number()) })
    .optional(),
  systems: z.array(SystemResultSchema),
  comparisons: z.array(ComparisonSchema).default([]),
  /**
   * Added after the first results were committed: absent there, and when present in a shape this
   * server does not know, ignored (the view falls back to the report's PNG) rather than fatal.
   */
  pooled: z.array(PooledRowSchema).optional().catch(undefined),
  sigmaSeries: z.array(SigmaSeriesSchema).optional().catch(undefined),
  byType: z.array(TypeRowSchema).optional().catch(undefined),
  /** Students trained on a lent GPU (`--trained-on`): where, with what, and each stage's time. */
  gpu: z
    .object({
      machine: z.record(z.string(), z.unknown()).nullable(),
      runs: z.array(
        z.object({
          stage: z.string(),
          kind: z.enum(['warm', 'student']),
          wallSeconds: z.number(),
          steps: z.number(),
        }),
      ),
    })
    .optional()
    .catch(undefined),
  figures: z.record(z.string(), z.string()).default({}),
});

export type ExperimentResultData = z.infer<typeof ExperimentResultSchema>;
export type SystemResultData = z.infer<typeof SystemResultSchema>;
export type ComparisonData = z.infer<typeof ComparisonSchema>;
