import { z } from 'zod';

/**
 * The few fields of a Hugging Face config.json the runner needs: the KV cache's shape and the
 * end-of-sequence token. Any Qwen2-family export (the tiny demo student, a real Qwen2.5) has them.
 */
const ConfigSchema = z.object({
  num_hidden_layers: z.number().int().positive(),
  num_attention_heads: z.number().int().positive(),
  num_key_value_heads: z.number().int().positive().optional(),
  hidden_size: z.number().int().positive(),
  head_dim: z.number().int().positive().nullish(),
  vocab_size: z.number().int().positive(),
  eos_token_id: z.union([z.number().int().nonnegative(), z.array(z.number().int().nonnegative()).min(1)]),
  model_type: z.string().optional(),
});

export interface ModelDims {
  layers: number;
  kvHeads: number;
  headDim: number;
  hiddenSize: number;
  vocabSize: number;
  eosIds: number[];
  modelType: string;
}

export function parseModelConfig(json: unknown, source: string): ModelDims {
  const parsed = ConfigSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(
      `${source}: field "${issue.path.join('.')}": ${issue.message}. It must be the config.json the trainer's export wrote.`,
    );
  }
  const c = parsed.data;
  return {
    layers: c.num_hidden_layers,
    kvHeads: c.num_key_value_heads ?? c.num_attention_heads,
    headDim: c.head_dim ?? c.hidden_size / c.num_attention_heads,
    hiddenSize: c.hidden_size,
    vocabSize: c.vocab_size,
    eosIds: Array.isArray(c.eos_token_id) ? c.eos_token_id : [c.eos_token_id],
    modelType: c.model_type ?? 'unknown',
  };
}
