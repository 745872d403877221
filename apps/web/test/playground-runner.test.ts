import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { greedyDecode, prefillChunkFor, type TensorCtor } from '../src/inference/decoder';
import { parseDemoManifest } from '../src/inference/manifest';
import { parseModelConfig } from '../src/inference/model-config';
import { StudentGenerator } from '../src/inference/student-generator';
import { loadTokenizer } from '../src/inference/tokenizer';

// The browser's runner on onnxruntime-web's own WASM backend (its Node build), with the shipped
// demo students, against the tokens transformers generated from the trained checkpoints.
const DEMO = join(import.meta.dirname, '..', '..', '..', 'public', 'demo');
const json = (path: string) => JSON.parse(readFileSync(join(DEMO, path), 'utf8')) as unknown;
const reference = json('reference.json') as {
  prompt: string;
  maxTokens: number;
  students: Record<string, { promptIds: number[]; generatedIds: number[] }>;
};
ort.env.wasm.numThreads = 1;
const Tensor = ort.Tensor as unknown as TensorCtor;

const manifest = parseDemoManifest(json('manifest.json'), 'public/demo/manifest.json');
const FILES: Record<string, string> = {
  fp32: 'model.onnx',
  int8: 'model_quantized.onnx',
  fp16: 'model_fp16.onnx',
};

/** The shipped variant's graph: fp32 when there, else int8, else fp16 (as the WASM loader picks). */
function graphOf(id: string): string {
  const { variants } = manifest.students.find((s) => s.id === id)!;
  return FILES[(['fp32', 'int8', 'fp16'] as const).find((v) => variants[v] !== undefined)!]!;
}

async function load(id: string) {
  const session = await ort.InferenceSession.create(join(DEMO, id, 'onnx', graphOf(id)), {
    executionProviders: ['wasm'],
  });
  const dims = parseModelConfig(json(`${id}/config.json`), `${id}/config.json`);
  const tokenizer = loadTokenizer(json(`${id}/tokenizer.json`), json(`${id}/tokenizer_config.json`));
  return { session, dims, tokenizer };
}

describe('the in-browser student runner (onnxruntime-web, WASM)', () => {
  for (const [id, ref] of Object.entries(reference.students)) {
    it(`${id}: tokenizes as transformers and decodes its greedy tokens with the KV cache`, async () => {
      const { session, dims, tokenizer } = await load(id);
      const promptIds = tokenizer.encode(reference.prompt);
      expect(promptIds).toEqual(ref.promptIds);
      const result = await greedyDecode(session, Tensor, dims, promptIds, {
        maxTokens: reference.maxTokens,
        stopIds: [],
      });
      expect(result.ids).toEqual(ref.generatedIds);
      expect(result.stoppedBy).toBe('max-tokens');
      // Prefill in chunks gives the same tokens as one whole-prompt call.
      const chunked = await greedyDecode(session, Tensor, dims, promptIds, {
        maxTokens: reference.maxTokens,
        stopIds: [],
        prefillChunk: 7,
      });
      expect(chunked.ids).toEqual(ref.generatedIds);
      await session.release();
    }, 60_000);
  }

  it('the generator stops at a stop string and reports what it generated', async () => {
    const { session, dims, tokenizer } = await load('steper');
    const ref = reference.students.steper!;
    const full = tokenizer.decode(ref.generatedIds);
    // A stop string taken from the reference continuation: generation must end right there.
    const stop = full.trim().split(/\s+/)[2]!;
    let ids: number[] = [];
    let stopped = '';
    const generator = new StudentGenerator('steper', session, Tensor, dims, tokenizer, {
      onStats: (s) => {
        ids = s.ids;
        stopped = s.stoppedBy;
      },
    });
    const out = await generator.generate({
      prompt: reference.prompt,
      stop: [stop],
      maxTokens: reference.maxTokens,
      context: {
        loop: 'ircot',
        stage: 'init',
        step: 1,
        question: {
          id: 'q',
          dataset: 'synthetic',
          question: 'q',
          answers: ['a'],
          evidence: [],
          goldTitles: [],
          goldPassageIds: [],
        },
        passages: [],
        chain: [],
      },
    });
    expect(stopped).toBe('stop-string');
    expect(out.text).toBe(full.slice(0, full.indexOf(stop)));
    expect(ids).toEqual(ref.generatedIds.slice(0, ids.length));
    expect(ids.length).toBeLessThan(reference.maxTokens);
    await session.release();
  }, 60_000);

  it('bounds the prefill logits by the vocabulary size', () => {
    expect(prefillChunkFor(2048)).toBe(512);
    expect(prefillChunkFor(151_936)).toBe(110);
  });
});
