import { StepConfigSchema, SYNTHETIC_QUESTION_TYPES } from '@steper/core';
import { z } from 'zod';
import { ExperimentPresetSchema, PRESETS } from '../experiment/presets';

export const ANALYSIS_KINDS = ['table2', 'figure3', 'table4', 'table6', 'figure5'] as const;
export type AnalysisKind = (typeof ANALYSIS_KINDS)[number];

const Objective = z.enum(['vanilla', 'steper-uniform', 'steper-fixed', 'steper-difficulty']);
const Lambda = z.tuple([z.number().min(0), z.number().min(0), z.number().min(0)]);

/**
 * The sizes of the paper's analyses. `base` is what every student shares — world, model,
 * training, test questions, seeds — taken from the experiment preset of the same name, so an
 * analysis and the experiment train comparable students on the same world.
 */
export const AnalysisPresetSchema = z.object({
  name: z.string(),
  base: ExperimentPresetSchema.pick({
    world: true,
    testQuestions: true,
    seeds: true,
    model: true,
    pretrain: true,
    warmStart: true,
    train: true,
    maxTokens: true,
    claims: true,
  }),
  /** Table 2: fixed stage weights λ (init, exp, agg) against difficulty-aware weighting. */
  table2: z.object({
    variants: z
      .array(z.object({ label: z.string().min(1), objective: Objective, stageWeights: Lambda.optional() }))
      .min(2),
  }),
  /** Figure 3: the §6.1 step configurations, each judged by reasoning stage. */
  figure3: z.object({ objective: Objective, stepConfigs: z.array(StepConfigSchema).min(1) }),
  /** Table 4: rationale validity (SQA, RI) of the teacher and these students. */
  table4: z.object({ objectives: z.array(Objective).min(1) }),
  /** Table 6: the teacher with at most S retrieval steps, on `questions` questions of `split`. */
  table6: z.object({
    maxSteps: z.array(z.number().int().min(1).max(20)).min(1),
    questions: z.number().int().positive(),
    split: z.enum(['train', 'dev', 'test']),
  }),
  /** Figure 5: train on one domain, evaluate on every domain (synthetic: groups of question types). */
  figure5: z.object({
    objectives: z.array(Objective).min(1),
    domains: z
      .array(z.object({ name: z.string().min(1), types: z.array(z.enum(SYNTHETIC_QUESTION_TYPES)).min(1) }))
      .min(2),
    questionsPerDomain: z.number().int().positive(),
  }),
});
export type AnalysisPreset = z.infer<typeof AnalysisPresetSchema>;

function base(name: 'quick' | 'standard'): AnalysisPreset['base'] {
  const p = PRESETS[name];
  return {
    world: p.world,
    testQuestions: p.testQuestions,
    seeds: p.seeds,
    model: p.model,
    pretrain: p.pretrain,
    warmStart: p.warmStart,
    train: p.train,
    maxTokens: p.maxTokens,
    claims: p.claims,
  };
}

/** Table 2's rows (the paper's λ values and its Eq. 4 weighting). */
const TABLE2_VARIANTS: AnalysisPreset['table2']['variants'] = [
  { label: 'StepER λ = (1.5, 1, 0.5)', objective: 'steper-fixed', stageWeights: [1.5, 1, 0.5] },
  { label: 'StepER λ = (1, 1, 1)', objective: 'steper-fixed', stageWeights: [1, 1, 1] },
  { label: 'StepER λ = (0.5, 1, 1.5)', objective: 'steper-fixed', stageWeights: [0.5, 1, 1.5] },
  { label: 'StepER difficulty-aware', objective: 'steper-difficulty' },
];

/** The synthetic world's question types as "domains": its 2Wiki-style comparisons, its compositional chains, its MuSiQue-style bridges. */
const SYNTHETIC_DOMAINS: AnalysisPreset['figure5']['domains'] = [
  { name: 'comparison', types: ['comparison', 'bridge_comparison'] },
  { name: 'compositional', types: ['compositional', 'inference'] },
  { name: 'bridge', types: ['bridge'] },
];

export const ANALYSIS_PRESETS: Record<'quick' | 'standard', AnalysisPreset> = {
  quick: {
    name: 'quick',
    base: base('quick'),
    table2: { variants: TABLE2_VARIANTS },
    figure3: { objective: 'steper-difficulty', stepConfigs: ['agg', 'init+agg', 'init+exp1+agg', 'all'] },
    table4: { objectives: ['vanilla', 'steper-difficulty'] },
    table6: { maxSteps: [3, 4, 5, 6, 7], questions: 48, split: 'train' },
    figure5: {
      objectives: ['vanilla', 'steper-difficulty'],
      domains: SYNTHETIC_DOMAINS,
      questionsPerDomain: Math.max(4, Math.floor(PRESETS.quick.testQuestions / 3)),
    },
  },
  standard: {
    name: 'standard',
    base: base('standard'),
    table2: { variants: TABLE2_VARIANTS },
    figure3: { objective: 'steper-difficulty', stepConfigs: ['agg', 'init+agg', 'init+exp1+agg', 'all'] },
    table4: { objectives: ['vanilla', 'steper-difficulty'] },
    table6: { maxSteps: [3, 4, 5, 6, 7], questions: 500, split: 'train' },
    figure5: {
      objectives: ['vanilla', 'steper-difficulty'],
      domains: SYNTHETIC_DOMAINS,
      questionsPerDomain: Math.max(20, Math.floor(PRESETS.standard.testQuestions / 3)),
    },
  },
};
