import { z } from 'zod';
import { UserError } from './errors';

/**
 * A token that guards a non-loopback server: long enough not to guess, no blanks (clients trim
 * the bearer header, so a padded token could never match). STEPER_TOKEN and --token alike.
 */
export const TokenSchema = z
  .string()
  .regex(/^\S{16,}$/, 'must be at least 16 characters, none of them blank');

/** The token, or a UserError naming where it came from (`--token`, `STEPER_TOKEN`). */
export function checkToken(token: string, source: string): string {
  const parsed = TokenSchema.safeParse(token);
  if (!parsed.success) throw new UserError('BAD_REQUEST', `${source}: ${parsed.error.issues[0]!.message}.`);
  return parsed.data;
}

/** The server's environment, validated once at start-up; a bad value stops it with the variable named. */
export const EnvSchema = z.object({
  STEPER_WORKSPACE: z.string().min(1).default('workspace'),
  STEPER_HOST: z.string().min(1).default('127.0.0.1'),
  STEPER_PORT: z.coerce.number().int().min(0).max(65535).default(4317),
  /** Required when binding to anything but loopback; clients send it as a bearer token. */
  STEPER_TOKEN: TokenSchema.optional(),
  /** Server-side endpoints file with teacher URLs and keys; `<workspace>/endpoints.json` by default. */
  STEPER_ENDPOINTS: z.string().min(1).optional(),
  STEPER_JOB_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
  /** The built web app to serve; apps/web/dist by default. */
  STEPER_WEB_DIST: z.string().min(1).optional(),
  /** The trainer's argv prefix as a JSON array, e.g. ["python", "-m", "steper_trainer"]. */
  STEPER_TRAINER: z
    .string()
    .transform((s, ctx) => {
      try {
        return z.array(z.string().min(1)).min(1).parse(JSON.parse(s));
      } catch {
        ctx.addIssue({
          code: 'custom',
          message: 'must be a JSON array of strings, e.g. ["python","-m","steper_trainer"]',
        });
        return z.NEVER;
      }
    })
    .optional(),
  OPENAI_BASE_URL: z.url().optional(),
  OPENAI_API_KEY: z.string().optional(),
});
export type Env = z.infer<typeof EnvSchema>;

export function parseEnv(env: Record<string, string | undefined> = process.env): Env {
  // Empty variables count as unset, as shells often leave them.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = EnvSchema.safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UserError('BAD_REQUEST', `Environment variable ${issue.path.join('.')}: ${issue.message}.`);
  }
  return parsed.data;
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
