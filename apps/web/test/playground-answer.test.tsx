import { ANSWER_FLAGS, exactMatch, extractAnswer, type Trace } from '@steper/core';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { LoadedStudentInfo } from '../src/inference/protocol';
import { StudentColumn } from '../src/views/playground/StudentColumn';
import type { RunState } from '../src/views/playground/state';

const student: LoadedStudentInfo = {
  id: 'steper',
  label: 'StepER',
  objective: 'steper-difficulty',
  backend: 'wasm',
  variant: 'fp32',
  modelBytes: 1,
  reason: '',
  training: {},
  params: 748_672,
  promptFormat: 'plain',
  sessionMs: 1,
};

/** A finished run whose answering step (a student's aggregation) wrote `output`. */
function runAnswering(output: string): RunState {
  const flag = ANSWER_FLAGS.ircot;
  // As core's loop builds a student's final output: the flag, then the first line written after it.
  const finalOutput = `${flag} ${(output.split('\n')[0] ?? '').trim()}`;
  const trace: Trace = {
    questionId: 'q1',
    question: 'Where was the director of The Grey Harbour born?',
    answers: ['Varnholt'],
    loop: 'ircot',
    generator: 'student',
    config: { loop: 'ircot', maxSteps: 5, topK: 4, maxTokens: 48, promptStyle: 'student' },
    steps: [
      {
        step: 1,
        stage: 'agg',
        query: 'q',
        retrieved: [],
        accessibleIds: [],
        prompt: `… ${flag}`,
        output,
        sentence: '',
        retrievalMs: 1,
        generationMs: 1,
      },
    ],
    chain: [],
    aggregatedAt: 1,
    earlyStop: false,
    finalOutput,
    prediction: extractAnswer(finalOutput, flag),
    totalMs: 2,
  };
  return { runId: 1, studentId: 'steper', questionId: 'q1', status: 'done', steps: [], trace, error: null };
}

const render = (run: RunState) =>
  renderToStaticMarkup(<StudentColumn student={student} run={run} gold={['Varnholt']} />);
/** The text of the element with this test id (no nested elements inside it in these cases). */
const textOf = (html: string, testId: string) =>
  new RegExp(`data-testid="${testId}"[^>]*>([^<]*)<`).exec(html)?.[1] ?? null;

describe('the playground’s final answer', () => {
  it('is the answer the metrics score, with the whole output of the answering step shown apart', () => {
    const html = render(runAnswering(' Varnholt.\nQ: Who directed The Grey Harbour?\nA: Aldo Brin'));
    expect(textOf(html, 'playground-prediction')).toBe('Varnholt');
    expect(textOf(html, 'playground-raw-output')).toContain('Q: Who directed The Grey Harbour?');
    // The same EM / F1 / Acc an evaluation records for this prediction.
    expect(textOf(html, 'answer-em')).toBe('EM 100');
    expect(textOf(html, 'answer-acc')).toBe('Acc 100');
  });

  it('shows a repeated answer flag as the metrics see it, not trimmed for show', () => {
    const run = runAnswering(' Varnholt. So the answer is: Varnholt. So the answer is');
    const html = render(run);
    // core's extractAnswer keeps the rest of the flag's line, repeats included, and EM scores that.
    expect(textOf(html, 'playground-prediction')).toBe(run.trace!.prediction);
    expect(textOf(html, 'answer-em')).toBe(`EM ${exactMatch(run.trace!.prediction, ['Varnholt']) * 100}`);
    expect(textOf(html, 'answer-acc')).toBe('Acc 100');
  });
});

describe('the playground’s note on a student', () => {
  it('says what the student is and, from the manifest, what share of held-out questions it answers', () => {
    const measured: LoadedStudentInfo = {
      ...student,
      description: '0.75M-parameter Qwen2 student distilled with StepER from the offline evidence teacher',
      training: { optimizerSteps: 1526, trainSeconds: 1800, finalLoss: 0.31, device: 'cpu' },
      heldOut: {
        runtime: 'onnxruntime-node',
        variant: 'int8',
        questionTypes: ['compositional', 'inference', 'bridge'],
        questions: 150,
        correct: 52,
        em: 52 / 150,
      },
    };
    const html = renderToStaticMarkup(<StudentColumn student={measured} run={undefined} gold={[]} />);
    expect(textOf(html, 'held-out-em')).toBe('34.7% of held-out multi-hop questions (52 of 150)');
    expect(html).toContain(
      '0.75M-parameter Qwen2 student distilled with StepER from the offline evidence teacher; answers <span',
    );
    expect(html).toContain('Trained 1526 optimizer steps on cpu in 1800 s');
    expect(html).not.toMatch(/nonsense/);
  });

  it("says when prompts go through the model's chat template", () => {
    const chat = renderToStaticMarkup(
      <StudentColumn student={{ ...student, promptFormat: 'chat' }} run={undefined} gold={[]} />,
    );
    expect(textOf(chat, 'chat-format')).toContain('a user turn in its own chat template');
    const plain = renderToStaticMarkup(
      <StudentColumn student={{ ...student, training: { optimizerSteps: 3 } }} run={undefined} gold={[]} />,
    );
    expect(plain).not.toContain('chat-format');
  });

  it('without a description says the size it can count', () => {
    const html = renderToStaticMarkup(
      <StudentColumn student={{ ...student, training: { optimizerSteps: 3 } }} run={undefined} gold={[]} />,
    );
    expect(html).toContain('A 0.75M-parameter student. Trained 3 optimizer steps');
  });
});
