import { cpSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { EvidenceTeacher, generateSyntheticWorld, runLoop, scoreTraces, type Trace } from '@steper/core';
import { describe, expect, it } from 'vitest';
import { summarizeEvaluation } from '../src/evaluation/summary';
import { chartSvg, svgToPng } from '../src/experiment/plots';
import { byQuestionType, pooledComparison, pooledRow, primaryComparison } from '../src/experiment/pooled';
import { ExperimentPresetSchema, PRESETS, withOverrides } from '../src/experiment/presets';
import { copyRows, corpusRows, gappedCopyRows, pretrainedInit } from '../src/experiment/pretrain';
import { readingRows } from '../src/experiment/reading';
import { type ExperimentResult, renderReport, type SystemResult } from '../src/experiment/report';
import { stepErrors, stepOutcome } from '../src/experiment/stepErrors';
import { studentInits } from '../src/experiment/students';
import {
  checkNothingCut,
  epochTokens,
  selectStepConfig,
  sequenceFit,
  studentTokenizer,
} from '../src/experiment/tokens';
import { warmStartInit } from '../src/experiment/warmStart';
import { prepareWorld } from '../src/experiment/world';
import { EXAMPLES_FILE } from '../src/stepdata/build';
import { runCli } from './support/cli';
import { buildTinyModel, TINY_TEXTS } from './support/tinyTeacher';
import { smallDemo, testWorkbench } from './support/workspace';

describe('experiment presets', () => {
  it('quick claims nothing; standard has at least 3 seeds and a bigger, longer-trained model', () => {
    for (const p of Object.values(PRESETS)) expect(ExperimentPresetSchema.parse(p)).toEqual(p);
    expect(PRESETS.quick.claims).toBe(false);
    expect(PRESETS.standard.seeds.length).toBeGreaterThanOrEqual(3);
    expect(PRESETS.standard.model.hiddenSize).toBeGreaterThan(PRESETS.quick.model.hiddenSize);
    expect(PRESETS.standard.train.maxSteps).toBeNull();
  });

  it('refuses copy curricula whose fewest words exceed their most, naming the field', () => {
    const pretrain = {
      passes: 0,
      passagesPerRow: 6,
      repeatsPerRow: 2,
      batchSize: 64,
      lr: 3e-3,
      maxSeqLen: 256,
    };
    const copy = { rows: 10, minWords: 9, maxWords: 8, maxRounds: 1, untilRatio: 0.2 };
    const longCopy = { ...copy, maxGapWords: 40, batchSize: 8, lr: 1e-3, maxSeqLen: 256 };
    const messages = (p: object) => {
      const r = ExperimentPresetSchema.safeParse({ ...PRESETS.quick, pretrain: { ...pretrain, ...p } });
      return r.success ? [] : r.error.issues.map((i) => i.message);
    };
    expect(messages({ copy })).toEqual(['copy.minWords must not exceed copy.maxWords']);
    expect(messages({ longCopy })).toEqual(['longCopy.minWords must not exceed longCopy.maxWords']);
    expect(messages({ longCopy: { ...longCopy, minWords: 8 } })).toEqual([]);
  });
});

describe('the standard preset sizes', () => {
  it('trains on whole prompts from its committed warm start, in rows just longer than its longest example', async () => {
    const preset = PRESETS.standard;
    expect(preset.train.cutPrompts).toBe(false);
    expect(preset.pretrain).toBeNull();
    const wb = testWorkbench();
    const world = await prepareWorld(wb, preset.world, preset.testQuestions);
    const [init] = await studentInits(
      wb,
      { examples: world.examples, corpusId: world.evalBase.corpusId },
      preset,
    );
    const fit = sequenceFit(world.examples, init!.dir, preset.train.maxSeqLen);
    expect(fit.cut).toBe(0);
    // Not far past it either: every token of headroom is paid for in attention.
    expect(fit.longest).toBeGreaterThan(preset.train.maxSeqLen - 128);
    // Enough held-out multi-hop questions for a multi-hop EM interval of about ±5 points at 35%.
    const test = wb.store.questionSets.questions(world.evalBase.questionSetId).slice(0, preset.testQuestions);
    expect(test).toHaveLength(preset.testQuestions);
    const multiHop = test.filter((q) => preset.primary.questionTypes.includes(q.type ?? ''));
    expect(1.96 * Math.sqrt((0.35 * 0.65) / multiHop.length)).toBeLessThan(0.05);
    expect(preset.primary.questionTypes).toEqual(['compositional', 'inference', 'bridge']);
    expect(preset.seeds.length).toBeGreaterThanOrEqual(3);
    expect(preset.world.topK).toBe(2);
  }, 300_000);
});

describe('a committed warm start', () => {
  it('is copied into the workspace once; missing files, other weights and another shape are refused by name', () => {
    const wb = testWorkbench();
    const { warmStart, model } = PRESETS.standard;
    const init = warmStartInit(wb, warmStart!, model, 5);
    expect(init.dir).toBe(wb.store.path(join('students', `warm-${warmStart!.sha256.slice(0, 20)}`)));
    expect(statSync(join(init.dir, 'model.safetensors')).size).toBeGreaterThan(1_000_000);
    expect(init.seed).toBe(5);
    expect(warmStartInit(wb, warmStart!, model, 6).dir).toBe(init.dir);

    const copy = mkdtempSync(join(tmpdir(), 'warm-'));
    cpSync(init.dir, copy, { recursive: true });
    const at = { path: copy, sha256: warmStart!.sha256 };
    expect(() => warmStartInit(wb, at, { ...model, hiddenSize: 256, layers: 4 }, 5)).toThrow(
      /hidden_size 128 \(the preset's model has 256\); num_hidden_layers 2 \(the preset's model has 4\)/,
    );
    expect(() => warmStartInit(wb, { ...at, sha256: '0'.repeat(64) }, model, 5)).toThrow(
      `model.safetensors has sha256 ${warmStart!.sha256}, the preset names ${'0'.repeat(64)}`,
    );
    rmSync(join(copy, 'tokenizer.json'));
    expect(() => warmStartInit(wb, at, model, 5)).toThrow(/missing tokenizer.json/);
    expect(
      ExperimentPresetSchema.safeParse({ ...PRESETS.standard, warmStart: { ...at, sha256: 'xyz' } }).success,
    ).toBe(false);
  });

  it('takes the place of the pre-training stages: a preset with both is refused before any work', async () => {
    const wb = testWorkbench();
    const preset = { ...PRESETS.standard, pretrain: PRESETS.quick.pretrain };
    await expect(studentInits(wb, { examples: '/nonexistent', corpusId: 'c' }, preset)).rejects.toThrow(
      'a preset has either a warmStart or pretrain stages, not both',
    );
  });
});

describe("the world's K", () => {
  it("teacher and evaluation retrieve the preset's K passages a step; a workspace built with another K is refused", async () => {
    const wb = testWorkbench();
    const world = { seed: 7, passages: 300, questions: 60, topK: 2 };
    const prepared = await prepareWorld(wb, world, 10);
    expect(prepared.evalBase.topK).toBe(2);
    const traces = wb.store.teacherRuns.allTraces(prepared.demo.teacherRunId).map((t) => t.trace);
    const retrieved = traces.flatMap((t) => t.steps.map((s) => s.retrieved.length));
    expect(retrieved.length).toBeGreaterThan(0);
    expect(Math.max(...retrieved)).toBe(2);
    await expect(prepareWorld(wb, { ...world, topK: 4 }, 10)).rejects.toThrow(
      /retrieved with K = 2 passages per step; this preset needs K = 4/,
    );
    await expect(prepareWorld(wb, { seed: 7, passages: 300, questions: 60 }, 10)).rejects.toThrow(
      /needs K = 4/,
    );
  }, 120_000);
});

describe('experiment figures', () => {
  it('renders an SVG chart with escaped labels to a PNG', () => {
    const svg = chartSvg({
      title: 'A & B <test>',
      xLabel: 'ms',
      yLabel: 'Acc',
      kind: 'scatter',
      series: [
        {
          name: 'σ̃ agg',
          points: [
            { x: 1, y: 2, yLow: 1, yHigh: 3 },
            { x: 2, y: 4 },
          ],
        },
      ],
    });
    expect(svg).toContain('A &amp; B &lt;test&gt;');
    expect(svg.match(/<circle/g)).toHaveLength(2);
    // Ticks over a narrow range still read as different numbers.
    const narrow = chartSvg({
      title: 't',
      xLabel: 'x',
      yLabel: 'y',
      kind: 'line',
      series: [
        {
          name: 's',
          points: [
            { x: 0, y: 0.331 },
            { x: 1, y: 0.3345 },
          ],
        },
      ],
    });
    const ticks = [...narrow.matchAll(/text-anchor="end">([^<]+)</g)].map((m) => m[1]);
    expect(new Set(ticks).size).toBe(5);
    const png = svgToPng(svg);
    expect([...png.subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
  });
});

describe('experiment pieces on the demo', () => {
  it('counts training tokens per objective with the student tokenizer (Vanilla-KD: agg only)', async () => {
    const wb = testWorkbench();
    const demo = await smallDemo(wb);
    const dataset = wb.store.stepDatasets.require(demo.datasetId);
    const path = wb.store.path(join(dataset.exportDir, EXAMPLES_FILE));
    const model = await buildTinyModel(TINY_TEXTS);
    const steper = epochTokens(path, model, 'steper-uniform');
    const vanilla = epochTokens(path, model, 'vanilla');
    expect(vanilla.questions).toBe(dataset.manifest.counts.kept);
    expect(steper.questions).toBe(dataset.manifest.counts.kept);
    expect(steper.tokens).toBeGreaterThan(vanilla.tokens);
    const tok = new Tokenizer(
      JSON.parse(readFileSync(join(model, 'tokenizer.json'), 'utf8')),
      JSON.parse(readFileSync(join(model, 'tokenizer_config.json'), 'utf8')),
    );
    const first = JSON.parse(
      readFileSync(path, 'utf8')
        .split('\n')
        .find((l) => l.includes('"agg"'))!,
    );
    expect(tok.encode(first.prompt + first.target, { add_special_tokens: false }).ids.length).toBeGreaterThan(
      0,
    );
    // Step configurations (§6.1) count what the trainer keeps: agg ⊂ init+agg ⊂ init+exp1+agg ⊆ all.
    const count = (c: 'agg' | 'init+agg' | 'init+exp1+agg' | 'all') =>
      epochTokens(path, model, 'steper-difficulty', c).tokens;
    expect(count('agg')).toBe(vanilla.tokens);
    expect(count('all')).toBe(steper.tokens);
    expect(count('init+agg')).toBeGreaterThan(count('agg'));
    expect(count('init+exp1+agg')).toBeGreaterThan(count('init+agg'));
    expect(count('init+exp1+agg')).toBeLessThanOrEqual(count('all'));
    const examples = readFileSync(path, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    const firstExp = selectStepConfig(examples, 'init+exp1+agg').filter((e) => e.stage === 'exp');
    expect(new Set(firstExp.map((e) => e.questionId)).size).toBe(firstExp.length);
  }, 120_000);

  it('refuses a sequence length that would cut training examples, naming the length that fits', async () => {
    const wb = testWorkbench();
    const demo = await smallDemo(wb);
    const dataset = wb.store.stepDatasets.require(demo.datasetId);
    const path = wb.store.path(join(dataset.exportDir, EXAMPLES_FILE));
    const model = await buildTinyModel(TINY_TEXTS);
    const tok = studentTokenizer(model);
    const lengths = readFileSync(path, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l))
      .map((e) => tok.encode(e.prompt + e.target, { add_special_tokens: false }).ids.length + 1);
    const longest = Math.max(...lengths);
    const fit = sequenceFit(path, model, longest);
    expect(fit).toEqual({ maxSeqLen: longest, examples: lengths.length, longest, cut: 0 });
    expect(() => checkNothingCut(fit)).not.toThrow();
    const short = sequenceFit(path, model, longest - 1);
    expect(short.cut).toBe(lengths.filter((n) => n === longest).length);
    const median = [...lengths].sort((a, b) => a - b)[Math.floor(lengths.length / 2)]!;
    expect(sequenceFit(path, model, median).cut).toBe(lengths.filter((n) => n > median).length);
    expect(() => checkNothingCut(short)).toThrow(`set train.maxSeqLen to at least ${longest}`);
  }, 120_000);

  it('writes a report with Table 1 CIs, pooled rows, Tables 7–8, a paired-test table per budget and the no-claims notice', async () => {
    const wb = testWorkbench();
    const demo = await smallDemo(wb);
    const retriever = wb.retrievers.get(demo.corpusId);
    const questions = wb.store.questionSets.questions(demo.questionSetIds.test).slice(0, 10);
    const run = async (loop: 'ircot' | 'no-retrieval') => {
      const traces: Trace[] = [];
      for (const q of questions) {
        traces.push(
          await runLoop(q, {
            retriever,
            generator: new EvidenceTeacher(),
            config: { loop, maxSteps: 5, topK: 4, maxTokens: 64, promptStyle: 'teacher' },
          }),
        );
      }
      return traces;
    };
    const a = await run('ircot');
    const b = await run('no-retrieval');
    const sa = summarizeEvaluation(a, questions, { resamples: 200 });
    const sb = summarizeEvaluation(b, questions, { resamples: 200 });
    const system = (
      name: string,
      summary: typeof sa,
      objective: string | null,
      budget: 'epoch' | 'token' | null,
    ): SystemResult => ({
      name: `${name} · seed 1`,
      group: budget ? `vanilla@${budget}` : (objective ?? 'teacher'),
      groupName: name,
      objective,
      budget,
      seed: objective ? 1 : null,
      evaluationId: `eval_${name}`,
      summary,
      tokensTrained: objective ? 1234 : null,
      trainSeconds: objective ? 5 : null,
      epochs: 2,
      optimizerSteps: 40,
      trainingRunId: null,
      studentDir: null,
    });
    const compare = (x: Trace[], y: Trace[]) =>
      pooledComparison([{ seed: 1, traces: x }], [{ seed: 1, traces: y }], questions, { resamples: 200 });
    const result: ExperimentResult = {
      preset: 'quick',
      claims: false,
      budget: 'both',
      command: 'steper experiment --quick --budget both',
      commit: 'abc123',
      startedAt: '2026-01-01T00:00:00.000Z',
      wallSeconds: 90,
      world: { seed: 7, passages: 300, questions: 60 },
      teacher: { traces: 10, kept: 8, examples: { init: 8, exp: 5, agg: 8 } },
      systems: [
        system('StepER (uniform)', sa, 'steper-uniform', null),
        system('Vanilla-KD (equal epochs)', sb, 'vanilla', 'epoch'),
        system('Vanilla-KD (equal tokens)', sa, 'vanilla', 'token'),
      ],
      pooled: [
        pooledRow(
          { name: 'StepER (uniform)', group: 'steper-uniform', objective: 'steper-uniform', budget: null },
          [{ seed: 1, traces: a }],
          questions,
          { resamples: 200 },
        ),
      ],
      comparisons: [
        {
          a: 'StepER (uniform) · seed 1',
          b: 'Vanilla-KD (equal epochs) · seed 1',
          budget: 'epoch',
          seed: 1,
          result: compare(a, b),
        },
        {
          a: 'StepER (uniform)',
          b: 'Vanilla-KD (equal epochs)',
          budget: 'epoch',
          seed: null,
          result: compare(a, b),
        },
        {
          a: 'StepER (uniform) · seed 1',
          b: 'Vanilla-KD (equal tokens) · seed 1',
          budget: 'token',
          seed: 1,
          result: compare(a, a),
        },
      ],
      sigmaSeries: [],
      figures: { accuracyLatency: 'f6.png', sigma: 'f7.png' },
    };
    const md = renderReport(result);
    expect(md).toContain('it claims nothing');
    expect(md).toContain('`abc123`');
    const em = sa.intervals.em!;
    const emCi = `${(100 * em.mean).toFixed(1)} [${(100 * em.ci[0]).toFixed(1)}, ${(100 * em.ci[1]).toFixed(1)}]`;
    expect(md).toContain(emCi);
    // The pooled row of one seed is that seed's row: same mean, an interval over the same rows.
    expect(md).toMatch(
      new RegExp(
        `## Pooled over seeds[\\s\\S]*\\| StepER \\(uniform\\) \\| 1 \\| ${questions.length} \\| – \\| – \\| ${(100 * em.mean).toFixed(1)} \\[`,
      ),
    );
    expect(md).toMatch(/## Table 7[\s\S]*\| StepER \(uniform\) · seed 1 \|/);
    expect(md).toMatch(/## Table 8[\s\S]*Duplicativeness/);
    const epochs = md.slice(
      md.indexOf('## Paired tests at equal epochs'),
      md.indexOf('## Paired tests at equal training tokens'),
    );
    const tokens = md.slice(
      md.indexOf('## Paired tests at equal training tokens'),
      md.indexOf('## Training budget'),
    );
    const diff = (100 * result.comparisons[0]!.result.em.diff).toFixed(1);
    expect(epochs).toContain('| StepER (uniform) · seed 1 vs Vanilla-KD (equal epochs) · seed 1 | 1 | EM |');
    expect(epochs).toContain(`| ${diff} [`);
    expect(epochs).toContain(
      `| StepER (uniform) vs Vanilla-KD (equal epochs) | pooled (${questions.length} questions) | EM |`,
    );
    expect(tokens).toContain('| StepER (uniform) · seed 1 vs Vanilla-KD (equal tokens) · seed 1 | 1 | EM |');
    expect(tokens).not.toContain('equal epochs) · seed 1 |');
    expect(md).toContain('1,234');
    expect(md).toContain('| equal training tokens | 1 |');
    // K is the world's: the default 4, or the preset's own.
    expect(md).toContain('IRCoT, S = 5, K = 4, greedy');
    const k2 = renderReport({ ...result, world: { ...result.world, topK: 2 } });
    expect(k2).toContain('offline evidence teacher, IRCoT, S = 5, K = 2)');
    expect(k2).toContain('IRCoT, S = 5, K = 2, greedy');
    // Above the verdict: a smoke notice without a primary metric measured, none when the verdict
    // says underpowered, a probe's notice when a claims:false preset's students pass the bar.
    const verdictOf = (mean: number): ExperimentResult['primary'] => ({
      name: 'multi-hop EM',
      questionTypes: ['bridge'],
      poweredAt: 0.3,
      best: { name: 'StepER (uniform)', mean, ci: [mean - 0.05, mean + 0.05] },
      powered: mean >= 0.3,
    });
    const under = renderReport({ ...result, primary: verdictOf(0.1) });
    expect(under).toContain('**Underpowered**');
    expect(under).not.toContain('it claims nothing.**');
    const probe = renderReport({ ...result, primary: verdictOf(0.35) });
    expect(probe).toContain('**A probe: it claims nothing.**');
    expect(probe).not.toContain('smoke run');
    expect(probe).toContain('**Powered**');
    expect(renderReport({ ...result, claims: true, primary: verdictOf(0.35) })).not.toContain(
      'claims nothing',
    );
    expect(md).not.toContain('- Initialisation:');
    const warm = { path: 'models/warm', sha256: 'ab'.repeat(32) };
    expect(renderReport({ ...result, warmStart: warm })).toContain(
      '- Initialisation: the committed warm start `models/warm` (weights sha256 abababababab…',
    );
    const single = renderReport({ ...result, budget: 'epoch', comparisons: result.comparisons.slice(0, 2) });
    expect(single).toContain('## Paired tests at equal epochs');
    expect(single).not.toContain('## Paired tests at equal training tokens');
    expect(md).toContain('![Figure 7');
    expect(md).not.toContain('## By question type');
    const byType = byQuestionType('StepER (uniform)', [{ seed: 1, traces: a }], questions);
    const typed = renderReport({ ...result, byType });
    expect(typed).toContain('## By question type');
    for (const row of byType)
      expect(typed).toContain(`${(100 * row.em).toFixed(1)} / ${(100 * row.acc).toFixed(1)} (n ${row.n})`);
  }, 120_000);

  it('splits scores by question type, pooled over seeds, with the yes/no share, and reports them', async () => {
    const wb = testWorkbench();
    const { questions, ir, nr } = await evidenceRuns(wb, 12);
    const types = [...new Set(questions.map((q) => q.type))];
    expect(types.length).toBeGreaterThan(1);
    const rows = byQuestionType(
      'A',
      [
        { seed: 1, traces: ir },
        { seed: 2, traces: nr },
      ],
      questions,
    );
    expect(rows.map((r) => r.type)).toEqual([...types].sort());
    for (const row of rows) {
      const qs = questions.filter((q) => q.type === row.type);
      const ids = new Set(qs.map((q) => q.id));
      expect(row.n).toBe(2 * qs.length);
      const mean = (ts: Trace[]) =>
        scoreTraces(
          ts.filter((t) => ids.has(t.questionId)),
          qs,
        ).em;
      expect(row.em).toBeCloseTo((mean(ir) + mean(nr)) / 2, 9);
      const yesNo = qs.filter((q) => q.answers.some((a) => ['yes', 'no'].includes(a.toLowerCase()))).length;
      expect(row.yesNo).toBeCloseTo(yesNo / qs.length, 9);
    }
  }, 120_000);

  it('pools seeds with the question as the unit: seeds that agree add no precision', async () => {
    const wb = testWorkbench();
    const { questions, ir, nr } = await evidenceRuns(wb, 8);
    const emOf = (ts: Trace[]) => scoreTraces(ts, questions).em;
    const opts = { resamples: 300 };
    const meta = { name: 'A', group: 'a', objective: 'x', budget: null };
    // Right on every other question: a sample whose interval has width.
    const mixed = ir.map((t, i) => (i % 2 ? nr[i]! : t));
    const one = pooledRow(meta, [{ seed: 1, traces: mixed }], questions, opts);
    // Three seeds that answer alike are one sample of 8 questions, not 24 independent rows: the
    // interval must be the one-seed interval exactly (rows resampled as if independent shrink it by ~√3).
    const three = pooledRow(
      meta,
      [1, 2, 3].map((seed) => ({ seed, traces: mixed })),
      questions,
      opts,
    );
    expect(three.n).toBe(24);
    expect(three.questions).toBe(8);
    expect(three.summary.intervals.em!.ci).toEqual(one.summary.intervals.em!.ci);
    expect(three.summary.intervals.em!.n).toBe(8);
    expect(three.summary.intervals.em!.method).toMatch(/questions/);
    const rowsAsIfIndependent = summarizeEvaluation(
      [1, 2, 3].flatMap((seed) => mixed.map((t) => ({ ...t, questionId: `${t.questionId}#${seed}` }))),
      [1, 2, 3].flatMap((seed) => questions.map((q) => ({ ...q, id: `${q.id}#${seed}` }))),
      opts,
    ).intervals.em!;
    const width = (ci: [number, number]) => ci[1] - ci[0];
    expect(width(one.summary.intervals.em!.ci)).toBeGreaterThan(0);
    expect(width(rowsAsIfIndependent.ci)).toBeLessThan(width(three.summary.intervals.em!.ci));

    // A answers like IRCoT on seed 1 and like no-retrieval on seed 2; B like IRCoT on both.
    const A = [
      { seed: 1, traces: ir },
      { seed: 2, traces: nr },
    ];
    const B = [
      { seed: 1, traces: ir },
      { seed: 2, traces: ir },
    ];
    const row = pooledRow(meta, A, questions, opts);
    expect(row.perSeed.em).toEqual([emOf(ir), emOf(nr)]);
    expect(row.summary.em).toBeCloseTo((emOf(ir) + emOf(nr)) / 2, 12);
    const c = pooledComparison(A, B, questions, opts);
    expect(c.n).toBe(8);
    expect(c.em.diff).toBeCloseTo((emOf(nr) - emOf(ir)) / 2, 12);
    expect(c.em.method).toMatch(/cluster bootstrap over questions/);
    expect(c.em.mcnemar).toBeUndefined();
    // Repeating both systems' one seed three times changes nothing: the same questions, the same interval.
    const single = pooledComparison([{ seed: 1, traces: nr }], [{ seed: 1, traces: ir }], questions, opts);
    const tripled = pooledComparison(
      [1, 2, 3].map((seed) => ({ seed, traces: nr })),
      [1, 2, 3].map((seed) => ({ seed, traces: ir })),
      questions,
      opts,
    );
    expect(tripled.em.diff).toBeCloseTo(single.em.diff, 12);
    expect(tripled.em.ci).toEqual(single.em.ci);
    expect(single.em.mcnemar).toBeDefined();
    expect(emOf(ir)).toBeGreaterThan(emOf(nr));
    expect(() => pooledComparison(A, [B[0]!], questions)).toThrow(/pool the same seeds/);
  }, 120_000);

  it('takes the primary metric over its question types only, per seed and pooled', async () => {
    const wb = testWorkbench();
    const { questions, ir, nr } = await evidenceRuns(wb, 12);
    const types = ['compositional', 'inference', 'bridge'];
    const multiHop = questions.filter((q) => types.includes(q.type!));
    expect(multiHop.length).toBeGreaterThan(0);
    expect(multiHop.length).toBeLessThan(questions.length);
    const runs = [
      { seed: 1, traces: ir },
      { seed: 2, traces: nr },
    ];
    const emOn = (ts: Trace[]) =>
      scoreTraces(
        ts.filter((t) => multiHop.some((q) => q.id === t.questionId)),
        multiHop,
      ).em;
    const row = pooledRow(
      { name: 'A', group: 'a', objective: 'x', budget: null },
      runs,
      questions,
      {},
      types,
    );
    expect(row.perSeed.primary).toEqual([emOn(ir), emOn(nr)]);
    expect(row.primary!.mean).toBeCloseTo((emOn(ir) + emOn(nr)) / 2, 12);
    expect(row.primary!.n).toBe(multiHop.length);
    const p = primaryComparison(
      runs,
      runs.map((r) => ({ ...r, traces: ir })),
      questions,
      types,
      {},
    );
    expect(p!.n).toBe(multiHop.length);
    expect(p!.diff).toBeCloseTo((emOn(nr) - emOn(ir)) / 2, 12);
    expect(primaryComparison(runs, runs, questions, ['no-such-type'])).toBeNull();
  }, 120_000);
});

const ONE_ROUND = { maxRounds: 1, untilRatio: 0.2 };

describe('corpus pre-training of the init', () => {
  const passages = Array.from({ length: 13 }, (_, i) => ({
    id: `p${i}`,
    title: `T${i}`,
    text: `Text ${i}.`,
  }));

  it('lays every passage out once per pass, in seeded groups shaped like the prompts', () => {
    const settings = {
      passes: 3,
      passagesPerRow: 4,
      repeatsPerRow: 0,
      batchSize: 2,
      lr: 1e-3,
      maxSeqLen: 256,
    };
    const rows = corpusRows(passages, settings, 5);
    expect(rows).toHaveLength(3 * Math.ceil(13 / 4));
    const seen = rows.flatMap((r) => r.passageIds);
    for (const p of passages) expect(seen.filter((id) => id === p.id)).toHaveLength(3);
    // Repeats: the row's last passages are earlier ones of the same row, verbatim.
    for (const row of corpusRows(passages, { ...settings, repeatsPerRow: 2 }, 5)) {
      const ids = row.passageIds;
      const firstShown = ids.slice(0, ids.length - Math.min(2, ids.length / 2));
      const tail = ids.slice(firstShown.length);
      expect(tail.every((id) => firstShown.includes(id))).toBe(true);
      expect(row.target.split('\n\n').slice(firstShown.length)).toEqual(
        tail.map((id) => row.target.split('\n\n')[firstShown.indexOf(id)]),
      );
    }
    // Empty prompts: the trainer's loss then covers every token (plain language modelling).
    expect(rows.every((r) => r.prompt === '' && r.stage === 'agg')).toBe(true);
    const withT3 = rows.find((r) => r.passageIds.includes('p3'))!;
    expect(withT3.target).toContain('Wikipedia Title: T3\nText 3.');
    expect(corpusRows(passages, settings, 5)).toEqual(rows);
    expect(corpusRows(passages, settings, 6).map((r) => r.target)).not.toEqual(rows.map((r) => r.target));
  });

  it('builds copy rows: seeded random corpus words, a newline, the same words', () => {
    const words = passages.flatMap((p) => p.text.match(/[A-Za-z]+|\d/g)!);
    const rows = copyRows(passages, { rows: 50, minWords: 3, maxWords: 6, ...ONE_ROUND }, 7);
    expect(rows).toHaveLength(50);
    for (const row of rows) {
      const [first, second, ...rest] = row.target.split('\n');
      expect(rest).toEqual([]);
      expect(second).toBe(first);
      const drawn = first!.split(' ');
      expect(drawn.length).toBeGreaterThanOrEqual(3);
      expect(drawn.length).toBeLessThanOrEqual(6);
      expect(drawn.every((w) => words.includes(w))).toBe(true);
      expect(row.prompt).toBe('');
    }
    expect(new Set(rows.map((r) => r.id)).size).toBe(50);
    expect(new Set(rows.map((r) => r.target.split('\n')[0]!.split(' ').length)).size).toBe(4); // 3…6 all drawn
    expect(copyRows(passages, { rows: 50, minWords: 3, maxWords: 6, ...ONE_ROUND }, 7)).toEqual(rows);
    expect(() =>
      copyRows(
        [{ id: 'x', title: 'X', text: '...' }],
        { rows: 1, minWords: 1, maxWords: 1, ...ONE_ROUND },
        1,
      ),
    ).toThrow('the corpus has no words to build copy rows from');
  });

  it('builds gapped copy rows: the words anywhere in the prompt among others, the target the same words', () => {
    const words = passages.flatMap((p) => p.text.match(/[A-Za-z]+|\d/g)!);
    const settings = {
      rows: 400,
      minWords: 3,
      maxWords: 6,
      maxGapWords: 200,
      batchSize: 8,
      lr: 1e-3,
      maxSeqLen: 512,
    };
    const rows = gappedCopyRows(passages, { ...settings, ...ONE_ROUND }, 7);
    expect(rows).toHaveLength(400);
    const gaps: number[] = [];
    const starts: number[] = [];
    for (const row of rows) {
      expect(row.prompt.endsWith('\n')).toBe(true);
      const before = row.prompt.slice(0, -1).split(' ');
      const copied = row.target.split(' ');
      expect(copied.length).toBeGreaterThanOrEqual(3);
      expect(copied.length).toBeLessThanOrEqual(6);
      expect([...before, ...copied].every((w) => words.includes(w))).toBe(true);
      // The target's words stand together somewhere in the prompt; the rest is filler.
      const at = before.findIndex((_, i) => before.slice(i, i + copied.length).join(' ') === row.target);
      expect(at).toBeGreaterThanOrEqual(0);
      starts.push(at);
      gaps.push(before.length - copied.length);
    }
    expect(Math.max(...gaps)).toBeLessThanOrEqual(200);
    // About half the rows keep the source within 40 words; the others reach far beyond.
    const near = gaps.filter((g) => g <= 40).length / rows.length;
    expect(near).toBeGreaterThan(0.5);
    expect(near).toBeLessThan(0.75);
    expect(gaps.filter((g) => g > 150).length).toBeGreaterThan(20);
    expect(starts.filter((s) => s > 0).length).toBeGreaterThan(200); // not always at the start
    expect(gappedCopyRows(passages, { ...settings, ...ONE_ROUND }, 7)).toEqual(rows);
  });

  it('trains the init on the corpus once and reuses the result', async () => {
    const wb = testWorkbench();
    const demo = await smallDemo(wb);
    const model = await buildTinyModel(TINY_TEXTS);
    const init = { dir: model, key: 'tiny', seed: 3 };
    const settings = {
      passes: 1,
      passagesPerRow: 6,
      repeatsPerRow: 2,
      batchSize: 8,
      lr: 1e-3,
      maxSeqLen: 256,
    };
    const base = await pretrainedInit(wb, init, demo.corpusId, settings);
    expect(base.seed).toBe(3);
    expect(base.dir).not.toBe(model);
    const weights = (dir: string) => readFileSync(join(dir, 'model.safetensors'));
    expect(weights(base.dir).equals(weights(model))).toBe(false);
    expect(readFileSync(join(base.dir, 'tokenizer.json'))).toEqual(
      readFileSync(join(model, 'tokenizer.json')),
    );
    const built = statSync(join(base.dir, 'model.safetensors')).mtimeMs;
    const again = await pretrainedInit(wb, init, demo.corpusId, settings);
    expect(again).toEqual(base);
    expect(statSync(join(again.dir, 'model.safetensors')).mtimeMs).toBe(built);
    // With the copy curriculum: another base, copy rounds (each probed on held-out rows, a warm
    // restart after each until the ratio is reached; this one never is), then the corpus.
    const lines: string[] = [];
    const other = await pretrainedInit(
      wb,
      init,
      demo.corpusId,
      { ...settings, copy: { rows: 40, minWords: 4, maxWords: 8, maxRounds: 2, untilRatio: 1e-9 } },
      (line) => lines.push(line),
    );
    expect(other.dir).not.toBe(base.dir);
    expect(weights(other.dir).equals(weights(base.dir))).toBe(false);
    const rounds = JSON.parse(readFileSync(join(other.dir, 'copy-rounds.json'), 'utf8'));
    expect(rounds.map((r: { round: number; optimizerSteps: number }) => [r.round, r.optimizerSteps])).toEqual(
      [
        [1, 5],
        [2, 10],
      ],
    );
    for (const r of rounds) expect(r.ratio).toBeCloseTo(r.againLoss / r.firstLoss, 6);
    expect(lines.filter((l) => l.startsWith('copy round'))).toHaveLength(2);
    expect(lines).toContain('copy curriculum: no phase change within 2 rounds');
    expect(lines.at(-1)).toBe('pre-training the initialisation: 1 passes over the corpus');
  }, 360_000); // ~85 s on an idle 2-core CPU; over 180 s when other runs share it

  it('trains the long-range copy curriculum as its own cached stage, probed on held-out gapped rows', async () => {
    const wb = testWorkbench();
    const demo = await smallDemo(wb);
    const init = { dir: await buildTinyModel(TINY_TEXTS), key: 'tiny', seed: 3 };
    const longCopy = {
      rows: 24,
      minWords: 3,
      maxWords: 6,
      maxGapWords: 60,
      maxRounds: 1,
      untilRatio: 1e-9,
      batchSize: 8,
      lr: 1e-3,
      maxSeqLen: 256,
    };
    const settings = {
      passes: 0,
      passagesPerRow: 6,
      repeatsPerRow: 2,
      batchSize: 8,
      lr: 1e-3,
      maxSeqLen: 256,
      longCopy,
    };
    const lines: string[] = [];
    const long = await pretrainedInit(wb, init, demo.corpusId, settings, (line) => lines.push(line));
    expect(long.dir).toContain('long-copy-');
    expect(lines[0]).toMatch(/long-range copy curriculum, 24 rows a round \(copies up to 60 words apart\)/);
    expect(lines).toContain('copy curriculum: no phase change within 1 rounds');
    const weights = (dir: string) => readFileSync(join(dir, 'model.safetensors'));
    expect(weights(long.dir).equals(weights(init.dir))).toBe(false);
    const rounds = JSON.parse(readFileSync(join(long.dir, 'copy-rounds.json'), 'utf8'));
    expect(rounds.map((r: { optimizerSteps: number }) => r.optimizerSteps)).toEqual([3]);
    expect(rounds[0].ratio).toBeCloseTo(rounds[0].againLoss / rounds[0].firstLoss, 6);
    const built = statSync(join(long.dir, 'model.safetensors')).mtimeMs;
    expect(await pretrainedInit(wb, init, demo.corpusId, settings)).toEqual(long);
    expect(statSync(join(long.dir, 'model.safetensors')).mtimeMs).toBe(built);
  }, 180_000);
});

describe('reading warm start', () => {
  it('asks single-hop questions of another world, each answered by one fact sentence among its passages', () => {
    const settings = {
      worldSeed: 7,
      passages: 400,
      questions: 120,
      topK: 4,
      epochs: 1,
      batchSize: 8,
      lr: 1e-3,
      maxSeqLen: 512,
    };
    const rows = readingRows(settings);
    expect(rows.length).toBeGreaterThan(120);
    expect(new Set(rows.map((r) => r.target)).size).toBe(rows.length);
    let answerPassageRetrieved = 0;
    for (const row of rows) {
      expect(row.stage).toBe('agg');
      expect(row.passageIds.length).toBeLessThanOrEqual(4);
      const question = /\n([^\n]+)\nA:$/.exec(row.prompt)![1]!;
      expect(question).toMatch(/\?$/);
      const m = /^ (.+\.) So the answer is: (.+)$/.exec(row.target)!;
      expect(m).not.toBeNull();
      if (row.prompt.includes(m[1]!)) answerPassageRetrieved++;
    }
    // BM25 on a question naming its entity finds that entity's passage almost always.
    expect(answerPassageRetrieved / rows.length).toBeGreaterThan(0.9);
    expect(readingRows(settings)).toEqual(rows);
    const world = generateSyntheticWorld({ seed: 42, passages: 400, questions: 120 });
    const facts = new Set(world.questions.flatMap((q) => q.evidence.map((f) => f.text)));
    expect(rows.filter((r) => facts.has(/^ (.+\.) So/.exec(r.target)![1]!))).toHaveLength(0);
  });
});

describe('preset overrides', () => {
  it('change epochs, seeds and budget, and name the preset after what changed', () => {
    const p = withOverrides(PRESETS.standard, { epochs: 6, seeds: [1234] });
    expect(p.name).toBe('standard (6 epochs; seed 1234)');
    expect(p.train).toEqual({ ...PRESETS.standard.train, epochs: 6 });
    expect(p.seeds).toEqual([1234]);
    expect(PRESETS.standard.train.epochs).toBe(2); // the preset itself is untouched
    expect(ExperimentPresetSchema.parse(p)).toEqual(p);
    expect(withOverrides(PRESETS.quick, { seeds: [1, 2] }).name).toBe('quick (seeds 1, 2)');
    // the preset's own values are no change at all
    const same = withOverrides(PRESETS.standard, { epochs: 2, seeds: [1234, 1235, 1236], budget: 'epoch' });
    expect(same.name).toBe('standard');
    expect(same.budgetReport).toBe('epoch');
  });
});

describe('steper experiment (CLI)', () => {
  it('rejects epochs and seeds that are not integers, naming the flag', async () => {
    const zero = await runCli(['experiment', '--quick', '--epochs', '0']);
    expect(zero.code).toBe(1);
    expect(zero.stderr).toContain('--epochs must be at least 1, got 0.');
    const seeds = await runCli(['experiment', '--quick', '--seeds', '1234,x']);
    expect(seeds.code).toBe(1);
    expect(seeds.stderr).toContain('--seeds must be an integer, got "x".');
  }, 60_000);

  it('rejects an unknown split and a preset file with a bad field, naming them', async () => {
    const split = await runCli(['experiment', '--quick', '--split', 'train']);
    expect(split.code).toBe(1);
    expect(split.stderr).toContain('--split: "train" is not one of dev, test.');
    const dir = mkdtempSync(join(tmpdir(), 'preset-'));
    const file = join(dir, 'p.json');
    writeFileSync(file, JSON.stringify({ ...PRESETS.quick, train: { ...PRESETS.quick.train, lr: -1 } }));
    const bad = await runCli(['experiment', '--preset-file', file]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(`--preset-file: ${file}: field "train.lr"`);
    writeFileSync(file, '{ not json');
    const broken = await runCli(['experiment', '--preset-file', file]);
    expect(broken.stderr).toContain(`--preset-file: cannot read ${file} as JSON`);
  }, 180_000);

  it('rejects a seed given twice', async () => {
    const r = await runCli(['experiment', '--quick', '--seeds', '7,7']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--seeds: each seed once, got 7,7.');
  }, 60_000);

  it('rejects an unknown budget with the choices', async () => {
    const r = await runCli(['experiment', '--quick', '--budget', 'tokens']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--budget: "tokens" is not one of epoch, token, both.');
  }, 60_000);

  it('refuses to re-render a folder that is not an experiment', async () => {
    const r = await runCli(['experiment', '--rerender', '/nonexistent/run']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      "--rerender: /nonexistent/run is not an experiment's folder (it needs result.json and workspace/steper.db).",
    );
  }, 60_000);

  it('rejects an unknown device with the choices', async () => {
    const r = await runCli(['experiment', '--quick', '--device', 'tpu']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--device: "tpu" is not one of cpu, cuda.');
  }, 60_000);

  it('takes a GPU bundle or a GPU run, not both, and only a folder a GPU run wrote', async () => {
    const both = await runCli(['experiment', '--quick', '--gpu-bundle', 'b.tar.gz', '--trained-on', 'x']);
    expect(both.code).toBe(1);
    expect(both.stderr).toContain(
      '--gpu-bundle writes a bundle and --trained-on evaluates its run: one at a time.',
    );
    const empty = mkdtempSync(join(tmpdir(), 'steper-run-'));
    const r = await runCli(['experiment', '--quick', '--trained-on', empty]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `--trained-on: ${empty} has no run.manifest.json or runs.json: not the output of a GPU run.`,
    );
    rmSync(empty, { recursive: true, force: true });
  }, 60_000);
});

/** The evidence teacher on the first n test questions of a small demo, with IRCoT and without retrieval. */
async function evidenceRuns(wb: ReturnType<typeof testWorkbench>, n: number) {
  const demo = await smallDemo(wb);
  const retriever = wb.retrievers.get(demo.corpusId);
  const questions = wb.store.questionSets.questions(demo.questionSetIds.test).slice(0, n);
  const run = (loop: 'ircot' | 'no-retrieval') =>
    Promise.all(
      questions.map((q) =>
        runLoop(q, {
          retriever,
          generator: new EvidenceTeacher(),
          config: { loop, maxSteps: 5, topK: 4, maxTokens: 64, promptStyle: 'teacher' },
        }),
      ),
    );
  return { questions, ir: await run('ircot'), nr: await run('no-retrieval') };
}

describe('where the chains break', () => {
  const fact = {
    text: 'Golden Valley stars Bram Barisdale.',
    passageTitle: 'Golden Valley',
    passageId: 'syn-1',
    subQuestion: 'Who is the lead actor of Golden Valley?',
    answer: 'Bram Barisdale',
  };
  it('tells a right fact in any wording from a copying error, a wrong relation and a wrong entity', () => {
    expect(stepOutcome('Golden Valley stars Bram Barisdale.', fact, 'star')).toBe('right');
    expect(stepOutcome(' The lead actor of Golden Valley is Bram Barisdale. ', fact, 'star')).toBe('right');
    expect(stepOutcome('The lead actor of Golden Valley is Zane Halford.', fact, 'star')).toBe('wrongObject');
    expect(stepOutcome('Golden Valley came out in 2020.', fact, 'star')).toBe('wrongRelation');
    expect(stepOutcome('Tower Valley stars Bram Barisdale.', fact, 'star')).toBe('wrongSubject');
    expect(stepOutcome('', fact, 'star')).toBe('none');
    expect(stepOutcome(undefined, fact, 'star')).toBe('none');
  });

  it('counts first steps on chain questions, and second steps after a right first', async () => {
    const wb = testWorkbench();
    const { questions, ir, nr } = await evidenceRuns(wb, 12);
    const chains = questions.filter((q) => ['compositional', 'bridge', 'inference'].includes(q.type!));
    const types = ['compositional', 'inference', 'bridge'];
    const teacher = stepErrors('T', [{ seed: 1, traces: ir }], questions, types);
    expect(teacher.rows).toBe(chains.length);
    expect(teacher.first.right).toBe(chains.length);
    expect(teacher.second.right + teacher.second.wrongRelation).toBe(chains.length);
    // No retrieval: the loop writes no sentence of its own at step 1.
    const blind = stepErrors(
      'N',
      [
        { seed: 1, traces: nr },
        { seed: 2, traces: nr },
      ],
      questions,
      types,
    );
    expect(blind.rows).toBe(2 * chains.length);
    expect(blind.first.right).toBe(0);
  }, 120_000);
});
