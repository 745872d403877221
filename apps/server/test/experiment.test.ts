import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { compareStudents, EvidenceTeacher, runLoop, scoreTraces, type Trace } from '@steper/core';
import { describe, expect, it } from 'vitest';
import { summarizeEvaluation } from '../src/evaluation/summary';
import { chartSvg, svgToPng } from '../src/experiment/plots';
import { ExperimentPresetSchema, PRESETS } from '../src/experiment/presets';
import { type ExperimentResult, renderReport } from '../src/experiment/report';
import { epochTokens } from '../src/experiment/tokens';
import { EXAMPLES_FILE } from '../src/stepdata/build';
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
  }, 120_000);

  it('writes a report with Table 1 CIs, Table 7, Table 8, paired tests and the no-claims notice', async () => {
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
    const system = (name: string, summary: typeof sa, objective: string | null) => ({
      name,
      objective,
      seed: objective ? 1 : null,
      evaluationId: `eval_${name}`,
      summary,
      tokensTrained: objective ? 1234 : null,
      trainSeconds: objective ? 5 : null,
    });
    const result: ExperimentResult = {
      preset: 'quick',
      claims: false,
      budget: 'epoch',
      command: 'steper experiment --quick',
      commit: 'abc123',
      startedAt: '2026-01-01T00:00:00.000Z',
      wallSeconds: 90,
      world: { seed: 7, passages: 300, questions: 60 },
      teacher: { traces: 10, kept: 8, examples: { init: 8, exp: 5, agg: 8 } },
      systems: [system('StepER (uniform)', sa, 'steper-uniform'), system('Vanilla-KD', sb, 'vanilla')],
      comparisons: [
        {
          a: 'StepER (uniform)',
          b: 'Vanilla-KD',
          result: compareStudents(scoreTraces(a, questions).perTrace, scoreTraces(b, questions).perTrace, {
            resamples: 200,
          }),
        },
      ],
      figures: { accuracyLatency: 'f6.png', sigma: 'f7.png' },
    };
    const md = renderReport(result);
    expect(md).toContain('it claims nothing');
    expect(md).toContain('`abc123`');
    const em = sa.intervals.em!;
    expect(md).toContain(
      `${(100 * em.mean).toFixed(1)} [${(100 * em.ci[0]).toFixed(1)}, ${(100 * em.ci[1]).toFixed(1)}]`,
    );
    expect(md).toMatch(/## Table 7[\s\S]*\| StepER \(uniform\) \|/);
    expect(md).toMatch(/## Table 8[\s\S]*Duplicativeness/);
    const diff = (100 * result.comparisons[0]!.result.em.diff).toFixed(1);
    expect(md).toContain(`| StepER (uniform) vs Vanilla-KD | EM |`);
    expect(md).toContain(`| ${diff} [`);
    expect(md).toContain('1,234');
    expect(md).toContain('Training budget (equal epochs)');
    expect(renderReport({ ...result, budget: 'token' })).toContain('Training budget (equal training tokens)');
    expect(md).toContain('![Figure 7');
  }, 120_000);
});
