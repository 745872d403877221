import { describe, expect, it } from 'vitest';
import {
  buildStepDataset,
  type LoopConfigInput,
  parseStepJsonl,
  readStepJsonl,
  renderStudentPrompt,
  runLoop,
  STEP_CONFIGS,
  StepDataParseError,
  StepDatasetManifestSchema,
  stepExamplesOf,
  type Trace,
  toJsonl,
} from '../src';
import { harborQuestion, OverlapRetriever, ScriptedGenerator, WORLD } from './loops-kit';

const R1 = 'Blue Harbor was directed by Ada Reyes.';
const R2 = 'Ada Reyes was born in Velmore.';

async function trace(script: string[], config: LoopConfigInput, id = 'q-harbor'): Promise<Trace> {
  return runLoop(harborQuestion({ id }), {
    retriever: new OverlapRetriever(WORLD),
    generator: new ScriptedGenerator(script),
    config: { topK: 2, ...config },
  });
}

const P_HARBOR = 'Wikipedia Title: Blue Harbor\nBlue Harbor is a 1990 drama film directed by Ada Reyes.';
const P_TOM = 'Wikipedia Title: Tom Li\nTom Li is an actor who starred in Blue Harbor and Red Field.';
const LEAD =
  'Q: Answer the following question by reasoning step-by-step.\nWhere was the director of Blue Harbor born?\nA:';

describe('step-wise examples (paper Eq. 3)', () => {
  it('a trace that ran to t = S: init R_≤1, exp R_≤2, agg R_<3 ‖ flag a', async () => {
    const t = await trace([` ${R1}`, ` ${R2}`, ' So the answer is: Velmore.'], {
      loop: 'ircot',
      maxSteps: 3,
    });
    const ex = stepExamplesOf(t, 'Velmore');
    expect(ex.map((e) => [e.id, e.stage, e.step])).toEqual([
      ['q-harbor:init:1', 'init', 1],
      ['q-harbor:exp:2', 'exp', 2],
      ['q-harbor:agg:3', 'agg', 3],
    ]);
    expect(ex[0]).toMatchObject({
      prompt: `${P_HARBOR}\n\n${P_TOM}\n\n${LEAD}`,
      target: ` ${R1}`,
      knownPrefix: '',
      passageIds: ['p-harbor', 'p-tom'],
      loop: 'ircot',
      questionId: 'q-harbor',
    });
    expect(ex[1]).toMatchObject({
      target: ` ${R1} ${R2}`,
      knownPrefix: ` ${R1}`,
      passageIds: ['p-harbor', 'p-tom', 'p-ada'],
    });
    expect(ex[2]).toMatchObject({
      target: ` ${R1} ${R2} So the answer is: Velmore`,
      knownPrefix: ` ${R1} ${R2}`,
    });
    expect(ex[2]!.passageIds).toEqual(t.steps[2]!.accessibleIds);
    for (const e of ex) {
      expect(e.prompt).toBe(
        renderStudentPrompt(
          'ircot',
          t.question,
          e.passageIds.map((id) => WORLD.find((p) => p.id === id)!),
        ),
      );
      expect((e.prompt + e.target).startsWith(e.prompt + e.knownPrefix)).toBe(true);
    }
  });

  it('an early-stop trace aggregates at the stop step over P_≤t', async () => {
    const t = await trace([` ${R1}`, ` ${R2}`, ' So the answer is: Velmore.', ' So the answer is: Velmore'], {
      loop: 'ircot',
      maxSteps: 5,
    });
    expect(t.earlyStop).toBe(true);
    const ex = stepExamplesOf(t, 'Velmore');
    expect(ex.map((e) => e.stage)).toEqual(['init', 'exp', 'agg']);
    expect(ex[2]).toMatchObject({ step: 3, target: ` ${R1} ${R2} So the answer is: Velmore` });
    expect(ex[2]!.passageIds).toEqual(t.steps[2]!.accessibleIds);
  });

  it('t = 2 gives init and agg; a single-step trace (t = 1) gives agg alone', async () => {
    const two = await trace([` ${R1}`, ' So the answer is: Velmore', ' So the answer is: Velmore'], {
      loop: 'ircot',
    });
    expect(stepExamplesOf(two, 'Velmore').map((e) => [e.stage, e.target])).toEqual([
      ['init', ` ${R1}`],
      ['agg', ` ${R1} So the answer is: Velmore`],
    ]);
    const one = await trace([' A. B. So the answer is: Velmore'], { loop: 'single-step' });
    expect(stepExamplesOf(one, 'Velmore').map((e) => [e.stage, e.step, e.target])).toEqual([
      ['agg', 1, ' So the answer is: Velmore'],
    ]);
  });

  it('Self-Ask targets are the units so far, then the final-answer flag', async () => {
    const U1 = 'Yes.\nFollow up: Who directed Blue Harbor?';
    const U2 = `Intermediate answer: ${R1}\nFollow up: Where was Ada Reyes born?`;
    const t = await trace(
      [` ${U1}`, `\n${U2}`, '\nSo the final answer is: Velmore', '\nSo the final answer is: Velmore'],
      {
        loop: 'self-ask',
      },
    );
    const ex = stepExamplesOf(t, 'Velmore');
    expect(ex.map((e) => e.target)).toEqual([
      ` ${U1}`,
      ` ${U1}\n${U2}`,
      ` ${U1}\n${U2}\nSo the final answer is: Velmore`,
    ]);
    expect(
      ex[0]!.prompt.endsWith(
        'Question: Where was the director of Blue Harbor born?\nAre follow up questions needed here:',
      ),
    ).toBe(true);
  });

  it('refuses a trace whose chain does not fit its aggregation step', async () => {
    const t = await trace([` ${R1}`, ` ${R2}`, ' So the answer is: Velmore'], { loop: 'ircot', maxSteps: 3 });
    expect(() => stepExamplesOf({ ...t, chain: [R1] }, 'Velmore')).toThrow(
      /aggregated at step 3 but keeps 1/,
    );
  });
});

