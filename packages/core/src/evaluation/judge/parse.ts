import type { Score01, StageScores } from './types';

/** A judge's output that does not contain the scores asked for; the message quotes it. */
export class JudgeOutputError extends Error {
  readonly output: string;
  readonly missing: string[];

  constructor(what: string, missing: string[], output: string, expected: string) {
    const shown = output.trim().length > 200 ? `${output.trim().slice(0, 200)}…` : output.trim();
    super(
      `${what}: ${missing.map((m) => `no valid score for ${m}`).join('; ')} in the judge's output ${JSON.stringify(shown)}. Expected ${expected}. Use a judge model that follows the answer format (an instruction-tuned model at temperature 0), or raise its max tokens if the output was cut off.`,
    );
    this.name = 'JudgeOutputError';
    this.output = output;
    this.missing = missing;
  }
}

type Verdict = Score01 | null;

/**
 * Between a label and its value: white space, markdown (** __ # ` |), quotes and separators
 * (: = - – —), and an optional word like "Score". Not "<" or "(", so an echoed "<0 or 1>" or
 * "(0 or 1)" is never read as a score.
 */
const SEP = String.raw`[\s*_#\x60'":=|\-\u2013\u2014.\]]{0,12}`;
const SCORE_WORD = `(?:(?:score|rating|verdict|answer)${SEP})?`;
const VALUE = String.raw`(1(?:\.0+)?|0(?:\.0+)?|yes|no|true|false|correct|incorrect|not applicable|n\/a|na|none)(?![a-z0-9])`;

function toVerdict(word: string): Verdict | undefined {
  const w = word.toLowerCase();
  if (/^1(\.0+)?$/.test(w) || w === 'yes' || w === 'true' || w === 'correct') return 1;
  if (/^0(\.0+)?$/.test(w) || w === 'no' || w === 'false' || w === 'incorrect') return 0;
  if (w === 'n/a' || w === 'na' || w === 'none' || w === 'not applicable') return null;
  return undefined;
}

function jsonVerdict(value: unknown): Verdict | undefined {
  if (value === null) return null;
  if (value === true || value === 1) return 1;
  if (value === false || value === 0) return 0;
  if (typeof value === 'string') return toVerdict(value.trim());
  return undefined;
}

/** The outermost {...} or [...] of the output, when it parses as JSON. */
function embeddedJson(output: string): unknown {
  for (const [open, close] of [
    ['{', '}'],
    ['[', ']'],
  ] as const) {
    const start = output.indexOf(open);
    const end = output.lastIndexOf(close);
    if (start === -1 || end <= start) continue;
    try {
      return JSON.parse(output.slice(start, end + 1));
    } catch {
      // Not JSON: fall back to reading labelled lines.
    }
  }
  return undefined;
}

/** The last labelled value in the text (judges often restate criteria before answering). */
function lastLabelled(output: string, label: string): Verdict | undefined {
  const pattern = new RegExp(`(?:${label})${SEP}${SCORE_WORD}${VALUE}`, 'gi');
  let found: Verdict | undefined;
  for (const match of output.matchAll(pattern)) {
    const verdict = toVerdict(match[1] as string);
    if (verdict !== undefined) found = verdict;
  }
  return found;
}

const STAGE_LABELS = {
  initialization: String.raw`(?:reasoning\s+)?initiali[sz]ation|\binit\b`,
  expansion: String.raw`(?:reasoning\s+)?expansion|\bexp\b`,
  aggregation: String.raw`(?:reasoning\s+)?aggregation|\bagg\b`,
} as const;
type Criterion = keyof typeof STAGE_LABELS;

const STAGE_FORMAT = '"Initialization: 0|1", "Expansion: 0|1|N/A" and "Aggregation: 0|1", one per line';

function stageKey(key: string): Criterion | undefined {
  const k = key
    .toLowerCase()
    .replace(/[^a-z]/g, '')
    .replace(/^reasoning/, '');
  if (k.startsWith('init')) return 'initialization';
  if (k.startsWith('exp')) return 'expansion';
  if (k.startsWith('agg')) return 'aggregation';
  return undefined;
}

/**
 * The three stage scores from a judge's output: "Initialization: 1" lines in any case, with
 * markdown, yes/no or true/false, or a JSON object with those keys. The last score given for a
 * criterion counts. Expansion may be N/A (null); a missing score, or N/A for initialization or
 * aggregation, is a JudgeOutputError.
 */
