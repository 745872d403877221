import { z } from 'zod';
import { formatPath } from '../../datasets/errors';
import rationaleJudgeJson from '../judge-prompts/rationale-judge.json';
import stageJudgeJson from '../judge-prompts/stage-judge.json';

/**
 * Judge prompts are data (judge-prompts/*.json), like the few-shot demonstrations: a template
 * with {{placeholders}} plus the small formats it is filled with. Each file records where its
 * text came from — `provenance.status` says whether it is the paper's text or a reconstruction.
 */
const ProvenanceSchema = z.object({
  status: z.enum(['verbatim', 'reconstructed']),
  source: z.string().min(1),
  note: z.string().optional(),
});

const common = {
  name: z.string().min(1),
  description: z.string().optional(),
  provenance: ProvenanceSchema,
  /** Lines of the prompt, joined with "\n". */
  template: z.array(z.string()).min(1),
};

export const StageJudgeTemplateSchema = z.object({
  ...common,
  parts: z.object({
    /** One reasoning step: {{step}}, {{stage}} (a stage name), {{text}}. */
    stepLine: z.string().min(1),
    /** Between gold answer aliases. */
    answerSeparator: z.string(),
    /** Put before the second and later lines of a multi-line step (Self-Ask units). */
    continuationIndent: z.string(),
    stageNames: z.object({ init: z.string().min(1), exp: z.string().min(1), agg: z.string().min(1) }),
  }),
});
export type StageJudgeTemplate = z.infer<typeof StageJudgeTemplateSchema>;

export const RationaleJudgeTemplateSchema = z.object({
  ...common,
  parts: z.object({
    /** One sub-question: {{index}} (1-based), {{question}}, {{answer}} (the reference answer). */
    subQuestionLine: z.string().min(1),
    /** One line of the answer format the judge must follow: {{index}}. */
    answerLine: z.string().min(1),
    continuationIndent: z.string(),
  }),
});
export type RationaleJudgeTemplate = z.infer<typeof RationaleJudgeTemplateSchema>;

function parseTemplate<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue ? formatPath(issue.path) || '(file)' : '(file)';
  throw new Error(
    `${what}: field "${field}": ${issue?.message ?? 'invalid'}. Compare the file with packages/core/src/evaluation/judge-prompts/ and keep its fields.`,
  );
}

/** A stage-judge template read from a file (validated). */
export function parseStageJudgeTemplate(value: unknown): StageJudgeTemplate {
  return parseTemplate(StageJudgeTemplateSchema, value, 'Stage judge template');
}

/** A rationale-judge template read from a file (validated). */
export function parseRationaleJudgeTemplate(value: unknown): RationaleJudgeTemplate {
  return parseTemplate(RationaleJudgeTemplateSchema, value, 'Rationale judge template');
}

/** The bundled templates (see each file's provenance: both are reconstructions). */
export const STAGE_JUDGE_TEMPLATE = parseStageJudgeTemplate(stageJudgeJson);
export const RATIONALE_JUDGE_TEMPLATE = parseRationaleJudgeTemplate(rationaleJudgeJson);

const PLACEHOLDER = /\{\{(\w+)\}\}/g;

/**
 * Fills {{name}} placeholders in one pass (a value that itself contains "{{x}}" is left as
 * written). A placeholder without a value is an error naming it: a silently empty prompt
 * section would corrupt every judgement.
 */
export function fillPlaceholders(
  text: string,
  values: Readonly<Record<string, string | number>>,
  what: string,
): string {
  return text.replace(PLACEHOLDER, (_, name: string) => {
    const value = values[name];
    if (value === undefined) {
      throw new Error(
        `${what}: the template uses {{${name}}}, which has no value (known: ${Object.keys(values).join(', ')}). Fix the placeholder's name in the template.`,
      );
    }
    return String(value);
  });
}
