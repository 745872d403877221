import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDemoManifest } from '../src/inference/manifest';
import { cutAtStop } from '../src/inference/student-generator';
import { initialState, reducer, runSummary } from '../src/views/playground/state';

const stats = (completionTokens: number, firstTokenMs: number, totalMs: number) => ({
  promptTokens: 100,
  completionTokens,
  firstTokenMs,
  totalMs,
  decodeTokensPerSec: null,
  stoppedBy: 'eos' as const,
  ids: [],
  stop: ['\n'],
  maxTokens: 48,
});

describe('playground state', () => {
  it('builds steps from streamed events and sums tokens/s and time per step', () => {
    let s = reducer(initialState, { type: 'queued', runId: 1, studentId: 'steper', questionId: 'q' });
    s = reducer(s, {
      type: 'event',
      event: { type: 'retrieval', runId: 1, step: 1, query: 'q?', passages: [], ms: 2 },
    });
    s = reducer(s, {
      type: 'event',
      event: { type: 'token', runId: 1, step: 1, stage: 'init', text: 'The', tokens: 1 },
    });
    expect(s.runs[1]!.steps[0]).toMatchObject({ step: 1, query: 'q?', text: 'The', stage: 'init' });
    const gen = (step: number, st: ReturnType<typeof stats>) =>
      reducer(s, {
        type: 'event',
        event: { type: 'generation', runId: 1, step, stage: 'exp', output: 'x', stats: st },
      });
    s = gen(1, stats(11, 100, 1100));
    s = gen(2, stats(21, 200, 2200));
    const sum = runSummary(s.runs[1]!);
    expect(sum.steps).toBe(2);
    expect(sum.tokens).toBe(32);
    expect(sum.tokensPerSec).toBeCloseTo(32 / 3.3);
    // Decode speed leaves out the first token and its wait: (10 + 20) tokens in (1.0 + 2.0) s.
    expect(sum.decodeTokensPerSec).toBeCloseTo(10);
    expect(sum.meanFirstTokenMs).toBe(150);
    expect(sum.meanStepMs).toBe(1650);
  });

  it('ignores events of runs it does not know', () => {
    const s = reducer(initialState, { type: 'event', event: { type: 'done', runId: 9, trace: {} as never } });
    expect(s).toEqual(initialState);
  });
});

describe('stop strings', () => {
  it('cuts at the earliest stop string', () => {
    expect(cutAtStop('A b.\nC', ['\n'])).toEqual({ text: 'A b.', stopped: true });
    expect(cutAtStop('one two three', ['three', 'two'])).toEqual({ text: 'one ', stopped: true });
    expect(cutAtStop('no stop', ['\n', ''])).toEqual({ text: 'no stop', stopped: false });
  });
});

describe('demo manifest', () => {
  it('accepts the shipped one, whose files all exist with their listed sizes', () => {
    const dir = join(import.meta.dirname, '..', '..', '..', 'public', 'demo');
    const m = parseDemoManifest(
      JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')),
      'manifest.json',
    );
    expect(m.students.map((s) => s.id)).toEqual(['vanilla', 'steper']);
    const files = [
      m.corpus.index,
      ...m.students.flatMap((s) => [s.config, s.tokenizer, s.tokenizerConfig, ...Object.values(s.variants)]),
    ];
    for (const f of files) expect(readFileSync(join(dir, f.path)).byteLength, f.path).toBe(f.bytes);
  });

  it('names the field and the fix when a manifest is wrong', () => {
    expect(() => parseDemoManifest({ format: 'steper-demo', version: 1 }, 'demo/manifest.json')).toThrow(
      /demo\/manifest.json: field "corpus": .*scripts\/build-demo-student.sh/,
    );
  });
});
