import { TRPCClientError } from '@trpc/client';

/** What a failed call means for the person looking at the screen. */
export type ErrorKind = 'not-available' | 'conflict' | 'not-found' | 'bad-input' | 'offline' | 'server';

const codeOf = (error: unknown): string | undefined =>
  error instanceof TRPCClientError ? (error.data as { code?: string } | undefined)?.code : undefined;

export function errorKind(error: unknown): ErrorKind {
  const code = codeOf(error);
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'NOT_FOUND' && /no procedure found/i.test(message)) return 'not-available';
  if (code === 'CONFLICT') return 'conflict';
  if (code === 'NOT_FOUND') return 'not-found';
  if (code === 'BAD_REQUEST' || code === 'PRECONDITION_FAILED' || code === 'PARSE_ERROR') return 'bad-input';
  if (error instanceof TRPCClientError && !code) return 'offline';
  if (error instanceof TypeError && /fetch/i.test(message)) return 'offline';
  return 'server';
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/** Only network trouble and server faults are worth retrying; a bad input stays bad. */
export function isRetryable(error: unknown): boolean {
  const kind = errorKind(error);
  return kind === 'offline' || kind === 'server';
}
