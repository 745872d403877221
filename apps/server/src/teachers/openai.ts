import type { GenerateRequest, GenerateResult, Generator } from '@steper/core';
import OpenAI from 'openai';
import { z } from 'zod';
import { UserError } from '../errors';
import type { ResolvedEndpoint } from './endpoints';
import { Limiter } from './limiter';
import type { OpenAiTeacherSpec } from './spec';

const Usage = z
  .object({ prompt_tokens: z.number().optional(), completion_tokens: z.number().optional() })
  .nullish();
const ChatResponse = z.object({
  choices: z.array(z.object({ message: z.object({ content: z.string().nullable() }) })).min(1),
  usage: Usage,
});
const CompletionResponse = z.object({
  choices: z.array(z.object({ text: z.string() })).min(1),
  usage: Usage,
});

export interface TokenTotals {
  calls: number;
  promptTokens: number;
  completionTokens: number;
}

/**
 * A teacher (or judge, or large student) behind any OpenAI-compatible server: vLLM, llama.cpp,
 * Ollama, TGI, `transformers serve`, OpenAI. Retries with back-off on 429, 5xx, timeouts and
 * dropped connections are the SDK's own (it honours Retry-After).
 */
export class OpenAiGenerator implements Generator {
  readonly label: string;
  readonly model: string;
  readonly totals: TokenTotals = { calls: 0, promptTokens: 0, completionTokens: 0 };
  private readonly client: OpenAI;
  private readonly limiter: Limiter;

  constructor(
    private readonly spec: OpenAiTeacherSpec,
    private readonly endpoint: ResolvedEndpoint,
  ) {
    this.model = endpoint.model;
    this.label = `openai:${endpoint.model}`;
    this.client = new OpenAI({
      baseURL: endpoint.baseURL,
      apiKey: endpoint.apiKey,
      timeout: spec.timeoutMs,
      maxRetries: spec.maxRetries,
      // Debug logs would carry request bodies; keys stay out of logs whatever OPENAI_LOG says.
      logLevel: 'warn',
    });
    this.limiter = new Limiter(spec.concurrency);
  }

  /** The parameters that, with model and prompt, decide the response: the cache key's content. */
  params(request: Pick<GenerateRequest, 'stop' | 'maxTokens'>): Record<string, unknown> {
    return {
      api: this.spec.api,
      temperature: this.spec.temperature,
      maxTokens: this.spec.maxTokens ?? request.maxTokens,
      stop: [...new Set([...request.stop, ...this.spec.stop])].slice(0, 4),
    };
  }

  async generate(request: GenerateRequest, signal?: AbortSignal): Promise<GenerateResult> {
    const p = this.params(request) as { temperature: number; maxTokens: number; stop: string[] };
    return this.limiter.run(async () => {
      signal?.throwIfAborted();
      const raw = await this.send(request.prompt, p, signal);
      const result = this.read(raw);
      result.text = cutAtStop(result.text, p.stop);
      this.totals.calls += 1;
      this.totals.promptTokens += result.promptTokens ?? 0;
      this.totals.completionTokens += result.completionTokens ?? 0;
      return result;
    });
  }

  /** Whether the server answers at all: GET /models. A 404 still proves it is there. */
  async probe(signal?: AbortSignal): Promise<void> {
    try {
      await this.client.models.list({
        maxRetries: 0,
        timeout: Math.min(this.spec.timeoutMs, 10_000),
        signal,
      });
    } catch (err) {
      if (err instanceof OpenAI.APIConnectionError) throw this.describe(err);
      if (err instanceof OpenAI.AuthenticationError) throw this.describe(err);
    }
  }

  private async send(
    prompt: string,
    p: { temperature: number; maxTokens: number; stop: string[] },
    signal?: AbortSignal,
  ): Promise<unknown> {
    const stop = p.stop.length ? p.stop : undefined;
    try {
      if (this.spec.api === 'chat') {
        return await this.client.chat.completions.create(
          {
            model: this.model,
            messages: [{ role: 'user', content: prompt }],
            temperature: p.temperature,
            max_tokens: p.maxTokens,
            ...(stop ? { stop } : {}),
          },
          { signal },
        );
      }
      return await this.client.completions.create(
        {
          model: this.model,
          prompt,
          temperature: p.temperature,
          max_tokens: p.maxTokens,
          ...(stop ? { stop } : {}),
        },
        { signal },
      );
    } catch (err) {
      if (signal?.aborted) throw signal.reason ?? err;
      throw this.describe(err);
    }
  }

