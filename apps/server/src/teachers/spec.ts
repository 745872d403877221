import { z } from 'zod';

/**
 * Which teacher a run uses. This is what the browser sees and what is recorded with a run:
 * it never holds an API key — keys come from the environment or the server's endpoints file.
 */
export const EvidenceTeacherSpecSchema = z.object({ kind: z.literal('evidence') });

const ENDPOINT_OR_URL =
  "give either endpoint or baseURL, not both: a named endpoint's key is only sent to its own URL";

/** One server of a replicated teacher: a named endpoint or a URL, with its own concurrency. */
export const ReplicaSpecSchema = z
  .object({
    endpoint: z.string().min(1).optional(),
    baseURL: z.url().optional(),
    /** Requests in flight at once on this server; the teacher's concurrency when absent. */
    concurrency: z.number().int().min(1).max(256).optional(),
  })
  .strict()
  .refine((r) => Boolean(r.endpoint) !== Boolean(r.baseURL), {
    message: 'give a replica either endpoint or baseURL (exactly one)',
  });

export const OpenAiTeacherSpecSchema = z
  .object({
    kind: z.literal('openai'),
    /** Name of an endpoint in the server's endpoints file; its baseURL, model and key are used. */
    endpoint: z.string().min(1).optional(),
    /** Or an explicit base URL, e.g. http://127.0.0.1:8000/v1 (OPENAI_API_KEY sent by the CLI; by a server only to OPENAI_BASE_URL). */
    baseURL: z.url().optional(),
    model: z.string().min(1).optional(),
    /** Chat completions (messages) or the legacy completions endpoint (raw prompt). */
    api: z.enum(['chat', 'completions']).default('chat'),
    temperature: z.number().min(0).max(2).default(0),
    /** Cap on new tokens; the loop's own maxTokens is used when absent. */
    maxTokens: z.number().int().positive().optional(),
    /** Extra stop strings, added to the loop's. */
    stop: z.array(z.string().min(1)).max(4).default([]),
    /** Requests in flight at once. */
    concurrency: z.number().int().min(1).max(256).default(8),
    timeoutMs: z.number().int().positive().default(60_000),
    /** Retries with exponential back-off on 429, 5xx, timeouts and dropped connections. */
    maxRetries: z.number().int().min(0).max(10).default(4),
    /**
     * Two or more servers of the same model (vLLM replicas): requests are spread over them and a
     * server that fails hands its work to the others. Takes the place of endpoint/baseURL.
     */
    replicas: z.array(ReplicaSpecSchema).min(2).max(16).optional(),
  })
  // The endpoint's key goes with its configured URL only; an override would send it anywhere.
  .refine((s) => !(s.endpoint && s.baseURL), { message: ENDPOINT_OR_URL, path: ['baseURL'] })
  .refine((s) => !(s.replicas && (s.endpoint || s.baseURL)), {
    message: 'give either replicas or a single endpoint/baseURL, not both',
    path: ['replicas'],
  });

export const TeacherSpecSchema = z.discriminatedUnion('kind', [
  EvidenceTeacherSpecSchema,
  OpenAiTeacherSpecSchema,
]);
export type TeacherSpec = z.infer<typeof TeacherSpecSchema>;
export type TeacherSpecInput = z.input<typeof TeacherSpecSchema>;
export type OpenAiTeacherSpec = z.infer<typeof OpenAiTeacherSpecSchema>;