export function parseStageJudgeOutput(output: string): StageScores {
  const found: Partial<Record<Criterion, Verdict>> = {};
  const json = embeddedJson(output);
  if (json !== null && typeof json === 'object' && !Array.isArray(json)) {
    for (const [key, value] of Object.entries(json as Record<string, unknown>)) {
      const criterion = stageKey(key);
      const verdict = jsonVerdict(value);
      if (criterion && verdict !== undefined) found[criterion] = verdict;
    }
  }
  for (const criterion of Object.keys(STAGE_LABELS) as Criterion[]) {
    if (found[criterion] !== undefined) continue;
    const verdict = lastLabelled(output, STAGE_LABELS[criterion]);
    if (verdict !== undefined) found[criterion] = verdict;
  }
  const missing: string[] = [];
  const initialization = found.initialization;
  const aggregation = found.aggregation;
  if (initialization === undefined || initialization === null) {
    missing.push(
      initialization === null ? 'Initialization (N/A is allowed for Expansion only)' : 'Initialization',
    );
  }
  if (found.expansion === undefined) missing.push('Expansion');
  if (aggregation === undefined || aggregation === null) {
    missing.push(aggregation === null ? 'Aggregation (N/A is allowed for Expansion only)' : 'Aggregation');
  }
  if (missing.length > 0) throw new JudgeOutputError('Stage judge', missing, output, STAGE_FORMAT);
  return {
    initialization: initialization as Score01,
    expansion: found.expansion as Verdict,
    aggregation: aggregation as Score01,
  };
}

const SUB_VALUE = `(yes|no|not answerable|unanswerable|answerable|true|false|1|0)(?![a-z0-9])`;

function toAnswered(word: string): boolean | undefined {
  const w = word.toLowerCase();
  if (w === 'yes' || w === 'answerable' || w === 'true' || w === '1') return true;
  if (w === 'no' || w === 'not answerable' || w === 'unanswerable' || w === 'false' || w === '0')
    return false;
  return undefined;
}

function jsonAnswered(value: unknown): boolean | undefined {
  if (value === true || value === 1) return true;
  if (value === false || value === 0) return false;
  if (typeof value === 'string') return toAnswered(value.trim());
  return undefined;
}

/**
 * Which of `count` sub-questions the judge found answerable: "Sub-question 1: yes" lines (any
 * case, markdown, yes/no, answerable/not answerable, true/false, 1/0), a JSON object keyed
 * "sub-question 1" …, or a JSON array of answers in order. The last answer given for a
 * sub-question counts; a missing one is a JudgeOutputError.
 */
export function parseRationaleJudgeOutput(output: string, count: number): boolean[] {
  if (!Number.isInteger(count) || count < 1) {
    throw new RangeError(`parseRationaleJudgeOutput: count must be a positive integer (got ${count}).`);
  }
  const found = new Map<number, boolean>();
  const json = embeddedJson(output);
  if (Array.isArray(json)) {
    json.forEach((value, i) => {
      const answered = jsonAnswered(value);
      if (answered !== undefined) found.set(i + 1, answered);
    });
  } else if (json !== null && typeof json === 'object') {
    for (const [key, value] of Object.entries(json as Record<string, unknown>)) {
      const index = /(\d+)\s*$/.exec(key);
      const answered = jsonAnswered(value);
      if (index && answered !== undefined) found.set(Number(index[1]), answered);
    }
  }
  const pattern = new RegExp(
    String.raw`sub[\s\-_]*questions?[\s#_]*(\d+)${SEP}${SCORE_WORD}${SUB_VALUE}`,
    'gi',
  );
  const fromLines = new Map<number, boolean>();
  for (const match of output.matchAll(pattern)) {
    const answered = toAnswered(match[2] as string);
    if (answered !== undefined) fromLines.set(Number(match[1]), answered);
  }
  for (const [index, answered] of fromLines) if (!found.has(index)) found.set(index, answered);
  const missing: string[] = [];
  const answered: boolean[] = [];
  for (let i = 1; i <= count; i++) {
    const value = found.get(i);
    if (value === undefined) missing.push(`Sub-question ${i}`);
    else answered.push(value);
  }
  if (missing.length > 0) {
    const expected = Array.from({ length: count }, (_, i) => `"Sub-question ${i + 1}: yes|no"`).join(', ');
    throw new JudgeOutputError('Rationale judge', missing, output, `${expected}, one per line`);
  }
  return answered;
}
