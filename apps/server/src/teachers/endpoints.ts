import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { UserError } from '../errors';
import type { OpenAiTeacherSpec } from './spec';

/**
 * The server-side endpoints file (default `<workspace>/endpoints.json`): named OpenAI-compatible
 * endpoints with their keys. It is read on the server only; routers expose names and models,
 * never keys.
 */
const EndpointSchema = z
  .object({
    baseURL: z.url(),
    model: z.string().min(1),
    /** The key itself (keep the file private) … */
    apiKey: z.string().min(1).optional(),
    /** … or the name of an environment variable holding it. */
    apiKeyEnv: z.string().min(1).optional(),
  })
  .strict();

export const EndpointsFileSchema = z.object({ endpoints: z.record(z.string(), EndpointSchema) }).strict();
export type EndpointsFile = z.infer<typeof EndpointsFileSchema>;

export interface ResolvedEndpoint {
  baseURL: string;
  model: string;
  apiKey: string;
}

export interface PublicEndpoint {
  name: string;
  baseURL: string;
  model: string;
  hasKey: boolean;
}

export interface EndpointsOptions {
  /**
   * OPENAI_API_KEY goes only to OPENAI_BASE_URL, never to a baseURL a caller names. Set where
   * clients choose the URL (steper serve); the CLI's user may send their own key anywhere.
   */
  envKeyOnlyToEnvURL?: boolean;
}

const sameURL = (a: string, b: string | undefined): boolean =>
  b !== undefined && a.replace(/\/+$/, '') === b.replace(/\/+$/, '');

export class Endpoints {
  constructor(
    private readonly file: EndpointsFile,
    private readonly env: Record<string, string | undefined>,
    private readonly opts: EndpointsOptions = {},
  ) {}

  static load(
    path: string | undefined,
    env: Record<string, string | undefined> = process.env,
    opts: EndpointsOptions = {},
  ): Endpoints {
    if (!path || !existsSync(path)) return new Endpoints({ endpoints: {} }, env, opts);
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(path, 'utf8'));
    } catch (err) {
      throw new UserError(
        'BAD_REQUEST',
        `Endpoints file ${path} is not valid JSON: ${(err as Error).message}`,
      );
    }
    const parsed = EndpointsFileSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new UserError(
        'BAD_REQUEST',
        `Endpoints file ${path}: ${issue.path.join('.') || '(root)'}: ${issue.message}. Expected {"endpoints": {"name": {"baseURL", "model", "apiKeyEnv"}}}.`,
      );
    }
    return new Endpoints(parsed.data, env, opts);
  }

  list(): PublicEndpoint[] {
    return Object.entries(this.file.endpoints).map(([name, e]) => ({
      name,
      baseURL: e.baseURL,
      model: e.model,
      hasKey: Boolean(e.apiKey ?? (e.apiKeyEnv ? this.env[e.apiKeyEnv] : undefined)),
    }));
  }

  /**
   * baseURL, model and key for a teacher spec: a named endpoint (its own URL, its key), or the
   * spec's URL with OPENAI_API_KEY (on a server, only when that URL is OPENAI_BASE_URL).
   */
  resolve(spec: OpenAiTeacherSpec): ResolvedEndpoint {
    if (spec.endpoint && spec.baseURL) {
      // Callers that skip the spec schema still never send an endpoint's key elsewhere.
      throw new UserError(
        'BAD_REQUEST',
        `field "baseURL": give either endpoint "${spec.endpoint}" or a baseURL, not both — an endpoint's key is only sent to its own URL.`,
      );
    }
    if (spec.endpoint) {
      const e = this.file.endpoints[spec.endpoint];
      if (!e) {
        const names = Object.keys(this.file.endpoints);
        throw new UserError(
          'NOT_FOUND',
          `Unknown teacher endpoint "${spec.endpoint}". Known: ${names.length ? names.join(', ') : 'none (add one to the endpoints file)'}.`,
        );
      }
      const apiKey = e.apiKey ?? (e.apiKeyEnv ? this.env[e.apiKeyEnv] : undefined);
      if (e.apiKeyEnv && !apiKey) {
        throw new UserError(
          'PRECONDITION_FAILED',
          `Endpoint "${spec.endpoint}" reads its key from $${e.apiKeyEnv}, which is not set.`,
        );
      }
      return { baseURL: e.baseURL, model: spec.model ?? e.model, apiKey: apiKey ?? 'none' };
    }
    const baseURL = spec.baseURL ?? this.env.OPENAI_BASE_URL;
    if (!baseURL) {
      throw new UserError(
        'BAD_REQUEST',
        'teacher.baseURL is missing: give a baseURL, a named endpoint, or set OPENAI_BASE_URL.',
      );
    }
    if (!spec.model)
      throw new UserError('BAD_REQUEST', 'teacher.model is missing: name the model the endpoint serves.');
    // Local servers (vLLM, llama.cpp, transformers serve) accept any key.
    const keyFits = !this.opts.envKeyOnlyToEnvURL || sameURL(baseURL, this.env.OPENAI_BASE_URL);
    return { baseURL, model: spec.model, apiKey: (keyFits && this.env.OPENAI_API_KEY) || 'none' };
  }
}
