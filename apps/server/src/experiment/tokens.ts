import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { type StepConfig, type StepExample, StepExampleSchema, type Trace } from '@steper/core';
import { UserError } from '../errors';

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
  const tokenizer = studentTokenizer(modelDir);
  let tokens = 0;
  const questions = new Set<string>();
  for (const e of selectStepConfig(
    readExamples(examplesPath),
    objective === 'vanilla' ? 'agg' : (stepConfig ?? 'all'),
  )) {
    questions.add(e.questionId);
    tokens += tokenizer.encode(e.prompt + e.target, { add_special_tokens: false }).ids.length;
  }
  return { tokens, questions: questions.size };
}

/** The tokenizer a student was built with (its model folder's tokenizer.json). */
export function studentTokenizer(modelDir: string): Tokenizer {
  return new Tokenizer(
    JSON.parse(readFileSync(join(modelDir, 'tokenizer.json'), 'utf8')),
    JSON.parse(readFileSync(join(modelDir, 'tokenizer_config.json'), 'utf8')),
  );
}

/** How the step data fits a sequence length: the longest example and how many would be cut. */
export interface SequenceFit {
  maxSeqLen: number;
  examples: number;
  /** Prompt + target + EOS tokens of the longest example. */
  longest: number;
  /** Examples longer than maxSeqLen: the trainer would drop the start of their prompts. */
  cut: number;
}

/**
 * Every example's prompt + target + EOS in the student's tokens against `maxSeqLen`. The trainer
 * cuts an over-long example's prompt from its start — the first hop's passages — where the
 * student at test sees the whole prompt at positions it never trained on; so a comparison keeps
 * `cut` at 0 (checkNothingCut).
 */
export function sequenceFit(examplesPath: string, modelDir: string, maxSeqLen: number): SequenceFit {
  const tokenizer = studentTokenizer(modelDir);
  const examples = readExamples(examplesPath);
  let longest = 0;
  let cut = 0;
  for (const e of examples) {
    const n = tokenizer.encode(e.prompt + e.target, { add_special_tokens: false }).ids.length + 1;
    longest = Math.max(longest, n);
    if (n > maxSeqLen) cut++;
  }
  return { maxSeqLen, examples: examples.length, longest, cut };
}

/** Refuses a sequence length that would cut training examples, naming the length that fits. */
export function checkNothingCut(fit: SequenceFit): void {
  if (fit.cut > 0) {
    throw new UserError(
      'BAD_REQUEST',
      `train.maxSeqLen ${fit.maxSeqLen} would cut ${fit.cut} of ${fit.examples} step examples (the longest is ${fit.longest} tokens with the student's tokenizer), so training and test prompts would differ; set train.maxSeqLen to at least ${fit.longest}.`,
    );
  }
}

/**
 * Steps of a student's traces whose prompt was cut to fit its context (OnnxStudent's fitContext):
 * each step's exact prompt in the student's tokens against contextTokens − maxTokens.
 */
export function promptsCut(
  traces: readonly Trace[],
  modelDir: string,
  contextTokens: number,
  maxTokens: number,
): { steps: number; cut: number } {
  const tokenizer = studentTokenizer(modelDir);
  const room = contextTokens - maxTokens;
  let steps = 0;
  let cut = 0;
  for (const t of traces) {
    for (const s of t.steps) {
      steps++;
      if (tokenizer.encode(s.prompt, { add_special_tokens: false }).ids.length > room) cut++;
    }
  }
  return { steps, cut };
}

function readExamples(examplesPath: string): StepExample[] {
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
  return examples;
}
