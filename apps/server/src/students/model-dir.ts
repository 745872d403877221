import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { UserError } from '../errors';

/** The variants the trainer's export writes (apps/trainer steper_trainer/export.py). */
export const ONNX_VARIANTS = {
  fp32: 'model.onnx',
  fp16: 'model_fp16.onnx',
  int8: 'model_quantized.onnx',
  q4: 'model_q4.onnx',
} as const;
export type OnnxVariant = keyof typeof ONNX_VARIANTS;

const ModelConfigSchema = z.object({
  num_hidden_layers: z.number().int().positive(),
  num_attention_heads: z.number().int().positive(),
  num_key_value_heads: z.number().int().positive().optional(),
  hidden_size: z.number().int().positive(),
  head_dim: z.number().int().positive().nullish(),
  vocab_size: z.number().int().positive(),
  eos_token_id: z.union([z.number().int(), z.array(z.number().int())]).nullish(),
  /** The sequence length the student trained at (written by the experiment after export). */
  steper_context_tokens: z.number().int().positive().optional(),
});

/** What greedy decoding needs to know about the exported decoder. */
export interface ModelDims {
  layers: number;
  kvHeads: number;
  headDim: number;
  vocabSize: number;
  eosIds: number[];
  /**
   * Prompt + new tokens the student trained with; a longer prompt loses its start, as the trainer
   * cut it (undefined: never cut).
   */
  contextTokens?: number;
}

export interface StudentModelFiles {
  dir: string;
  onnxPath: string;
  dims: ModelDims;
  tokenizerJson: object;
  tokenizerConfig: object;
}

function readJson(path: string, what: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new UserError('BAD_REQUEST', `${what} ${path} is not valid JSON: ${(err as Error).message}`);
  }
}

/**
 * Reads an export folder (OUT/onnx/model*.onnx, OUT/config.json, OUT/tokenizer.json), checking
 * every file before a session is opened, so a wrong folder fails with the file it lacks.
 */
export function readStudentModel(dir: string, variant: OnnxVariant = 'fp32'): StudentModelFiles {
  const hint =
    'Export a trained student with `python -m steper_trainer export --checkpoint RUN --out DIR --formats onnx`.';
  if (!existsSync(dir))
    throw new UserError('NOT_FOUND', `Student model folder ${dir} does not exist. ${hint}`);
  const onnxPath = join(dir, 'onnx', ONNX_VARIANTS[variant]);
  if (!existsSync(onnxPath)) {
    throw new UserError(
      'NOT_FOUND',
      `Student model folder ${dir} has no onnx/${ONNX_VARIANTS[variant]}. ${hint}`,
    );
  }
  for (const file of ['config.json', 'tokenizer.json']) {
    if (!existsSync(join(dir, file)))
      throw new UserError('NOT_FOUND', `Student model folder ${dir} has no ${file}. ${hint}`);
  }
  const parsed = ModelConfigSchema.safeParse(readJson(join(dir, 'config.json'), 'Model config'));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UserError(
      'BAD_REQUEST',
      `${join(dir, 'config.json')}: field "${issue.path.join('.')}" ${issue.message}; it must be a Qwen2-style decoder config.`,
    );
  }
  const c = parsed.data;
  const gen = existsSync(join(dir, 'generation_config.json'))
    ? (readJson(join(dir, 'generation_config.json'), 'Generation config') as { eos_token_id?: unknown })
    : {};
  const eos = [c.eos_token_id, gen.eos_token_id].flat().filter((x): x is number => typeof x === 'number');
  const tokenizerJson = readJson(join(dir, 'tokenizer.json'), 'Tokenizer') as object;
  if (!('model' in tokenizerJson)) {
    throw new UserError(
      'BAD_REQUEST',
      `${join(dir, 'tokenizer.json')} has no "model": it must be a Hugging Face tokenizers file.`,
    );
  }
  const configPath = join(dir, 'tokenizer_config.json');
  return {
    dir,
    onnxPath,
    tokenizerJson,
    tokenizerConfig: existsSync(configPath) ? (readJson(configPath, 'Tokenizer config') as object) : {},
    dims: {
      layers: c.num_hidden_layers,
      kvHeads: c.num_key_value_heads ?? c.num_attention_heads,
      headDim: c.head_dim ?? c.hidden_size / c.num_attention_heads,
      vocabSize: c.vocab_size,
      eosIds: [...new Set(eos)],
      ...(c.steper_context_tokens ? { contextTokens: c.steper_context_tokens } : {}),
    },
  };
}
