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
  claims: z.boolean(),
});
export type ExperimentPreset = z.infer<typeof ExperimentPresetSchema>;

const OBJECTIVES = ['vanilla', 'steper-uniform', 'steper-difficulty'] as const;

export const PRESETS: Record<'quick' | 'standard', ExperimentPreset> = {
  quick: {
    name: 'quick',
    world: { seed: 42, passages: 400, questions: 240 },
    testQuestions: 24,
    seeds: [1234],
    model: { vocabSize: 800, hiddenSize: 64, layers: 2 },
    train: { epochs: 2, batchSize: 8, lr: 2e-3, sigmaLr: 0.01, maxSeqLen: 768, maxSteps: 40 },
    maxTokens: 32,
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
    train: { epochs: 6, batchSize: 16, lr: 1e-3, sigmaLr: 0.01, maxSeqLen: 1024, maxSteps: null },
    maxTokens: 48,
    objectives: [...OBJECTIVES],
    budget: 'epoch',
    claims: true,
  },
};
