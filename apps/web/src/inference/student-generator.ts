import type { GenerateRequest, GenerateResult, Generator } from '@steper/core';
import type { InferenceSession } from 'onnxruntime-web';
import { type DecodeResult, greedyDecode, type TensorCtor } from './decoder';
import type { ModelDims } from './model-config';
import type { TextTokenizer } from './tokenizer';

/** What one generate call cost, for the playground's tokens/s and time per step. */
export interface GenerationStats {
  promptTokens: number;
  completionTokens: number;
  /** Tokenising, prefill and the first token. */
  firstTokenMs: number;
  totalMs: number;
  /** Tokens after the first, per second of decoding. */
  decodeTokensPerSec: number | null;
  stoppedBy: DecodeResult['stoppedBy'] | 'stop-string';
  ids: number[];
  /** The stop strings and token limit the loop asked for. */
  stop: string[];
  maxTokens: number;
}

export interface StudentGeneratorHooks {
  /** The text so far (stop string cut off), after every token. */
  onText?: (text: string, tokens: number, request: GenerateRequest) => void;
  onStats?: (stats: GenerationStats, request: GenerateRequest, text: string) => void;
}

/** Text up to the first stop string, and whether one was found. */
export function cutAtStop(text: string, stop: readonly string[]): { text: string; stopped: boolean } {
  let at = -1;
  for (const s of stop) {
    if (s === '') continue;
    const i = text.indexOf(s);
    if (i >= 0 && (at < 0 || i < at)) at = i;
  }
  return at < 0 ? { text, stopped: false } : { text: text.slice(0, at), stopped: true };
}

/**
 * The exported student as the core loop's Generator: the prompt the loop renders, greedy tokens
 * with the KV cache until EOS, a stop string of the loop or maxTokens.
 */
export class StudentGenerator implements Generator {
  constructor(
    readonly label: string,
    private readonly session: InferenceSession,
    private readonly Tensor: TensorCtor,
    private readonly dims: ModelDims,
    private readonly tokenizer: TextTokenizer,
    private readonly hooks: StudentGeneratorHooks = {},
  ) {}

  async generate(request: GenerateRequest, signal?: AbortSignal): Promise<GenerateResult> {
    const started = performance.now();
    const promptIds = this.tokenizer.encode(request.prompt);
    let text = '';
    let cut = false;
    const result = await greedyDecode(this.session, this.Tensor, this.dims, promptIds, {
      maxTokens: request.maxTokens,
      stopIds: this.dims.eosIds,
      ...(signal ? { signal } : {}),
      onToken: (ids) => {
        const decoded = cutAtStop(this.tokenizer.decode(ids), request.stop);
        text = decoded.text;
        cut = decoded.stopped;
        this.hooks.onText?.(text, ids.length, request);
        return cut;
      },
    });
    const totalMs = performance.now() - started;
    // Tokenising happens before decoding starts: it counts towards the first token's wait.
    const firstTokenMs = result.firstTokenMs + (totalMs - result.totalMs);
    const decodeMs = result.totalMs - result.firstTokenMs;
    const stats: GenerationStats = {
      promptTokens: promptIds.length,
      completionTokens: result.ids.length,
      firstTokenMs,
      totalMs,
      decodeTokensPerSec:
        result.ids.length > 1 && decodeMs > 0 ? (result.ids.length - 1) / (decodeMs / 1000) : null,
      stoppedBy: cut ? 'stop-string' : result.stoppedBy,
      ids: result.ids,
      stop: request.stop,
      maxTokens: request.maxTokens,
    };
    this.hooks.onStats?.(stats, request, text);
    return { text, promptTokens: promptIds.length, completionTokens: result.ids.length };
  }
}
