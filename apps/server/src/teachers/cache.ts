import { createHash } from 'node:crypto';
import type { GenerateRequest, GenerateResult, Generator } from '@steper/core';
import type { TeacherCacheRepo } from '../store/teacherCache';

/** A generator whose response is decided by model + prompt + parameters, so it can be cached. */
export interface CacheableGenerator extends Generator {
  readonly model: string;
  params(request: Pick<GenerateRequest, 'stop' | 'maxTokens'>): Record<string, unknown>;
}

/** Keys sorted at every level, so equal content hashes equally. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function cacheKey(model: string, prompt: string, params: Record<string, unknown>): string {
  return createHash('sha256').update(canonical({ model, prompt, params })).digest('hex');
}

/**
 * Serves repeated requests from the store and sends each distinct request at most once, even
 * when two questions ask the same thing at the same moment. The response and the call log are
 * written together before the caller sees the text, so a kill after this point never repeats it.
 */
export class CachedGenerator implements Generator {
  readonly label: string;
  hits = 0;
  misses = 0;
  private readonly inFlight = new Map<string, Promise<GenerateResult>>();

  constructor(
    private readonly inner: CacheableGenerator,
    private readonly cache: TeacherCacheRepo,
    /** Teacher run or evaluation the calls are accounted to. */
    private readonly owner: string | null,
  ) {
    this.label = inner.label;
  }

  async generate(request: GenerateRequest, signal?: AbortSignal): Promise<GenerateResult> {
    const params = this.inner.params(request);
    const key = cacheKey(this.inner.model, request.prompt, params);
    const stored = this.cache.lookup(key);
    if (stored) {
      this.hits += 1;
      return { ...stored, cached: true };
    }
    const pending = this.inFlight.get(key);
    if (pending) {
      this.hits += 1;
      return { ...(await pending), cached: true };
    }
    const call = this.call(key, request, params, signal);
    this.inFlight.set(key, call);
    try {
      return await call;
    } finally {
      this.inFlight.delete(key);
    }
  }

  private async call(
    key: string,
    request: GenerateRequest,
    params: Record<string, unknown>,
    signal?: AbortSignal,
  ): Promise<GenerateResult> {
    const t0 = performance.now();
    const base = { key, owner: this.owner, model: this.inner.model };
    // A failed call writes nothing: a teacher that errs or speaks garbage leaves the store as it was.
    const result = await this.inner.generate(request, signal);
    this.misses += 1;
    const response: GenerateResult = { text: result.text };
    if (result.promptTokens !== undefined) response.promptTokens = result.promptTokens;
    if (result.completionTokens !== undefined) response.completionTokens = result.completionTokens;
    this.cache.storeCall(
      key,
      this.inner.model,
      { model: this.inner.model, prompt: request.prompt, params },
      response,
      {
        ...base,
        ok: true,
        ms: performance.now() - t0,
        promptTokens: result.promptTokens,
        completionTokens: result.completionTokens,
      },
    );
    return response;
  }
}
