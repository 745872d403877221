import { z } from 'zod';
import { EvidenceTeacherSpecSchema, OpenAiTeacherSpecSchema } from '../teachers/spec';

/** An exported student run in-process through onnxruntime-node. */
export const OnnxStudentSpecSchema = z.object({
  kind: z.literal('onnx'),
  /** The export folder: onnx/model*.onnx, config.json, tokenizer.json. */
  dir: z.string().min(1),
  variant: z.enum(['fp32', 'fp16', 'int8', 'q4']).default('fp32'),
  /** onnxruntime intra-op threads; its default (all cores) when absent. */
  threads: z.number().int().positive().max(256).optional(),
});

/**
 * What answers an evaluation: the offline evidence teacher, any OpenAI-compatible endpoint (a
 * teacher, or a student's HF folder behind vLLM / `transformers serve`), or an ONNX student.
 */
export const GeneratorSpecSchema = z.discriminatedUnion('kind', [
  EvidenceTeacherSpecSchema,
  OpenAiTeacherSpecSchema,
  OnnxStudentSpecSchema,
]);
export type GeneratorSpec = z.infer<typeof GeneratorSpecSchema>;
export type GeneratorSpecInput = z.input<typeof GeneratorSpecSchema>;
