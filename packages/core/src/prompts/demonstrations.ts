import { z } from 'zod';
import { jsonSyntaxProblem } from '../datasets/errors';
import type { LoopName } from '../types/trace';
import ircotSynthetic from './demos/ircot-synthetic.json';
import selfAskSynthetic from './demos/self-ask-synthetic.json';
import { selfAskUnits } from './self-ask';

/**
 * Few-shot demonstrations are data (DESIGN.md §2): a JSON file per prompt format, edited in the
 * UI, recorded with every run. IRCoT demonstrations also serve the single-step and no-retrieval
 * baselines (the latter render them without passages).
 */
const DemoPassageSchema = z.object({
  title: z.string().min(1),
  text: z.string().min(1),
});

const IrcotDemoSchema = z.object({
  question: z.string().min(1),
  passages: z.array(DemoPassageSchema),
  /** The chain, one reasoning sentence per entry, without the answer flag. */
  reasoning: z.array(z.string().min(1)),
  answer: z.string().min(1),
});

const SelfAskDemoSchema = z.object({
  question: z.string().min(1),
  passages: z.array(DemoPassageSchema),
  /** In order; empty when the question needs no follow-up ("No."). */
  followUps: z.array(z.object({ question: z.string().min(1), answer: z.string().min(1) })),
  answer: z.string().min(1),
});

const common = {
  name: z.string().min(1),
  description: z.string().optional(),
  /** Replaces the format's instruction header (Self-Ask's; IRCoT has none by default). */
  instruction: z.string().optional(),
  /** Replaces the line that asks the teacher to conclude at the aggregation step. */
  aggregationInstruction: z.string().optional(),
};

export const DemonstrationFileSchema = z.discriminatedUnion('format', [
  z.object({ format: z.literal('ircot'), ...common, demonstrations: z.array(IrcotDemoSchema) }),
  z.object({ format: z.literal('self-ask'), ...common, demonstrations: z.array(SelfAskDemoSchema) }),
]);
export type DemonstrationFile = z.infer<typeof DemonstrationFileSchema>;
export type PromptFormat = DemonstrationFile['format'];

/** A demonstration reduced to what rendering needs: the chain in the loop's own units. */
export interface Demonstration {
  question: string;
  passages: { title: string; text: string }[];
  chain: string[];
  answer: string;
}

export function promptFormatOf(loop: LoopName): PromptFormat {
  return loop === 'self-ask' ? 'self-ask' : 'ircot';
}

/** A demonstration file that cannot be used: the message names the field (or says it is not JSON). */
export class DemonstrationFileError extends Error {
  override readonly name = 'DemonstrationFileError';

  constructor(
    message: string,
    readonly field: string | null,
  ) {
    super(message);
  }
}

/** Parses a demonstration file, naming the first bad field and how to fix it. */
export function parseDemonstrationFile(input: unknown, source = 'demonstration file'): DemonstrationFile {
  const result = DemonstrationFileSchema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue && issue.path.length > 0 ? issue.path.map(String).join('.') : '(root)';
  throw new DemonstrationFileError(
    `${source}: field "${path}": ${issue?.message ?? 'invalid'}. A demonstration file is ` +
      '{"format": "ircot" | "self-ask", "name", "demonstrations": [...]}; IRCoT demonstrations ' +
      'have {question, passages: [{title, text}], reasoning: [sentences], answer}, Self-Ask ones ' +
      '{question, passages, followUps: [{question, answer}], answer}.',
    path,
  );
}

/** Parses the text of a demonstration file (JSON). */
export function parseDemonstrationJson(text: string, source = 'demonstration file'): DemonstrationFile {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    // V8's message quotes the text: say where instead, never what the file holds.
    throw new DemonstrationFileError(`${source}: ${jsonSyntaxProblem(error)}.`, null);
  }
  return parseDemonstrationFile(data, source);
}

export function demonstrationsOf(file: DemonstrationFile): Demonstration[] {
  if (file.format === 'ircot') {
    return file.demonstrations.map((d) => ({
      question: d.question,
      passages: d.passages,
      chain: d.reasoning,
      answer: d.answer,
    }));
  }
  return file.demonstrations.map((d) => ({
    question: d.question,
    passages: d.passages,
    chain: selfAskUnits(d.followUps),
    answer: d.answer,
  }));
}

const DEFAULTS: Record<PromptFormat, DemonstrationFile> = {
  ircot: parseDemonstrationFile(ircotSynthetic, 'demos/ircot-synthetic.json'),
  'self-ask': parseDemonstrationFile(selfAskSynthetic, 'demos/self-ask-synthetic.json'),
};

/** The built-in demonstrations for the synthetic world, in the loop's format. */
export function defaultDemonstrations(loop: LoopName): DemonstrationFile {
  return DEFAULTS[promptFormatOf(loop)];
}

/** Fails early when a file of one format is given to a loop of the other. */
export function checkDemonstrationFormat(loop: LoopName, file: DemonstrationFile): void {
  const want = promptFormatOf(loop);
  if (file.format !== want) {
    throw new Error(
      `demonstrations "${file.name}" are in the ${file.format} format but the ${loop} loop needs ${want} ones: load a "${want}" demonstration file.`,
    );
  }
}
