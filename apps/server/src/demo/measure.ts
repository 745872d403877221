import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Bm25Index, Bm25Retriever, exactMatch, type Question, runLoop } from '@steper/core';
import { MULTI_HOP_EM } from '../experiment/presets';
import { ONNX_VARIANTS, type OnnxVariant } from '../students/model-dir';
import { OnnxStudent } from '../students/onnx-student';

/** The primary metric's question types: no yes/no guessing. */
export const MULTI_HOP_TYPES: readonly string[] = MULTI_HOP_EM.questionTypes;

export interface DemoLoop {
  maxSteps: number;
  topK: number;
  maxTokens: number;
}

export interface DemoQuestionLike {
  id: string;
  question: string;
  answers: string[];
  type?: string;
}

export interface StudentMeasure {
  variant: OnnxVariant;
  questions: number;
  correct: number;
  em: number;
  /** Each question's prediction and its steps' outputs, for agreement between variants. */
  answers: { id: string; prediction: string; outputs: string[]; em: number }[];
}

/**
 * A shipped student through the playground's loop in Node: core's runLoop (IRCoT, student
 * prompts), BM25 over the shipped index, the ONNX graph in onnxruntime-node on one thread (the
 * browser's WASM without cross-origin isolation), greedy tokens. EM as evaluations score it.
 */
export async function measureStudent(
  studentDir: string,
  variant: OnnxVariant,
  indexPath: string,
  loop: DemoLoop,
  questions: readonly DemoQuestionLike[],
): Promise<StudentMeasure> {
  const retriever = new Bm25Retriever(Bm25Index.fromBytes(new Uint8Array(readFileSync(indexPath))));
  const student = await OnnxStudent.load(studentDir, { variant, threads: 1 });
  try {
    const answers: StudentMeasure['answers'] = [];
    for (const q of questions) {
      const question: Question = {
        id: q.id,
        dataset: 'synthetic',
        question: q.question,
        answers: q.answers,
        evidence: [],
        goldTitles: [],
        goldPassageIds: [],
      };
      const trace = await runLoop(question, {
        retriever,
        generator: student,
        config: { loop: 'ircot', ...loop, promptStyle: 'student' },
      });
      answers.push({
        id: q.id,
        prediction: trace.prediction,
        outputs: trace.steps.map((s) => s.output),
        em: exactMatch(trace.prediction, q.answers),
      });
    }
    const correct = answers.reduce((n, a) => n + a.em, 0);
    return {
      variant,
      questions: answers.length,
      correct,
      em: answers.length ? correct / answers.length : 0,
      answers,
    };
  } finally {
    await student.close();
  }
}

/** Where a variant's graph lies in an export folder. */
export const variantPath = (dir: string, variant: OnnxVariant): string =>
  join(dir, 'onnx', ONNX_VARIANTS[variant]);
