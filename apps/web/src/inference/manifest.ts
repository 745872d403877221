import { z } from 'zod';

/**
 * public/demo/manifest.json: what the playground can load. Written by
 * scripts/build-demo-student.sh; any exported student (the trainer's transformers.js layout:
 * config.json, tokenizer.json, onnx/model*.onnx) can be listed here the same way.
 */

export const VARIANTS = ['fp32', 'fp16', 'int8', 'q4'] as const;
export const VariantSchema = z.enum(VARIANTS);
export type Variant = z.infer<typeof VariantSchema>;

const FileSchema = z.object({
  /** Relative to the manifest's folder. */
  path: z.string().min(1),
  bytes: z.number().int().positive(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export type ManifestFile = z.infer<typeof FileSchema>;

/**
 * One ONNX variant: the graph, and for models over protobuf's 2 GB limit the weight files beside
 * it (`model.onnx_data`, …), each under the location name the graph refers to.
 */
const VariantFileSchema = FileSchema.extend({
  externalData: z.array(FileSchema.extend({ location: z.string().min(1) })).default([]),
});
export type VariantFile = z.infer<typeof VariantFileSchema>;

/** Bytes of a variant with its external weights. */
export const variantBytes = (v: VariantFile): number => v.externalData.reduce((n, f) => n + f.bytes, v.bytes);

export const StudentSchema = z.object({
  id: z.string().regex(/^[a-z0-9-]+$/, 'lower-case letters, digits and dashes'),
  label: z.string().min(1),
  /** vanilla | steper-difficulty | …: the trainer's objective, shown beside the label. */
  objective: z.string().min(1),
  config: FileSchema,
  tokenizer: FileSchema,
  tokenizerConfig: FileSchema,
  /** At least one ONNX variant; the loader picks one per backend (variant.ts). */
  variants: z
    .partialRecord(VariantSchema, VariantFileSchema)
    .refine((v) => Object.keys(v).length > 0, 'list at least one variant (fp32, fp16, int8 or q4)'),
  /**
   * How each step's prompt reaches the model: `plain` text continued (a distilled student, as it
   * was trained), or `chat`, one user turn in its tokenizer's chat template (an instruct
   * checkpoint used as it is; see chat.ts).
   */
  promptFormat: z.enum(['plain', 'chat']).default('plain'),
  /** Parameters, counted from its config.json by the build. */
  params: z.number().int().positive().optional(),
  /** What it is, in a sentence, written by the build that knows: model, method, teacher, data. */
  description: z.string().min(1).optional(),
  /** How it was trained, shown in the playground. */
  training: z.record(z.string(), z.union([z.string(), z.number(), z.null()])).default({}),
  /**
   * What it answers: EM on the manifest's held-out multi-hop questions through this loop in
   * onnxruntime-node (scripts/demo-student/measure.ts), shown in the playground.
   */
  heldOut: z
    .object({
      runtime: z.string(),
      variant: VariantSchema,
      questionTypes: z.array(z.string()),
      questions: z.number().int().positive(),
      correct: z.number().int().min(0),
      em: z.number().min(0).max(1),
    })
    .optional(),
});
export type Student = z.infer<typeof StudentSchema>;

export const DemoQuestionSchema = z.object({
  id: z.string().min(1),
  question: z.string().min(1),
  answers: z.array(z.string()).min(1),
  type: z.string().optional(),
  hops: z.number().int().positive().optional(),
});
export type DemoQuestion = z.infer<typeof DemoQuestionSchema>;

export const DemoManifestSchema = z.object({
  format: z.literal('steper-demo'),
  version: z.literal(1),
  corpus: z.object({
    name: z.string().min(1),
    index: FileSchema,
    passages: z.number().int().positive(),
  }),
  /** The synthetic world the students learnt (the server evaluates them only on that world). */
  world: z
    .object({
      seed: z.number().int(),
      passages: z.number().int().positive(),
      questions: z.number().int().positive(),
      style: z.string(),
      topK: z.number().int().positive(),
    })
    .optional(),
  /** Where the students come from: the experiment run and its systems. */
  source: z.record(z.string(), z.union([z.string(), z.number(), z.null()])).optional(),
  loop: z.object({
    loop: z.literal('ircot'),
    maxSteps: z.number().int().min(1).max(20),
    topK: z.number().int().min(1).max(100),
    maxTokens: z.number().int().min(1).max(2048),
  }),
  questions: z.array(DemoQuestionSchema),
  students: z.array(StudentSchema).min(1),
});
export type DemoManifest = z.infer<typeof DemoManifestSchema>;

/** Parses a manifest, naming the field and the fix when it is wrong. */
export function parseDemoManifest(json: unknown, source: string): DemoManifest {
  const parsed = DemoManifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(
      `${source}: field "${issue.path.join('.') || '(root)'}": ${issue.message}. Rebuild it with scripts/build-demo-student.sh.`,
    );
  }
  return parsed.data;
}
