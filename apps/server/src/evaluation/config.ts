import { LoopNameSchema } from '@steper/core';
import { z } from 'zod';
import { GeneratorSpecSchema } from '../students/spec';

/** A generator (teacher or student) × question set × loop. */
export const EvalConfigSchema = z.object({
  name: z.string().min(1).max(200).default('evaluation'),
  corpusId: z.string().min(1),
  questionSetId: z.string().min(1),
  loop: LoopNameSchema.default('ircot'),
  maxSteps: z.number().int().min(1).max(20).default(5),
  topK: z.number().int().min(1).max(100).default(4),
  maxTokens: z.number().int().positive().max(8192).default(128),
  generator: GeneratorSpecSchema.default({ kind: 'evidence' }),
  /**
   * 'student': (q, P_≤s) prompts with no demonstrations, as students are trained. An ONNX student
   * always gets these (see resolvePromptStyle).
   */
  promptStyle: z.enum(['teacher', 'student']).optional(),
  concurrency: z.number().int().min(1).max(256).default(4),
  limit: z.number().int().positive().optional(),
  /** Bootstrap of the stored summary's intervals. */
  bootstrap: z
    .object({
      resamples: z.number().int().min(100).max(100_000).default(2000),
      seed: z.number().int().default(0),
    })
    .default({ resamples: 2000, seed: 0 }),
});
export type EvalConfig = z.infer<typeof EvalConfigSchema>;
export type EvalConfigInput = z.input<typeof EvalConfigSchema>;

/** Students answer the prompt they were trained on; teachers their few-shot one, unless told. */
export function resolvePromptStyle(config: EvalConfig): 'teacher' | 'student' {
  if (config.generator.kind === 'onnx') return 'student';
  return config.promptStyle ?? 'teacher';
}
