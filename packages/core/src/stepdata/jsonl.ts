import { type StepExample, StepExampleSchema } from '../types/stepdata';

/** One StepExample per line, newline-terminated: the trainer's input format. */
export function toJsonl(examples: readonly StepExample[]): string {
  return examples.map((e) => `${JSON.stringify(e)}\n`).join('');
}

/** A bad line in a step-data file, with where it is and what is wrong. */
export class StepDataParseError extends Error {
  override readonly name = 'StepDataParseError';

  constructor(
    readonly line: number,
    readonly field: string | null,
    detail: string,
  ) {
    super(
      `step data line ${line}${field ? `, field "${field}"` : ''}: ${detail}. Each line must be one ` +
        'StepExample JSON object {id, questionId, stage, step, loop, prompt, target, knownPrefix, passageIds}.',
    );
  }
}

/** Parses one line (1-based number for errors). */
export function parseStepExampleLine(text: string, line: number): StepExample {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new StepDataParseError(line, null, `not valid JSON (${(error as Error).message})`);
  }
  const result = StepExampleSchema.safeParse(data);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const field = issue.path.length > 0 ? issue.path.map(String).join('.') : null;
    throw new StepDataParseError(line, field, issue.message);
  }
  return result.data;
}

/** Reads a step-data JSONL text; blank lines are skipped, the first bad line throws. */
export function parseStepJsonl(text: string): StepExample[] {
  const out: StepExample[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    if (raw.trim() === '') continue;
    out.push(parseStepExampleLine(raw, i + 1));
  }
  return out;
}

/** Streams a step-data file given line by line (e.g. from a file reader), numbering lines from 1. */
export async function* readStepJsonl(
  lines: AsyncIterable<string> | Iterable<string>,
): AsyncGenerator<StepExample> {
  let line = 0;
  for await (const raw of lines) {
    line++;
    if (raw.trim() === '') continue;
    yield parseStepExampleLine(raw, line);
  }
}
