/**
 * What one request may ask of the server. Without these a single 13 KB GET (150 batched list calls
 * of 500 traces each) grew the process past 4 GB and killed it.
 */

/** Calls in one batched request; the web client batches at most this many (httpBatchLink maxItems). */
export const MAX_BATCH_CALLS = 20;

/** Serialised result of one call; larger results are refused, so ask for a smaller page. */
export const MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

/** The refusal of a batch with too many calls, or null. Checked before any call runs. */
export function batchTooLarge(url: URL, max = MAX_BATCH_CALLS): string | null {
  if (url.searchParams.get('batch') !== '1') return null;
  const calls = url.pathname.replace(/^\/trpc\/?/, '').split(',').length;
  if (calls <= max) return null;
  return `A batched request may hold at most ${max} calls; this one has ${calls}. Send the calls in smaller batches (httpBatchLink maxItems: ${max}).`;
}

/** The refusal of a result too large to send, naming what to change, or null. */
export function responseTooLarge(data: unknown, path: string, max = MAX_RESPONSE_BYTES): string | null {
  if (data === undefined) return null;
  const bytes = Buffer.byteLength(JSON.stringify(data) ?? '');
  if (bytes <= max) return null;
  return `The result of ${path} would be ${size(bytes)}, over the ${size(max)} a response may carry: ask for fewer items (a smaller "limit") or narrow the filters.`;
}

const size = (n: number): string =>
  n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(n / 1024)} KB`;
