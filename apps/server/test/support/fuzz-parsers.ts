import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DatasetParseError,
  DemonstrationFileError,
  defaultDemonstrations,
  parseDemonstrationJson,
  parseStepJsonl,
  type QuestionFormat,
  readPassages,
  readQuestions,
  StepDataParseError,
  type TextSource,
} from '@steper/core';
import fc from 'fast-check';
import { REPO_ROOT } from '../../src/paths';
import { parseTrainerLine } from '../../src/training/events';
import { anyJson, type FuzzTarget, mutatedRecord, type Outcome, violation } from './fuzz';

const FIXTURES = join(REPO_ROOT, 'packages', 'core', 'test', 'fixtures', 'datasets');
const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');
const firstOf = (name: string): unknown =>
  name.endsWith('.jsonl') ? JSON.parse(fixture(name).split('\n')[0]!) : JSON.parse(fixture(name))[0];

/** How a file reaches a parser: one string, or byte chunks cut anywhere (a stream). */
type Delivery = { text: string } | { bytes: Uint8Array; chunk: number };

const source = (d: Delivery): TextSource => {
  if ('text' in d) return d.text;
  const { bytes, chunk } = d;
  return Array.from({ length: Math.ceil(bytes.length / chunk) }, (_, i) =>
    bytes.subarray(i * chunk, (i + 1) * chunk),
  );
};

const encode = (text: string) => new TextEncoder().encode(text);

/** Text a file could hold: random text, random bytes, random JSON, or a valid record with one field broken. */
function fileInputs(record: unknown, jsonl: boolean) {
  const serialise = (values: unknown[]) =>
    jsonl ? values.map((v) => JSON.stringify(v)).join('\n') : JSON.stringify(values);
  const mutated = fc
    .tuple(mutatedRecord(record), fc.boolean())
    .map(([m, twice]) => ({ text: serialise(twice ? [record, m.value] : [m.value]), targeted: true }));
  const garbage = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 400 }),
    anyJson.map((v) => JSON.stringify(v) ?? ''),
    fc.array(anyJson, { maxLength: 4 }).map(serialise),
  );
  const text = fc.oneof(
    { weight: 3, arbitrary: mutated },
    { weight: 2, arbitrary: garbage.map((t) => ({ text: t, targeted: false })) },
  );
  const delivered = fc.oneof(
    text.map((t) => ({ ...t, delivery: { text: t.text } as Delivery })),
    fc
      .tuple(text, fc.integer({ min: 1, max: 64 }), fc.uint8Array({ maxLength: 8 }), fc.nat())
      // Random bytes spliced into a real file: broken UTF-8, cut characters, stray NULs.
      .map(([t, chunk, noise, at]) => {
        const bytes = encode(t.text);
        const cut = at % (bytes.length + 1);
        const spliced = new Uint8Array([...bytes.subarray(0, cut), ...noise, ...bytes.subarray(cut)]);
        return { ...t, targeted: t.targeted && noise.length === 0, delivery: { bytes: spliced, chunk } };
      }),
  );
  return delivered;
}

/** A refusal must be the parser's own error, and a record-shaped one must name its field. */
function checkRefusal(err: unknown, targeted: boolean, label: string): void {
  if (!(err instanceof DatasetParseError)) {
    violation(`threw ${err instanceof Error ? err.name : typeof err} instead of DatasetParseError: ${err}`);
  }
  if (!err.message.startsWith(label) && !err.message.startsWith('Question file')) {
    violation(`message does not say what was read: ${err.message}`);
  }
  if (err.line === undefined && err.index === undefined) violation(`no line or record: ${err.message}`);
  if (err.field !== undefined && !err.message.includes(`field "${err.field}"`)) {
    violation(`field ${err.field} not in the message: ${err.message}`);
  }
  // Well-formed JSON with one field broken: the error is about a field and says which.
  if (targeted && err.field === undefined) violation(`no field named: ${err.message}`);
}

function questionTarget(format: QuestionFormat, file: string, label: string): FuzzTarget {
  const record = firstOf(file);
  return {
    name: `questions: ${label}`,
    arbitrary: fc.tuple(fileInputs(record, file.endsWith('.jsonl')), fc.boolean()),
    async check(input): Promise<Outcome> {
      const [{ delivery, targeted }, auto] = input as [{ delivery: Delivery; targeted: boolean }, boolean];
      try {
        await readQuestions(source(delivery), { format: auto ? 'auto' : format });
        return 'accepted';
      } catch (err) {
        // Auto-detection may fail to recognise a broken first record: that error names no field.
        checkRefusal(err, targeted && !auto, auto ? '' : label);
        return 'refused';
      }
    },
  };
}

