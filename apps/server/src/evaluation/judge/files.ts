import { appendFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { UserError } from '../../errors';
import { writeFileAtomicSync } from '../../store/blobs';
import type { Store } from '../../store/store';
import { type JudgementConfig, JudgementConfigSchema } from './config';

/**
 * A judgement lives in the workspace beside the database, one folder per judgement:
 * judgements/<evaluationId>/<judgementId>/ with config.json (what was asked), job.json (the job
 * running it), verdicts.jsonl (one line per question, appended as each verdict lands, so a
 * resumed job goes on where it stopped) and summary.json (scores with CIs, once done).
 */
export const judgementDir = (evaluationId: string, judgementId: string) =>
  join('judgements', evaluationId, judgementId);

const Score = z.union([z.literal(0), z.literal(1)]);

export const VerdictLineSchema = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('judged'),
    questionId: z.string(),
    judge: z.string(),
    raw: z.string(),
    stages: z.object({ initialization: Score, expansion: Score.nullable(), aggregation: Score }).optional(),
    /** Rationale criteria: each sub-question answerable from the rationale, in order. */
    answered: z.array(z.boolean()).optional(),
    /** The question was answered correctly (for RI). */
    correct: z.boolean(),
  }),
  /** The judge's output held no valid verdict: counted and reported, never scored. */
  z.object({ status: z.literal('unparseable'), questionId: z.string(), raw: z.string(), error: z.string() }),
  z.object({ status: z.literal('skipped'), questionId: z.string(), reason: z.string() }),
]);
export type VerdictLine = z.infer<typeof VerdictLineSchema>;

export function writeJudgementConfig(store: Store, config: JudgementConfig): void {
  const dir = judgementDir(config.evaluationId, config.judgementId);
  writeFileAtomicSync(store.path(join(dir, 'config.json')), `${JSON.stringify(config, null, 2)}\n`);
}

export function readJudgementConfig(
  store: Store,
  evaluationId: string,
  judgementId: string,
): JudgementConfig {
  const path = store.path(join(judgementDir(evaluationId, judgementId), 'config.json'));
  if (!existsSync(path)) {
    throw new UserError(
      'NOT_FOUND',
      `Unknown judgement "${judgementId}" of evaluation "${evaluationId}" (${path} is missing). List them with evaluations.judgements.`,
    );
  }
  const parsed = JudgementConfigSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`${path}: field "${issue.path.join('.')}": ${issue.message}. Start the judgement again.`);
  }
  return parsed.data;
}

export function setJudgementJob(
  store: Store,
  evaluationId: string,
  judgementId: string,
  jobId: string,
): void {
  writeFileAtomicSync(
    store.path(join(judgementDir(evaluationId, judgementId), 'job.json')),
    `${JSON.stringify({ jobId })}\n`,
  );
}

export function judgementJobId(store: Store, evaluationId: string, judgementId: string): string | null {
  const path = store.path(join(judgementDir(evaluationId, judgementId), 'job.json'));
  if (!existsSync(path)) return null;
  const parsed = z.object({ jobId: z.string() }).safeParse(JSON.parse(readFileSync(path, 'utf8')));
  return parsed.success ? parsed.data.jobId : null;
}

/**
 * The verdicts recorded so far. A last line without its newline is one being written, or one cut
 * short by a kill: readers skip it, and the job (`repair`, before it appends again) drops it from
 * the file, so its question is judged again — from the response cache. Any other bad line is an
 * error naming it.
 */
export function readVerdicts(
  store: Store,
  evaluationId: string,
  judgementId: string,
  opts: { repair?: boolean } = {},
): VerdictLine[] {
  const path = store.path(join(judgementDir(evaluationId, judgementId), 'verdicts.jsonl'));
  if (!existsSync(path)) return [];
  const text = readFileSync(path, 'utf8');
  const lines = text.split('\n');
  const out: VerdictLine[] = [];
  for (const [i, line] of lines.entries()) {
    if (!line.trim()) continue;
    let parsed: ReturnType<typeof VerdictLineSchema.safeParse> | null = null;
    try {
      parsed = VerdictLineSchema.safeParse(JSON.parse(line));
    } catch {
      parsed = null;
    }
    const lastUnterminated = i === lines.length - 1 && !text.endsWith('\n');
    if (parsed?.success) {
      out.push(parsed.data);
      // Whole but cut just before its newline: end it, so the next line starts on its own.
      if (lastUnterminated && opts.repair) appendFileSync(path, '\n');
      continue;
    }
    if (lastUnterminated) {
      if (opts.repair) {
        writeFileSync(
          path,
          lines
            .slice(0, i)
            .map((l) => `${l}\n`)
            .join(''),
        );
      }
      break;
    }
    throw new Error(
      `${path}:${i + 1}: not a verdict line${parsed ? ` (${parsed.error.issues[0]?.message})` : ' (not JSON)'}. Delete the judgement folder and judge again.`,
    );
  }
  return out;
}

export function appendVerdict(
  store: Store,
  evaluationId: string,
  judgementId: string,
  line: VerdictLine,
): void {
  appendFileSync(
    store.path(join(judgementDir(evaluationId, judgementId), 'verdicts.jsonl')),
    `${JSON.stringify(line)}\n`,
  );
}

export function writeJudgementSummary(
  store: Store,
  evaluationId: string,
  judgementId: string,
  summary: unknown,
): void {
  writeFileAtomicSync(
    store.path(join(judgementDir(evaluationId, judgementId), 'summary.json')),
    `${JSON.stringify(summary, null, 2)}\n`,
  );
}

export function readJudgementSummary(
  store: Store,
  evaluationId: string,
  judgementId: string,
): unknown | null {
  const path = store.path(join(judgementDir(evaluationId, judgementId), 'summary.json'));
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as unknown) : null;
}

/** Judgement ids of an evaluation (folders with a config.json). */
export function judgementIds(store: Store, evaluationId: string): string[] {
  const dir = store.path(join('judgements', evaluationId));
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(dir, d.name, 'config.json')))
    .map((d) => d.name)
    .sort();
}
