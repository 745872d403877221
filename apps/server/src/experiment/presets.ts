import { z } from 'zod';

/** One experiment's sizes. `quick` is a smoke run (claims nothing); `standard` is sized to show the effect. */
export const ExperimentPresetSchema = z.object({
  name: z.string(),
  world: z.object({
    seed: z.number().int(),
    passages: z.number().int().positive(),
    questions: z.number().int().positive(),
  }),
  /** Held-out test questions evaluated per system. */
  testQuestions: z.number().int().positive(),
  seeds: z.array(z.number().int()).min(1),
  model: z.object({ vocabSize: z.number().int(), hiddenSize: z.number().int(), layers: z.number().int() }),
  /**
   * Language-modelling pre-training of the random init on the world's corpus before any
   * distillation (experiment/pretrain.ts); null = distil into the random init.
   */
  pretrain: z
    .object({
      /** Shuffled passes over the corpus. */
      passes: z.number().int().positive(),
      passagesPerRow: z.number().int().positive(),
      /** Passages of the row shown a second time at its end: the in-context copying the students need. */
      repeatsPerRow: z.number().int().min(0),
      batchSize: z.number().int().positive(),
      lr: z.number().positive(),
      maxSeqLen: z.number().int().positive(),
    })
    .nullable(),
  train: z.object({
    epochs: z.number().int().positive(),
    batchSize: z.number().int().positive(),
    lr: z.number().positive(),
    sigmaLr: z.number().positive(),
    maxSeqLen: z.number().int().positive(),
    /** Caps optimizer steps (smoke runs); null = whole epochs. */
    maxSteps: z.number().int().positive().nullable(),
  }),
  /** New tokens per student call. */
  maxTokens: z.number().int().positive(),
  objectives: z.array(z.enum(['vanilla', 'steper-uniform', 'steper-difficulty'])).min(2),
  /** 'epoch': every student trains the same epochs; 'token': Vanilla-KD gets epochs until it has seen as many tokens. */
  budget: z.enum(['epoch', 'token']),
  /**
   * Which budget comparisons one run reports; overrides `budget` when set. 'both': Vanilla-KD is
   * trained twice from the same init and question order — equal epochs and equal training tokens —
   * and the report has a comparison table for each.
   */
  budgetReport: z.enum(['epoch', 'token', 'both']).optional(),
  claims: z.boolean(),
});
export type ExperimentPreset = z.infer<typeof ExperimentPresetSchema>;
export type BudgetMode = 'epoch' | 'token' | 'both';

/** The budget comparisons a preset asks for (`budgetReport`, else `budget`). */
export function budgetOf(preset: ExperimentPreset): BudgetMode {
  return preset.budgetReport ?? preset.budget;
}

const OBJECTIVES = ['vanilla', 'steper-uniform', 'steper-difficulty'] as const;

export const PRESETS: Record<'quick' | 'standard', ExperimentPreset> = {
  quick: {
    name: 'quick',
    world: { seed: 42, passages: 400, questions: 240 },
    testQuestions: 16,
    seeds: [1234],
    model: { vocabSize: 800, hiddenSize: 64, layers: 2 },
    pretrain: { passes: 2, passagesPerRow: 6, repeatsPerRow: 2, batchSize: 8, lr: 2e-3, maxSeqLen: 512 },
    // Sized so the whole smoke run stays under 20 min on a 2-core CPU (it took 27 min at 40 steps,
    // 768 tokens and fp16 + int8 exports on a machine at load ~10).
    train: { epochs: 2, batchSize: 8, lr: 2e-3, sigmaLr: 0.01, maxSeqLen: 512, maxSteps: 24 },
    maxTokens: 24,
    objectives: [...OBJECTIVES],
    budget: 'epoch',
    claims: false,
  },
  standard: {
    name: 'standard',
    world: { seed: 42, passages: 3000, questions: 2000 },
    testQuestions: 200,
    seeds: [1234, 1235, 1236],
    model: { vocabSize: 2000, hiddenSize: 256, layers: 4 },
    // 40 passes ≈ 13M tokens: minutes on a GPU, which the students' copying needs (calibration-2026-12-05).
    pretrain: { passes: 40, passagesPerRow: 6, repeatsPerRow: 2, batchSize: 16, lr: 3e-3, maxSeqLen: 1024 },
    train: { epochs: 6, batchSize: 16, lr: 1e-3, sigmaLr: 0.01, maxSeqLen: 1024, maxSteps: null },
    maxTokens: 48,
    objectives: [...OBJECTIVES],
    budget: 'epoch',
    budgetReport: 'both',
    // Meant for a GPU (--device cuda). On the idle 2-core CPU a 0.8M-param student trains at
    // ~11k tokens/s, and after 8M tokens still cannot copy a sentence out of its context, so every
    // student scores ~0 and the comparison is noise (docs/results/calibration-2026-12-05.md).
    claims: true,
  },
};