const corpusTarget: FuzzTarget = {
  name: 'corpus JSONL',
  arbitrary: fileInputs(firstOf('corpus.jsonl'), true),
  async check(input): Promise<Outcome> {
    const { delivery, targeted } = input as { delivery: Delivery; targeted: boolean };
    try {
      await readPassages(source(delivery));
      return 'accepted';
    } catch (err) {
      checkRefusal(err, targeted, 'Corpus');
      return 'refused';
    }
  },
};

const STEP_EXAMPLE = {
  id: 'q1:init:1',
  questionId: 'q1',
  stage: 'init',
  step: 1,
  loop: 'ircot',
  prompt: 'Q: Who directed Blue Harbor?\nA:',
  target: ' Blue Harbor was directed by Ada Reyes.',
  knownPrefix: '',
  passageIds: ['p1'],
};

const stepDataTarget: FuzzTarget = {
  name: 'step-data JSONL',
  arbitrary: fc.oneof(
    mutatedRecord(STEP_EXAMPLE).map((m) => ({
      text: `${JSON.stringify(STEP_EXAMPLE)}\n${JSON.stringify(m.value)}\n`,
      targeted: true,
    })),
    fc.string({ unit: 'binary', maxLength: 300 }).map((text) => ({ text, targeted: false })),
  ),
  check(input): Outcome {
    const { text, targeted } = input as { text: string; targeted: boolean };
    try {
      parseStepJsonl(text);
      return 'accepted';
    } catch (err) {
      if (!(err instanceof StepDataParseError)) violation(`threw ${err} instead of StepDataParseError`);
      if (targeted && !err.field) violation(`no field named: ${err.message}`);
      if (err.field && !err.message.includes(`field "${err.field}"`))
        violation(`field not in: ${err.message}`);
      return 'refused';
    }
  },
};

function demonstrationTarget(loop: 'ircot' | 'self-ask'): FuzzTarget {
  const file = defaultDemonstrations(loop);
  // Two demonstrations are plenty of structure to break, and keep each case fast.
  const small = { ...file, demonstrations: file.demonstrations.slice(0, 2) };
  return {
    name: `demonstration file: ${loop}`,
    arbitrary: fc.oneof(
      mutatedRecord(small).map((m) => ({ text: JSON.stringify(m.value), targeted: true })),
      fc.string({ unit: 'binary', maxLength: 300 }).map((text) => ({ text, targeted: false })),
    ),
    check(input): Outcome {
      const { text, targeted } = input as { text: string; targeted: boolean };
      try {
        parseDemonstrationJson(text, 'demos.json');
        return 'accepted';
      } catch (err) {
        if (!(err instanceof DemonstrationFileError))
          violation(`threw ${err} instead of DemonstrationFileError`);
        if (targeted && !err.field) violation(`no field named: ${err.message}`);
        if (err.field && !err.message.includes(`field "${err.field}"`))
          violation(`field not in: ${err.message}`);
        if (
          !targeted &&
          text.length > 0 &&
          err.message.includes(text.slice(0, 20)) &&
          text.trim().length > 8
        ) {
          violation(`the error quotes the file: ${err.message}`);
        }
        return 'refused';
      }
    },
  };
}

const STEP_EVENT = {
  event: 'step',
  time: 1_700_000_000,
  step: 3,
  epoch: 0.5,
  loss: 1.25,
  stageLoss: { init: 1, exp: null, agg: 2 },
  sigma: { init: null, exp: null, agg: null },
  sigmaNorm: { init: null, exp: null, agg: null },
  lr: 0.0001,
  tokensPerSec: 120,
};

const trainerEventTarget: FuzzTarget = {
  name: 'trainer stdout events',
  arbitrary: fc.oneof(
    mutatedRecord(STEP_EVENT).map((m) => JSON.stringify(m.value)),
    fc.string({ unit: 'binary', maxLength: 200 }),
    anyJson.map((v) => JSON.stringify(v) ?? ''),
  ),
  check(input): Outcome {
    // Never throws: a bad line is kept as log text, with the problem naming the field.
    const parsed = parseTrainerLine(input as string);
    if (parsed.kind === 'log' && parsed.problem && !/field "[^"]+"/.test(parsed.problem)) {
      violation(`problem names no field: ${parsed.problem}`);
    }
    return parsed.kind === 'event' ? 'accepted' : 'refused';
  },
};

export const parserTargets: FuzzTarget[] = [
  questionTarget('hotpotqa', 'hotpotqa.json', 'HotpotQA'),
  questionTarget('2wikimultihopqa', '2wikimultihopqa.json', '2WikiMultihopQA'),
  questionTarget('musique', 'musique.jsonl', 'MuSiQue'),
  questionTarget('ircot', 'ircot.jsonl', 'IRCoT processed'),
  corpusTarget,
  stepDataTarget,
  demonstrationTarget('ircot'),
  demonstrationTarget('self-ask'),
  trainerEventTarget,
];
