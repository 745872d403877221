import { LoopNameSchema } from '@steper/core';
import { z } from 'zod';
import { TeacherSpecSchema } from '../teachers/spec';

/** A generator × question set × loop. The evaluation issue adds students and judged metrics. */
export const EvalConfigSchema = z.object({
  name: z.string().min(1).max(200).default('evaluation'),
  corpusId: z.string().min(1),
  questionSetId: z.string().min(1),
  loop: LoopNameSchema.default('ircot'),
  maxSteps: z.number().int().min(1).max(20).default(5),
  topK: z.number().int().min(1).max(100).default(4),
  maxTokens: z.number().int().positive().max(8192).default(128),
  generator: TeacherSpecSchema.default({ kind: 'evidence' }),
  /** 'student': (q, P_≤s) prompts with no demonstrations, as students are trained. */
  promptStyle: z.enum(['teacher', 'student']).default('teacher'),
  concurrency: z.number().int().min(1).max(256).default(4),
  limit: z.number().int().positive().optional(),
});
export type EvalConfig = z.infer<typeof EvalConfigSchema>;
export type EvalConfigInput = z.input<typeof EvalConfigSchema>;
