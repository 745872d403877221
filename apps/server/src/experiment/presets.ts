import { SYNTHETIC_STYLES } from '@steper/core';
import { z } from 'zod';

/** EM on the synthetic world's questions that take 2–4 hops and offer no two options to guess between. */
export const MULTI_HOP_EM = {
  name: 'multi-hop EM',
  questionTypes: ['compositional', 'inference', 'bridge'],
  poweredAt: 0.3,
};

/**
 * A copy curriculum's rows and rounds (`copy`, `longCopy`): `rows` rows of `minWords`–`maxWords`
 * random words a round, until the held-out ratio reaches `untilRatio` or `maxRounds` are spent.
 */
const CopyRoundsSchema = z.object({
  rows: z.number().int().positive(),
  minWords: z.number().int().positive(),
  maxWords: z.number().int().positive(),
  maxRounds: z.number().int().positive(),
  untilRatio: z.number().positive(),
});
const wordsInOrder = (name: string) =>
  [
    (c: { minWords: number; maxWords: number }) => c.minWords <= c.maxWords,
    `${name}.minWords must not exceed ${name}.maxWords`,
  ] as const;

/** One experiment's sizes. `quick` is a smoke run (claims nothing); `standard` is sized to show the effect. */
export const ExperimentPresetSchema = z.object({
  name: z.string(),
  world: z.object({
    seed: z.number().int(),
    passages: z.number().int().positive(),
    questions: z.number().int().positive(),
    /** core's SyntheticStyle: 'plain' words every fact as the questions do (a CPU-sized world). */
    style: z.enum(SYNTHETIC_STYLES).optional(),
    /**
     * K: passages retrieved per step, by the teacher whose traces are the step data and by every
     * student and the teacher at evaluation (default 4, the paper's). Fewer passages make shorter
     * prompts with fewer distractors: a world's difficulty knob, reported with the preset.
     */
    topK: z.number().int().min(1).max(100).optional(),
  }),
  /** Held-out test questions evaluated per system. */
  testQuestions: z.number().int().positive(),
  seeds: z.array(z.number().int()).min(1),
  model: z.object({
    vocabSize: z.number().int(),
    hiddenSize: z.number().int(),
    layers: z.number().int(),
    /** Attention heads (default hidden / 16) and RoPE base (default 1e6): see the standard preset. */
    heads: z.number().int().positive().optional(),
    ropeTheta: z.number().positive().optional(),
  }),
  /**
   * Language-modelling pre-training of the random init on the world's corpus before any
   * distillation (experiment/pretrain.ts); null = distil into the random init.
   */
  pretrain: z
    .object({
      /** Shuffled passes over the corpus. */
      passes: z.number().int().min(0),
      passagesPerRow: z.number().int().positive(),
      /** Passages of the row shown a second time at its end: the in-context copying the students need. */
      repeatsPerRow: z.number().int().min(0),
      batchSize: z.number().int().positive(),
      lr: z.number().positive(),
      maxSeqLen: z.number().int().positive(),
      /**
       * The copy curriculum (pretrain.ts `copyRows`): random corpus words, then the same words;
       * rounds of one epoch over `rows` until held-out rows' repeated half costs at most
       * `untilRatio` of the first (induction heads have formed) or `maxRounds` are spent.
       */
      copy: CopyRoundsSchema.refine(...wordsInOrder('copy'))
        .nullable()
        .optional(),
      /**
       * The long-range copy curriculum (pretrain.ts `gappedCopyRows`), after `copy`: the prompt
       * holds 8–30 random corpus words anywhere among up to `maxGapWords` others, the target is
       * those words again. The copy curriculum's rows teach copying only at the distance they
       * hold (~60 tokens; none 25 words further, docs/results/recipe-2026-12-06/p3-long-copy/copy-range.json),
       * and every step copies a name from passages hundreds of tokens back. Rounds as `copy`.
       */
      longCopy: CopyRoundsSchema.extend({
        maxGapWords: z.number().int().positive(),
        batchSize: z.number().int().positive(),
        lr: z.number().positive(),
        maxSeqLen: z.number().int().positive(),
      })
        .refine(...wordsInOrder('longCopy'))
        .nullable()
        .optional(),
      /**
       * The reading warm start (reading.ts): single-hop questions over a world of another seed,
       * trained after the copy curriculum, so every objective starts from a student that can
       * read one fact out of its passages and none has seen a fact of the experiment's world.
       */
      reading: z
        .object({
          worldSeed: z.number().int().min(0),
          /** Worded as the experiment's world is (its `style`), or the students learn another language. */
          style: z.enum(SYNTHETIC_STYLES).optional(),
          passages: z.number().int().positive(),
          questions: z.number().int().positive(),
          topK: z.number().int().positive(),
          epochs: z.number().int().positive(),
          batchSize: z.number().int().positive(),
          lr: z.number().positive(),
          maxSeqLen: z.number().int().positive(),
        })
        .nullable()
        .optional(),
    })
    .nullable(),
  train: z.object({
    epochs: z.number().int().positive(),
    batchSize: z.number().int().positive(),
    lr: z.number().positive(),
    sigmaLr: z.number().positive(),
    maxSeqLen: z.number().int().positive(),
    /**
     * Let maxSeqLen cut the longest examples' prompts (from their start; the students' test prompts
     * are cut the same way, OnnxStudent's fitContext). Smoke runs only: a comparison trains on whole
     * prompts, and a run refuses a maxSeqLen that would cut any (tokens.ts checkNothingCut).
     */
    cutPrompts: z.boolean().default(false),
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
  /**
   * The comparison's primary metric, fixed before any run (DESIGN §2): EM over the question types
   * that need more than one hop and cannot be guessed between two named options. A report whose
   * best student scores below `poweredAt` on it says it is underpowered and claims nothing.
   */
  primary: z
    .object({
      name: z.string(),
      questionTypes: z.array(z.string()).min(1),
      poweredAt: z.number().min(0).max(1),
    })
    .default(MULTI_HOP_EM),
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
    // Sized down from 40 steps, 768 tokens and fp16 + int8 exports (27 min at load ~10). Measured at
    // ea00b8f on a 2-core CPU: 5.4 min of CPU time (15.6 min of wall time beside other jobs; README).
    train: {
      epochs: 2,
      batchSize: 8,
      lr: 2e-3,
      sigmaLr: 0.01,
      maxSeqLen: 512,
      cutPrompts: true,
      maxSteps: 24,
    },
    maxTokens: 24,
    objectives: [...OBJECTIVES],
    budget: 'epoch',
    primary: MULTI_HOP_EM,
    claims: false,
  },
  standard: {
    name: 'standard',
    world: { seed: 42, passages: 3000, questions: 2000 },
    testQuestions: 200,
    seeds: [1234, 1235, 1236],
    // 0.78M parameters. Heads of 32 and RoPE base 1e4: the shape in which the copy curriculum
    // was seen to form induction heads on the CPU (docs/results/calibration-2026-12-05.md).
    model: { vocabSize: 2000, hiddenSize: 128, layers: 2, heads: 4, ropeTheta: 10_000 },
    // Rounds of 625 steps of 64 copy rows (~4 min each on the 2-core CPU, once for all seeds)
    // until the phase change (1,100–2,500+ steps), so the students can copy from their context.
    pretrain: {
      passes: 0,
      passagesPerRow: 6,
      repeatsPerRow: 2,
      batchSize: 64,
      lr: 3e-3,
      maxSeqLen: 256,
      copy: { rows: 40_000, minWords: 8, maxWords: 30, maxRounds: 8, untilRatio: 0.2 },
    },
    // Two epochs: StepER ~6 min, Vanilla-KD ~3 min (equal epochs) or ~6 min (equal tokens) a seed;
    // with the evaluation of 200 test questions the run fits in 2 hours on the 2-core CPU.
    // 1,344 tokens: the longest step example of this world is 1,317 (its 2,000-word tokenizer), so none is cut.
    train: {
      epochs: 2,
      batchSize: 8,
      lr: 3e-3,
      sigmaLr: 0.01,
      maxSeqLen: 1344,
      cutPrompts: false,
      maxSteps: null,
    },
    maxTokens: 48,
    objectives: [...OBJECTIVES],
    budget: 'epoch',
    budgetReport: 'both',
    primary: MULTI_HOP_EM,
    // Its students chain no steps yet (multi-hop EM 0–5%, docs/results/standard-2026-12-05-findings.md).
    claims: false,
  },
};

export interface PresetOverrides {
  budget?: BudgetMode;
  epochs?: number;
  seeds?: readonly number[];
}

/**
 * A preset with the command line's changes. The name says which sizes differ, so a report of
 * `standard` at other epochs or seeds is never taken for the preset's own.
 */
export function withOverrides(preset: ExperimentPreset, o: PresetOverrides): ExperimentPreset {
  const changed = [
    ...(o.epochs !== undefined && o.epochs !== preset.train.epochs ? [`${o.epochs} epochs`] : []),
    ...(o.seeds !== undefined && o.seeds.join() !== preset.seeds.join()
      ? [`seed${o.seeds.length > 1 ? 's' : ''} ${o.seeds.join(', ')}`]
      : []),
  ];
  return {
    ...preset,
    name: changed.length ? `${preset.name} (${changed.join('; ')})` : preset.name,
    ...(o.budget ? { budgetReport: o.budget } : {}),
    ...(o.epochs !== undefined ? { train: { ...preset.train, epochs: o.epochs } } : {}),
    ...(o.seeds !== undefined ? { seeds: [...o.seeds] } : {}),
  };
}
