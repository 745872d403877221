import { FORMAT_READERS, type QuestionFormat } from './formats/index';

/** What a file's first record says it is: a question format, a passage corpus, or unknown. */
export type DetectedFormat = QuestionFormat | 'corpus';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The format of a record, judged by its keys (FORMAT_READERS order: the most specific keys
 * first); undefined when no format fits.
 */
export function detectFormat(record: unknown): DetectedFormat | undefined {
  if (!isRecord(record)) return undefined;
  for (const reader of Object.values(FORMAT_READERS)) if (reader.looksLike(record)) return reader.format;
  if ('id' in record && 'title' in record && 'text' in record) return 'corpus';
  return undefined;
}