describe('step configurations and the dataset', () => {
  it('the four configurations of §6.1 on a trace with t = 4', async () => {
    const R3 = 'Velmore is a town in Norland.';
    const t = await trace([` ${R1}`, ` ${R2}`, ` ${R3}`, ' So the answer is: Velmore'], {
      loop: 'ircot',
      maxSteps: 4,
    });
    const counts = Object.fromEntries(
      STEP_CONFIGS.map((stepConfig) => {
        const { examples } = buildStepDataset([t], { name: 'x', stepConfig });
        return [stepConfig, examples.map((e) => `${e.stage}${e.step}`)];
      }),
    );
    expect(counts).toEqual({
      agg: ['agg4'],
      'init+agg': ['init1', 'agg4'],
      'init+exp1+agg': ['init1', 'exp2', 'agg4'],
      all: ['init1', 'exp2', 'exp3', 'agg4'],
    });
  });

  it('filters by the rule, trains on the alias that matched, and records it all in the manifest', async () => {
    const base = await trace([` ${R1}`, ` ${R2}`, ' So the answer is: Velmore'], {
      loop: 'ircot',
      maxSteps: 3,
    });
    const traces: Trace[] = [
      { ...base, questionId: 'exact', prediction: 'the Velmore', answers: ['Velmore'] },
      { ...base, questionId: 'alias', prediction: 'velmore town', answers: ['Velmore', 'Velmore Town'] },
      { ...base, questionId: 'contains', prediction: 'Velmore in Norland', answers: ['Velmore'] },
      { ...base, questionId: 'wrong', prediction: 'Dunmore', answers: ['Velmore'] },
      { ...base, questionId: 'failed', error: 'generator timed out' },
    ];
    const em = buildStepDataset(traces, { name: 'harbor', createdAt: '2025-01-01T00:00:00.000Z' });
    expect(em.kept).toEqual(['exact', 'alias']);
    expect(em.dropped.map((d) => d.questionId)).toEqual(['contains', 'wrong', 'failed']);
    expect(em.dropped[2]!.reason).toMatch(/generator timed out/);
    const aliasAgg = em.examples.find((e) => e.id === 'alias:agg:3')!;
    expect(aliasAgg.target.endsWith('So the answer is: Velmore Town')).toBe(true);
    expect(em.manifest).toEqual({
      name: 'harbor',
      createdAt: '2025-01-01T00:00:00.000Z',
      loop: 'ircot',
      generator: 'scripted (test)',
      maxSteps: 3,
      topK: 2,
      filterRule: 'em',
      stepConfig: 'all',
      counts: { traces: 5, kept: 2, examples: { init: 2, exp: 2, agg: 2 } },
    });
    expect(() => StepDatasetManifestSchema.parse(em.manifest)).not.toThrow();

    expect(buildStepDataset(traces, { name: 'h', filterRule: 'acc' }).kept).toEqual([
      'exact',
      'alias',
      'contains',
    ]);
    expect(buildStepDataset(traces, { name: 'h', filterRule: 'f1>=0.8' }).kept).toEqual(['exact', 'alias']);
    const none = buildStepDataset(traces, { name: 'h', filterRule: 'none', stepConfig: 'agg' });
    expect(none.kept).toEqual(['exact', 'alias', 'contains', 'wrong']);
    expect(none.manifest.counts.examples).toEqual({ init: 0, exp: 0, agg: 4 });
    expect(
      none.examples.find((e) => e.questionId === 'wrong')!.target.endsWith('So the answer is: Velmore'),
    ).toBe(true);
  });

  it('refuses mixed or missing traces and unknown rules', async () => {
    const ircot = await trace([` ${R1}`, ' So the answer is: Velmore', ' So the answer is: Velmore'], {
      loop: 'ircot',
    });
    const single = await trace([' So the answer is: Velmore'], { loop: 'single-step' });
    expect(() => buildStepDataset([ircot, single], { name: 'x' })).toThrow(/traces differ in loop/);
    expect(() => buildStepDataset([], { name: 'x' })).toThrow(/no traces/);
    expect(() => buildStepDataset([ircot], { name: 'x', filterRule: 'bleu' as never })).toThrow();
  });
});

