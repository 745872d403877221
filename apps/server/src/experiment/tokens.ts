import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { StepExampleSchema } from '@steper/core';

/**
 * Prompt + target tokens of one epoch over the examples an objective trains on (Vanilla-KD: the
 * aggregation examples only), counted with the student's own tokenizer, and the questions they cover.
 */
export function epochTokens(
  examplesPath: string,
  modelDir: string,
  objective: string,
): { tokens: number; questions: number } {
  const tokenizer = new Tokenizer(
    JSON.parse(readFileSync(join(modelDir, 'tokenizer.json'), 'utf8')),
    JSON.parse(readFileSync(join(modelDir, 'tokenizer_config.json'), 'utf8')),
  );
  let tokens = 0;
  const questions = new Set<string>();
  readFileSync(examplesPath, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (!line.trim()) return;
      const parsed = StepExampleSchema.safeParse(JSON.parse(line));
      if (!parsed.success)
        throw new Error(`${examplesPath}:${i + 1}: not a step example (${parsed.error.issues[0]?.message})`);
      const e = parsed.data;
      if (objective === 'vanilla' && e.stage !== 'agg') return;
      questions.add(e.questionId);
      tokens += tokenizer.encode(e.prompt + e.target, { add_special_tokens: false }).ids.length;
    });
  return { tokens, questions: questions.size };
}
