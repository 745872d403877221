import { type TrainerEvent, TrainerEventSchema } from '@steper/core';

export type ParsedLine =
  | { kind: 'event'; event: TrainerEvent }
  | { kind: 'log'; text: string; problem?: string };

/**
 * One stdout line of the trainer. Lines that are not JSON are its ordinary output (kept in the
 * log); JSON lines claiming to be events must match the shared schema, else they are reported.
 */
export function parseTrainerLine(line: string): ParsedLine {
  const text = line.trim();
  if (!text.startsWith('{')) return { kind: 'log', text: line };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { kind: 'log', text: line };
  }
  const parsed = TrainerEventSchema.safeParse(value);
  if (parsed.success) return { kind: 'event', event: parsed.data };
  const issue = parsed.error.issues[0]!;
  return {
    kind: 'log',
    text: line,
    problem: `invalid trainer event: field "${issue.path.join('.') || '(root)'}": ${issue.message}`,
  };
}
