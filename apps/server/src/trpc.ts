import { initTRPC, TRPCError } from '@trpc/server';
import { ZodError } from 'zod';
import { UserError } from './errors';
import { responseTooLarge } from './http/limits';
import { givenStrings, redactPaths } from './http/redact';
import type { Workbench } from './workbench';

export interface Context {
  wb: Workbench;
  /** The most bytes one call's result may serialise to (MAX_RESPONSE_BYTES when absent). */
  maxResponseBytes?: number | undefined;
}

export const createContext = (wb: Workbench) => (): Context => ({ wb });

const t = initTRPC.context<Context>().create({
  errorFormatter({ shape, error, input }) {
    // Clients never get a stack or the server's absolute paths; the server log keeps both.
    const { stack: _stack, ...data } = shape.data;
    const safe = { ...shape, message: redactPaths(shape.message, givenStrings(input)), data };
    // zod input errors read as one sentence naming the field; the issues stay in data for forms.
    const zod = error.cause instanceof ZodError ? error.cause : null;
    if (!zod) return safe;
    return {
      ...safe,
      message: readableZod(zod),
      data: {
        ...data,
        issues: zod.issues.map((i) => ({ path: i.path.map(String), message: i.message })),
      },
    };
  },
});

function readableZod(error: ZodError): string {
  const issue = error.issues[0]!;
  const field = issue.path.length ? issue.path.map(String).join('.') : '(input)';
  return `field "${field}": ${issue.message}`;
}

/**
 * UserErrors from the store and services reach clients with their code and message as written;
 * input validation errors read as one sentence naming the field (for callers and HTTP alike).
 */
const userErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (result.ok) return result;
  const cause = result.error.cause;
  if (cause instanceof UserError) throw new TRPCError({ code: cause.code, message: cause.message, cause });
  if (cause instanceof ZodError && result.error.code === 'BAD_REQUEST') {
    throw new TRPCError({ code: 'BAD_REQUEST', message: readableZod(cause), cause });
  }
  return result;
});

/** A query's result over the response cap is refused (413) instead of being sent. */
const responseCap = t.middleware(async ({ ctx, next, path, type }) => {
  const result = await next();
  if (!result.ok || type !== 'query') return result;
  const refusal = responseTooLarge(result.data, path, ctx.maxResponseBytes);
  if (refusal) throw new TRPCError({ code: 'PAYLOAD_TOO_LARGE', message: refusal });
  return result;
});

export const router = t.router;
export const procedure = t.procedure.use(userErrors).use(responseCap);
export const createCallerFactory = t.createCallerFactory;
