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
   * A committed, objective-neutral warm start every seed and objective starts from, as runs on a
   * GPU start from a pretrained LM (warmStart.ts): a model folder, relative to the repository
   * root, and the sha256 of its weights. Takes the place of `pretrain`, which must then be null.
   */
  warmStart: z
    .object({
      path: z.string().min(1),
      sha256: z.string().regex(/^[0-9a-f]{64}$/, 'warmStart.sha256 must be 64 lowercase hex digits'),
    })
    .nullable()
    .optional(),
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
  /**
   * The GPU run (issue 19, `steper experiment --gpu-bundle`): seconds of one lent GPU each warm
   * stage and each student may train, the trainer's max_seconds. The whole device command must end
   * within minutes, every stage included.
   */
  gpu: z
    .object({
      warmSeconds: z.number().positive(),
      studentSeconds: z.number().positive(),
    })
    .optional(),
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

export const PRESETS: Record<'quick' | 'standard' | 'gpu', ExperimentPreset> = {
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
    // The recipe of docs/results/recipe-2026-12-06 (probe p10): the plain world (one wording per
    // relation), two passages a step, 12,000 questions for ~6,100 fresh kept traces. 900 test
    // questions (~500 multi-hop) put the multi-hop EM interval within about ±5 points.
    world: { seed: 42, passages: 3000, questions: 12_000, style: 'plain', topK: 2 },
    testQuestions: 900,
    seeds: [1234, 1235, 1236],
    // 0.78M parameters. Heads of 32 and RoPE base 1e4: the shape in which the copy curriculum
    // was seen to form induction heads on the CPU (docs/results/calibration-2026-12-05.md).
    model: { vocabSize: 2000, hiddenSize: 128, layers: 2, heads: 4, ropeTheta: 10_000 },
    // Copy curriculum → long-range copy to its phase change → single-hop reading on world seed 7:
    // over an hour of CPU, so it is committed (models/warm-start-plain-42/README.md) and every seed
    // and objective starts from it, as GPU runs start from one pretrained LM.
    warmStart: {
      path: 'models/warm-start-plain-42',
      sha256: 'fa3163a9c6a3bc5667c7e466c66115cff93658a3962dfc4edbb9f63813255f31',
    },
    pretrain: null,
    // Two epochs. Measured alone on the 2-core CPU (docs/results/standard-2026-12-07-findings.md):
    // 110.1 min for three seeds, 36–38 min a seed — StepER 10–11 min, Vanilla-KD 4.5 (equal epochs)
    // and 13–14 (equal tokens), 900 test questions 1.5–2.5 min per student, exports ~0.5 min each.
    // 768 tokens: the longest step example is 690 (the warm start's tokenizer), so none is cut,
    // and packed rows of 768 train 1.6x faster than rows of 1,472 (attention is paid per row).
    train: {
      epochs: 2,
      batchSize: 8,
      lr: 3e-3,
      sigmaLr: 0.01,
      maxSeqLen: 768,
      cutPrompts: false,
      maxSteps: null,
    },
    maxTokens: 48,
    // StepER with uniform stage weights, the objective the recipe was found with; the
    // difficulty-aware one does not fit the two hours beside both Vanilla-KD budgets.
    objectives: ['steper-uniform', 'vanilla'],
    budget: 'epoch',
    budgetReport: 'both',
    primary: MULTI_HOP_EM,
    // The recipe's StepER student passed the bar on dev (34.5%, one seed): this run is the claim.
    claims: true,
  },
  gpu: {
    name: 'gpu',
    // Issue 19's GPU-sized run: the standard preset's world and questions, a student 18x larger,
    // trained on one lent H100 (`--gpu-bundle`, bench/gpu/run.sh) and evaluated here
    // (`--trained-on`). Not yet run: no GPU has been lent (docs/results/gpu-experiment-2026-12-07).
    world: { seed: 42, passages: 3000, questions: 12_000, style: 'plain', topK: 2 },
    testQuestions: 900,
    seeds: [1234],
    // 14.1M parameters: 6 layers of hidden 384 (MLP 1,536), 6 heads of 64 (3 KV heads), the tied
    // embedding; 28 MB in float16 a student.
    model: { vocabSize: 2000, hiddenSize: 384, layers: 6, heads: 6, ropeTheta: 10_000 },
    // The warm start's stages (models/warm-start-plain-42/README.md), each a fixed number of epochs
    // in one schedule (the GPU run has no Node to probe for the phase change between rounds), with
    // batches 4-8x the CPU's, and each cut to gpu.warmSeconds.
    pretrain: {
      passes: 0,
      passagesPerRow: 6,
      repeatsPerRow: 2,
      batchSize: 256,
      lr: 1e-3,
      maxSeqLen: 256,
      copy: { rows: 40_000, minWords: 8, maxWords: 30, maxRounds: 8, untilRatio: 0.2 },
      longCopy: {
        rows: 24_000,
        minWords: 8,
        maxWords: 30,
        maxGapWords: 400,
        maxRounds: 4,
        untilRatio: 0.3,
        batchSize: 64,
        lr: 1e-3,
        maxSeqLen: 1024,
      },
      reading: {
        worldSeed: 7,
        style: 'plain',
        passages: 6000,
        questions: 4000,
        topK: 4,
        epochs: 2,
        batchSize: 32,
        lr: 1e-3,
        maxSeqLen: 640,
      },
    },
    train: {
      epochs: 4,
      batchSize: 32,
      lr: 1e-3,
      sigmaLr: 0.01,
      maxSeqLen: 768,
      cutPrompts: false,
      maxSteps: null,
    },
    // bench.py (cut at 90 s) + 3 warm stages + 2 students + ~60 s of loading, tokenizing and
    // writing: ~7.5 minutes of the lease's 15, which its start also spends.
    gpu: { warmSeconds: 30, studentSeconds: 90 },
    maxTokens: 48,
    objectives: ['steper-difficulty', 'vanilla'],
    budget: 'epoch',
    primary: MULTI_HOP_EM,
    claims: true,
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
