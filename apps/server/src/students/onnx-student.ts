import { Tokenizer } from '@huggingface/tokenizers';
import type { GenerateRequest, GenerateResult, Generator } from '@steper/core';
import { InferenceSession } from 'onnxruntime-node';
import { greedyDecode } from './decode';
import { type ModelDims, type OnnxVariant, readStudentModel } from './model-dir';

/** Text up to the first of the stop strings, and whether one was found. */
export function cutAtStop(text: string, stop: readonly string[]): { text: string; stopped: boolean } {
  let at = -1;
  for (const s of stop) {
    if (!s) continue;
    const i = text.indexOf(s);
    if (i >= 0 && (at < 0 || i < at)) at = i;
  }
  return at < 0 ? { text, stopped: false } : { text: text.slice(0, at), stopped: true };
}

/**
 * The prompt's last tokens that leave room for `maxTokens` new ones within the context the student
 * trained at: the trainer's rule (batching.py), which drops an over-long example's prompt from its
 * start, so a student never sees at test a prompt longer than any it trained on.
 */
export function fitContext(ids: number[], maxTokens: number, contextTokens: number | undefined): number[] {
  if (contextTokens === undefined) return ids;
  const room = Math.max(1, contextTokens - maxTokens);
  return ids.length > room ? ids.slice(ids.length - room) : ids;
}

/**
 * An exported student (trainer's ONNX decoder + tokenizer.json) as core's Generator: the prompt
 * the loop renders, greedy tokens with the KV cache until EOS, a stop string or maxTokens.
 * Calls run one at a time: batch size 1, and two cores gain nothing from interleaving.
 */
export class OnnxStudent implements Generator {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly label: string,
    readonly dir: string,
    private readonly session: InferenceSession,
    private readonly tokenizer: Tokenizer,
    readonly dims: ModelDims,
  ) {}

  static async load(
    dir: string,
    opts: { variant?: OnnxVariant; threads?: number } = {},
  ): Promise<OnnxStudent> {
    const files = readStudentModel(dir, opts.variant);
    const session = await InferenceSession.create(files.onnxPath, {
      ...(opts.threads ? { intraOpNumThreads: opts.threads } : {}),
      graphOptimizationLevel: 'all',
    });
    const tokenizer = new Tokenizer(files.tokenizerJson, files.tokenizerConfig);
    return new OnnxStudent(`onnx-student (${dir})`, dir, session, tokenizer, files.dims);
  }

  /** Prompts are plain text the model continues: no special tokens, as in training. */
  encode(text: string): number[] {
    return this.tokenizer.encode(text, { add_special_tokens: false }).ids;
  }

  decode(ids: readonly number[]): string {
    return this.tokenizer.decode([...ids], { skip_special_tokens: true });
  }

  /** Greedy token ids for a prompt, without stop strings: what the parity test compares. */
  async greedyIds(prompt: string, maxTokens: number): Promise<number[]> {
    const { ids } = await greedyDecode(this.session, this.dims, this.encode(prompt), {
      maxTokens,
      stopIds: this.dims.eosIds,
    });
    return ids;
  }

  generate(request: GenerateRequest, signal?: AbortSignal): Promise<GenerateResult> {
    const run = this.queue.then(() => this.generateNow(request, signal));
    this.queue = run.catch(() => {});
    return run;
  }

  private async generateNow(request: GenerateRequest, signal?: AbortSignal): Promise<GenerateResult> {
    const promptIds = fitContext(this.encode(request.prompt), request.maxTokens, this.dims.contextTokens);
    let text = '';
    const { ids } = await greedyDecode(this.session, this.dims, promptIds, {
      maxTokens: request.maxTokens,
      stopIds: this.dims.eosIds,
      signal,
      onToken: (sofar) => {
        const cut = cutAtStop(this.decode(sofar), request.stop);
        text = cut.text;
        return cut.stopped;
      },
    });
    return { text, promptTokens: promptIds.length, completionTokens: ids.length };
  }

  async close(): Promise<void> {
    await this.queue;
    await this.session.release();
  }
}
