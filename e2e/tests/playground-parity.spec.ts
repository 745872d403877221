import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import {
  DEMO_DIR,
  encode,
  loadNodeStudent,
  nodeGenerate,
  shippedVariant,
  variantFile,
} from './playground-node';

/**
 * The ONNX runner against an independent implementation: the tokens transformers (PyTorch, from
 * the trained checkpoint) generated greedily when the demo was built (reference.json), and its
 * tokenizer's ids for the same prompt. No browser: this pins what the browser tests compare with.
 */
const reference = JSON.parse(readFileSync(join(DEMO_DIR, 'reference.json'), 'utf8')) as {
  prompt: string;
  maxTokens: number;
  students: Record<string, { promptIds: number[]; generatedIds: number[] }>;
};

for (const [studentId, ref] of Object.entries(reference.students)) {
  const variant = shippedVariant(studentId);
  test(`${studentId}: tokenizer and ${variant} greedy tokens in onnxruntime-node match transformers (fp32)`, async () => {
    const student = await loadNodeStudent(join(DEMO_DIR, studentId), variantFile(variant));
    const promptIds = encode(student, reference.prompt);
    expect(promptIds).toEqual(ref.promptIds);
    const result = await nodeGenerate(student, promptIds, null, reference.maxTokens);
    expect(result.ids).toEqual(ref.generatedIds);
    await student.session.release();
  });
}

test('the reference covers every shipped student', () => {
  const manifest = JSON.parse(readFileSync(join(DEMO_DIR, 'manifest.json'), 'utf8')) as {
    students: { id: string }[];
  };
  expect(Object.keys(reference.students).sort()).toEqual(manifest.students.map((s) => s.id).sort());
});
