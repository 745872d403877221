import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { type StepConfig, type StepExample, StepExampleSchema } from '@steper/core';

/** The examples a step configuration keeps (§6.1), as the trainer's select_step_config does. */
export function selectStepConfig(examples: readonly StepExample[], stepConfig: StepConfig): StepExample[] {
  if (stepConfig === 'all') return [...examples];
  if (stepConfig === 'agg') return examples.filter((e) => e.stage === 'agg');
  if (stepConfig === 'init+agg') return examples.filter((e) => e.stage !== 'exp');
  const firstExp = new Map<string, number>();
  for (const e of examples) {
    if (e.stage === 'exp') firstExp.set(e.questionId, Math.min(e.step, firstExp.get(e.questionId) ?? e.step));
  }
  return examples.filter((e) => e.stage !== 'exp' || e.step === firstExp.get(e.questionId));
}

/**
 * Prompt + target tokens of one epoch over the examples an objective trains on (Vanilla-KD: the
 * aggregation examples only; StepER: its step configuration, all by default), counted with the
 * student's own tokenizer, and the questions they cover.
 */
export function epochTokens(
  examplesPath: string,
  modelDir: string,
  objective: string,
  stepConfig?: StepConfig,
): { tokens: number; questions: number } {
  const tokenizer = new Tokenizer(
    JSON.parse(readFileSync(join(modelDir, 'tokenizer.json'), 'utf8')),
    JSON.parse(readFileSync(join(modelDir, 'tokenizer_config.json'), 'utf8')),
  );
  const examples: StepExample[] = [];
  readFileSync(examplesPath, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (!line.trim()) return;
      const parsed = StepExampleSchema.safeParse(JSON.parse(line));
      if (!parsed.success)
        throw new Error(`${examplesPath}:${i + 1}: not a step example (${parsed.error.issues[0]?.message})`);
      examples.push(parsed.data);
    });
  let tokens = 0;
  const questions = new Set<string>();
  for (const e of selectStepConfig(examples, objective === 'vanilla' ? 'agg' : (stepConfig ?? 'all'))) {
    questions.add(e.questionId);
    tokens += tokenizer.encode(e.prompt + e.target, { add_special_tokens: false }).ids.length;
  }
  return { tokens, questions: questions.size };
}
