import { resolve } from 'node:path';
import type { Generator } from '@steper/core';
import type { Store } from '../store/store';
import { createTeacher } from '../teachers/create';
import type { Endpoints } from '../teachers/endpoints';
import { readStudentModel } from './model-dir';
import { OnnxStudent } from './onnx-student';
import type { GeneratorSpec } from './spec';

export interface EvalGenerator {
  generator: Generator;
  describe: Record<string, unknown>;
  /** Checks it can answer before anything is written. */
  probe(signal?: AbortSignal): Promise<void>;
  close(): Promise<void>;
}

/**
 * The generator a spec names. An ONNX student is loaded in-process (and must be closed); an
 * endpoint is the teacher client itself — a student is just another endpoint, driven by the same
 * loop with student prompts — and the evidence teacher needs nothing.
 */
export async function createEvalGenerator(
  spec: GeneratorSpec,
  deps: { store: Store; endpoints: Endpoints; owner: string | null },
): Promise<EvalGenerator> {
  if (spec.kind === 'onnx') {
    const dir = resolve(spec.dir);
    const student = await OnnxStudent.load(dir, {
      variant: spec.variant,
      ...(spec.threads ? { threads: spec.threads } : {}),
    });
    return {
      generator: student,
      describe: { ...spec, dir, label: student.label, dims: student.dims },
      probe: async () => {},
      close: () => student.close(),
    };
  }
  const teacher = createTeacher(spec, deps);
  return { ...teacher, close: async () => {} };
}

/** Checks an ONNX student's folder without opening a session: for validation before writing. */
export function checkGeneratorSpec(spec: GeneratorSpec): void {
  if (spec.kind === 'onnx') readStudentModel(resolve(spec.dir), spec.variant);
}
