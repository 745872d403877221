import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sequenceFit } from '../src/experiment/tokens';
import { defaultsFor, modelParameters } from '../src/training/students';
import { callerFor, failure } from './support/caller';
import { requireTrainerVenv } from './support/tinyTeacher';
import { smallDemo, testWorkbench } from './support/workspace';

describe('defaults that follow the student', () => {
  it('gives a tiny model the CPU recipe and a 0.5B one the paper’s settings', () => {
    const tiny = defaultsFor(0.8e6);
    expect(tiny).toMatchObject({ lr: 3e-3, device: 'cpu', gradient_checkpointing: false, batch_size: 8 });
    const paper = defaultsFor(494e6);
    expect(paper).toMatchObject({
      lr: 5e-6,
      batch_size: 16,
      gradient_checkpointing: true,
      max_seq_len: 2048,
    });
    expect(defaultsFor(135e6).lr).toBe(1e-4);
    // Unknown size: the paper's.
    expect(defaultsFor(null).lr).toBe(5e-6);
    expect(defaultsFor(1e6, 832).max_seq_len).toBe(832);
  });
});

describe('the researcher’s loop over the API, with the real trainer (tiny model on CPU)', () => {
  it('builds the dataset’s tiny student on demand, trains it, exports it and evaluates it', async () => {
    requireTrainerVenv();
    const wb = testWorkbench();
    const demo = await smallDemo(wb);
    const api = callerFor(wb);
    wb.runner.start();

    const before = await api.training.students({ datasetId: demo.datasetId });
    expect(before[0]).toMatchObject({ id: 'tiny', dir: null });
    expect(before[0]!.label).toMatch(/Tiny student for this world.*built on first use/);

    const tiny = await api.training.prepareStudent({ datasetId: demo.datasetId });
    expect(tiny.dir).toBeTruthy();
    const dir = tiny.dir!;
    // Its size, counted from the weights, is the recipe's ~0.8M, and the estimate from its config agrees.
    expect(tiny.parameters).toBeGreaterThan(0.5e6);
    expect(tiny.parameters).toBeLessThan(2e6);
    expect(tiny.defaults).toMatchObject({ lr: 3e-3, device: 'cpu' });
    // Nothing is cut: the sequence length holds the longest example in the student's own tokens.
    const examples = wb.store.path(
      join(wb.store.stepDatasets.require(demo.datasetId).exportDir, 'examples.jsonl'),
    );
    const fit = sequenceFit(examples, dir, tiny.defaults.max_seq_len);
    expect(fit.cut).toBe(0);
    expect(tiny.defaults.max_seq_len - fit.longest).toBeLessThan(64);
    expect(tiny.note).toMatch(/not to reason/);
    // Built once: asked again, the same folder; the query now names it.
    expect((await api.training.prepareStudent({ datasetId: demo.datasetId })).dir).toBe(dir);
    expect((await api.training.students({ datasetId: demo.datasetId }))[0]!.dir).toBe(dir);

    const { run, job } = await api.training.start({
      name: 'tiny vanilla',
      datasetId: demo.datasetId,
      config: { model: dir, objective: 'vanilla', ...tiny.defaults, epochs: 1, max_steps: 3, eval_every: 0 },
    });
    expect((await failure(api.training.export({ id: run.id }))).message).toMatch(
      /is (queued|running): only a finished run has a student to export/,
    );
    expect((await wb.runner.waitFor(job!.id)).status).toBe('done');

    // Finished, not exported: the evaluation form offers to export it.
    const offered = await api.evaluations.generators();
    expect(offered.unexported).toEqual([
      { runId: run.id, label: 'Student: tiny vanilla · vanilla', exportJob: null },
    ]);
    expect(offered.generators.map((g) => g.id)).not.toContain(`student:${run.id}`);

    const exportJob = await api.training.export({ id: run.id });
    // Asked twice while it runs: the same job.
    expect((await api.training.export({ id: run.id })).id).toBe(exportJob.id);
    const exported = await wb.runner.waitFor(exportJob.id);
    expect(exported.error).toBeNull();
    expect(exported.status).toBe('done');

    const after = await api.evaluations.generators();
    expect(after.unexported).toEqual([]);
    const student = after.generators.find((g) => g.id === `student:${run.id}`);
    expect(student).toMatchObject({ kind: 'student', spec: { kind: 'onnx' } });
    const exportDir = (student!.spec as { dir: string }).dir;
    // The export cuts test prompts where training cut them.
    const config = JSON.parse(readFileSync(join(exportDir, 'config.json'), 'utf8'));
    expect(config.steper_context_tokens).toBe(tiny.defaults.max_seq_len);
    expect(modelParameters(dir)).toBe(tiny.parameters);

    const evaluation = await api.evaluations.start({
      name: 'tiny vanilla on test',
      corpusId: demo.corpusId,
      questionSetId: demo.questionSetIds.test,
      generator: student!.spec,
      limit: 3,
      maxTokens: 24,
    });
    const evaluated = await wb.runner.waitFor(evaluation.job!.id);
    expect(evaluated.error).toBeNull();
    expect((await api.evaluations.get({ id: evaluation.evaluation.id })).tracesDone).toBe(3);
  }, 600_000);

  it('estimates a model’s size from its config when it has no single weights file', () => {
    const wb = testWorkbench();
    const dir = wb.store.path('students/qwen-shape');
    mkdirSync(dir, { recursive: true });
    // Qwen2.5-0.5B's published config: 494,032,768 parameters (biases and norms included).
    writeFileSync(
      join(dir, 'config.json'),
      JSON.stringify({
        hidden_size: 896,
        intermediate_size: 4864,
        num_hidden_layers: 24,
        num_attention_heads: 14,
        num_key_value_heads: 2,
        vocab_size: 151936,
        tie_word_embeddings: true,
      }),
    );
    expect(Math.abs(modelParameters(dir)! / 494_032_768 - 1)).toBeLessThan(0.01);
    expect(modelParameters(join(dir, 'missing'))).toBeNull();
  });
});