describe('JSONL', () => {
  it('round-trips one StepExample per line', async () => {
    const t = await trace([` ${R1}`, ` ${R2}`, ' So the answer is: Velmore'], { loop: 'ircot', maxSteps: 3 });
    const { examples } = buildStepDataset([t], { name: 'x' });
    const text = toJsonl(examples);
    expect(text.split('\n')).toHaveLength(examples.length + 1);
    expect(text.endsWith('\n')).toBe(true);
    expect(parseStepJsonl(text)).toEqual(examples);
    expect(parseStepJsonl(`\n${text}\n\n`)).toEqual(examples);
    expect(toJsonl([])).toBe('');
    const streamed = [];
    for await (const e of readStepJsonl(text.split('\n'))) streamed.push(e);
    expect(streamed).toEqual(examples);
  });

  it('a malformed line names its number and field', async () => {
    const t = await trace([` ${R1}`, ' So the answer is: Velmore', ' So the answer is: Velmore'], {
      loop: 'ircot',
    });
    const [good] = buildStepDataset([t], { name: 'x' }).examples;
    const line = JSON.stringify(good);
    expect(() => parseStepJsonl(`${line}\n{"id": "x",`)).toThrow(/step data line 2: not valid JSON/);
    const noTarget = JSON.stringify({ ...good, target: undefined });
    expect(() => parseStepJsonl(`${line}\n\n${noTarget}`)).toThrow(/step data line 3, field "target"/);
    const badStage = JSON.stringify({ ...good, stage: 'final' });
    try {
      parseStepJsonl(badStage);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(StepDataParseError);
      expect(error).toMatchObject({ line: 1, field: 'stage' });
      expect((error as Error).message).toMatch(/Each line must be one StepExample JSON object/);
    }
    const lines = async function* () {
      yield line;
      yield '[1, 2]';
    };
    await expect(async () => {
      for await (const _ of readStepJsonl(lines())) {
        // consume
      }
    }).rejects.toThrow(/step data line 2: .*expected object, received array/);
  });
});
