import type { ZodError } from 'zod';

/**
 * An error the user can act on: its message names the field and the fix. Routers map the code
 * onto a TRPCError; the CLI prints the message alone.
 */
export type UserErrorCode = 'BAD_REQUEST' | 'NOT_FOUND' | 'CONFLICT' | 'PRECONDITION_FAILED';

export class UserError extends Error {
  constructor(
    readonly code: UserErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'UserError';
  }
}

export const notFound = (what: string, id: string, hint = ''): UserError =>
  new UserError('NOT_FOUND', `Unknown ${what} id "${id}".${hint ? ` ${hint}` : ''}`);

export const badRequest = (message: string): UserError => new UserError('BAD_REQUEST', message);

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The first issue of a zod error as one sentence naming the field. */
export function zodToUserError(what: string, error: ZodError): UserError {
  const issue = error.issues[0]!;
  const field = issue.path.length ? issue.path.map(String).join('.') : '(root)';
  return new UserError('BAD_REQUEST', `${what}: field "${field}": ${issue.message}.`);
}