  private read(raw: unknown): GenerateResult {
    if (this.spec.api === 'chat') {
      const r = ChatResponse.safeParse(raw);
      if (!r.success) throw this.garbage(raw, 'choices[0].message.content');
      const u = r.data.usage;
      return { text: r.data.choices[0]!.message.content ?? '', ...tokens(u) };
    }
    const r = CompletionResponse.safeParse(raw);
    if (!r.success) throw this.garbage(raw, 'choices[0].text');
    return { text: r.data.choices[0]!.text, ...tokens(r.data.usage) };
  }

  private garbage(raw: unknown, field: string): Error {
    const shown = (typeof raw === 'string' ? raw : (JSON.stringify(raw) ?? String(raw))).slice(0, 200);
    return new UserError(
      'PRECONDITION_FAILED',
      `Teacher at ${this.endpoint.baseURL} returned a malformed ${this.spec.api} response (no ${field}): ${shown}. ` +
        `Check that it is an OpenAI-compatible server and that api "${this.spec.api}" is the endpoint it serves.`,
    );
  }

  /** Readable errors that never include the key. */
  private describe(err: unknown): Error {
    const where = `Teacher at ${this.endpoint.baseURL} (model ${this.model})`;
    if (err instanceof OpenAI.APIConnectionTimeoutError) {
      return new UserError(
        'PRECONDITION_FAILED',
        `${where} timed out after ${this.spec.timeoutMs} ms (${this.spec.maxRetries} retries). Raise teacher.timeoutMs or check the server load.`,
        { cause: err },
      );
    }
    if (err instanceof OpenAI.APIConnectionError) {
      const cause = errorCode(err) ?? err.message;
      return new UserError(
        'PRECONDITION_FAILED',
        `${where} is unreachable (${cause}). Start the server or fix the teacher's baseURL.`,
        { cause: err },
      );
    }
    if (err instanceof OpenAI.AuthenticationError) {
      return new UserError(
        'PRECONDITION_FAILED',
        `${where} refused the API key (401). Set the key on the server.`,
        {
          cause: err,
        },
      );
    }
    if (err instanceof OpenAI.APIError) {
      return new UserError(
        'PRECONDITION_FAILED',
        `${where} answered ${err.status ?? 'an error'}: ${err.message}`,
        {
          cause: err,
        },
      );
    }
    return err instanceof Error ? err : new Error(String(err));
  }
}

function tokens(u: z.infer<typeof Usage>): Pick<GenerateResult, 'promptTokens' | 'completionTokens'> {
  return {
    ...(u?.prompt_tokens !== undefined ? { promptTokens: u.prompt_tokens } : {}),
    ...(u?.completion_tokens !== undefined ? { completionTokens: u.completion_tokens } : {}),
  };
}

/** The system error code (ECONNREFUSED, ENOTFOUND, …) down a cause chain, else its deepest message. */
function errorCode(err: unknown): string | undefined {
  let deepest: string | undefined;
  for (
    let e = err as { code?: unknown; cause?: unknown; errors?: unknown[]; message?: unknown } | undefined,
      i = 0;
    e && i < 6;
    i++
  ) {
    if (typeof e.code === 'string' && /^E[A-Z]+$/.test(e.code)) return e.code;
    if (typeof e.message === 'string' && e.message) deepest = e.message;
    const inner = Array.isArray(e.errors) && e.errors.length ? e.errors[0] : e.cause;
    e = inner as typeof e;
  }
  return deepest;
}

/**
 * Text up to the first stop string. OpenAI and vLLM leave the stop string out, some servers
 * (transformers serve) keep it: cutting here gives every server the same answer.
 */
export function cutAtStop(text: string, stop: readonly string[]): string {
  let end = text.length;
  for (const s of stop) {
    const i = text.indexOf(s);
    if (i !== -1 && i < end) end = i;
  }
  return text.slice(0, end);
}

/** Whether an error is the request's own — every server would refuse it alike — not the server's. */
export function requestFault(err: unknown): boolean {
  const cause = err instanceof UserError ? err.cause : err;
  return (
    cause instanceof OpenAI.APIError &&
    !(cause instanceof OpenAI.APIConnectionError) &&
    [400, 413, 422].includes(cause.status ?? 0)
  );
}
