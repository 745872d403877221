import {
  type DemonstrationFile,
  DemonstrationFileSchema,
  defaultDemonstrations,
  FilterRuleSchema,
  IRCOT_INSTRUCTION,
  promptFormatOf,
  SELF_ASK_INSTRUCTION,
  StepConfigSchema,
} from '@steper/core';
import { z } from 'zod';
import { TeacherSpecSchema } from '../teachers/spec';

/** A teacher run as the UI, the CLI's config files and the stored record all spell it. */
export const TeachConfigSchema = z
  .object({
    name: z.string().min(1).max(200).default('teacher run'),
    corpusId: z.string().min(1),
    questionSetId: z.string().min(1),
    loop: z.enum(['ircot', 'self-ask']).default('ircot'),
    /** S: at most this many retrieval steps. */
    maxSteps: z.number().int().min(1).max(20).default(5),
    /** K: passages retrieved per step. */
    topK: z.number().int().min(1).max(100).default(4),
    /** New tokens per teacher call. */
    maxTokens: z.number().int().positive().max(8192).default(128),
    teacher: TeacherSpecSchema.default({ kind: 'evidence' }),
    /** Few-shot demonstrations; the loop's built-in ones when absent. Recorded with the run either way. */
    demonstrations: DemonstrationFileSchema.optional(),
    /** Questions in flight at once (each makes its calls in sequence). */
    concurrency: z.number().int().min(1).max(256).default(4),
    /** Only the first N questions of the set. */
    limit: z.number().int().positive().optional(),
    filterRule: FilterRuleSchema.default('em'),
    stepConfig: StepConfigSchema.default('all'),
    /** Build and export the filtered step dataset when the run is done. */
    buildDataset: z.boolean().default(true),
  })
  // Refused here, naming the field: found later by the loop, it failed the call as an internal error.
  .superRefine((c, ctx) => {
    const want = promptFormatOf(c.loop);
    if (c.demonstrations && c.demonstrations.format !== want) {
      ctx.addIssue({
        code: 'custom',
        path: ['demonstrations', 'format'],
        message: `the ${c.loop} loop needs "${want}" demonstrations, got "${c.demonstrations.format}"`,
      });
    }
  });
export type TeachConfig = z.infer<typeof TeachConfigSchema>;
export type TeachConfigInput = z.input<typeof TeachConfigSchema>;

/** The configuration as stored with the run: every default filled in, prompts and demonstrations included. */
export interface ResolvedTeachConfig extends TeachConfig {
  demonstrations: DemonstrationFile;
  prompts: { instruction: string };
  teacherDescription: Record<string, unknown>;
}

export function resolveTeachConfig(
  config: TeachConfig,
  teacherDescription: Record<string, unknown>,
): ResolvedTeachConfig {
  return {
    ...config,
    demonstrations: config.demonstrations ?? defaultDemonstrations(config.loop),
    prompts: { instruction: config.loop === 'self-ask' ? SELF_ASK_INSTRUCTION : IRCOT_INSTRUCTION },
    teacherDescription,
  };
}
