import { z } from 'zod';
import { OpenAiTeacherSpecSchema } from '../../teachers/spec';

/**
 * Which judge scores an evaluation's traces: any OpenAI-compatible model (through the teacher
 * client and its response cache, so a repeated or resumed judgement never pays twice), or the
 * offline evidence judge, which reads the gold evidence and needs no LM.
 */
export const OfflineJudgeSpecSchema = z.object({ kind: z.literal('offline') });
export const JudgeSpecSchema = z.discriminatedUnion('kind', [
  OfflineJudgeSpecSchema,
  OpenAiTeacherSpecSchema,
]);
export type JudgeSpec = z.infer<typeof JudgeSpecSchema>;

export const JUDGE_CRITERIA = ['stages', 'rationale'] as const;
export type JudgeCriteria = (typeof JUDGE_CRITERIA)[number];

export const JudgeStartSchema = z.object({
  evaluationId: z.string().min(1),
  /** 'stages': initialization / expansion / aggregation, 0 or 1 each (Table 17, Figure 3); 'rationale': SQA and RI (Table 18, Table 4). */
  criteria: z.enum(JUDGE_CRITERIA).default('stages'),
  judge: JudgeSpecSchema.default({ kind: 'offline' }),
  /** New tokens of one judgement (LM judges); the answer format is a few short lines. */
  maxTokens: z.number().int().positive().max(4096).default(64),
  /** RI counts a question as answered correctly by this rule (Acc: gold contained in the prediction). */
  answeredBy: z.enum(['acc', 'em']).default('acc'),
  bootstrap: z
    .object({
      resamples: z.number().int().min(100).max(100_000).default(2000),
      seed: z.number().int().default(0),
    })
    .default({ resamples: 2000, seed: 0 }),
});
export type JudgeStart = z.infer<typeof JudgeStartSchema>;
export type JudgeStartInput = z.input<typeof JudgeStartSchema>;

/** What a judgement records about itself (config.json in its folder). */
export const JudgementConfigSchema = JudgeStartSchema.extend({
  judgementId: z.string().min(1),
  /** The judge's label as every summary and report shows it. */
  judgeLabel: z.string().min(1),
  /** Endpoint and model of an LM judge — never its key. */
  judgeDescription: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
});
export type JudgementConfig = z.infer<typeof JudgementConfigSchema>;
