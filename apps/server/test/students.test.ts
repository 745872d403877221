import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderStudentPrompt } from '@steper/core';
import { describe, expect, it } from 'vitest';
import { appRouter } from '../src/routers/_app';
import { EXAMPLES_FILE } from '../src/stepdata/build';
import { cutAtStop, fitContext, OnnxStudent, readStudentModel } from '../src/students';
import { createCallerFactory, createContext } from '../src/trpc';
import { studentInWorkspace, torchGreedy, trainedTinyStudent } from './students.fixture';
import { serveModel } from './support/tinyTeacher';
import { smallDemo, tempDir, testWorkbench } from './support/workspace';

const createCaller = createCallerFactory(appRouter);

/** The demo's step data, trained on for a few steps and exported: a real, if weak, student. */
async function demoStudent(): Promise<{ dir: string; prompts: string[] }> {
  const wb = testWorkbench();
  const demo = await smallDemo(wb);
  const dataset = wb.store.stepDatasets.require(demo.datasetId);
  const dir = await trainedTinyStudent(wb.store.path(join(dataset.exportDir, EXAMPLES_FILE)));
  const questions = wb.store.questionSets.questions(demo.questionSetIds.test).slice(0, 2);
  const retriever = wb.retrievers.get(demo.corpusId);
  const prompts = await Promise.all(
    questions.map(async (q) =>
      renderStudentPrompt('ircot', q.question, await retriever.search(q.question, 2)),
    ),
  );
  return { dir, prompts };
}

describe('cutAtStop', () => {
  it('cuts at the earliest stop string and says whether one was found', () => {
    expect(cutAtStop('a b\nc So the answer is: x', ['\n', 'So'])).toEqual({ text: 'a b', stopped: true });
    expect(cutAtStop('abc', ['', 'z'])).toEqual({ text: 'abc', stopped: false });
  });
});

describe('fitContext', () => {
  it('keeps the last tokens that leave room for the new ones, as the trainer cuts a prompt from its start', () => {
    const ids = [1, 2, 3, 4, 5, 6, 7, 8];
    expect(fitContext(ids, 3, 8)).toEqual([4, 5, 6, 7, 8]);
    expect(fitContext(ids, 2, 10)).toEqual(ids);
    expect(fitContext(ids, 3, undefined)).toEqual(ids);
    expect(fitContext(ids, 20, 8)).toEqual([8]);
  });
});

describe('ONNX student (onnxruntime-node)', () => {
  it('cuts a prompt longer than its training context to that context, and not a shorter one', async () => {
    const { dir, prompts } = await demoStudent();
    const copy = join(tempDir(), 'student');
    cpSync(dir, copy, { recursive: true });
    const config = JSON.parse(readFileSync(join(copy, 'config.json'), 'utf8'));
    writeFileSync(join(copy, 'config.json'), JSON.stringify({ ...config, steper_context_tokens: 40 }));
    expect(readStudentModel(copy).dims.contextTokens).toBe(40);
    expect(readStudentModel(dir).dims.contextTokens).toBeUndefined();
    const student = await OnnxStudent.load(copy);
    try {
      const context = {} as never;
      expect(student.encode(prompts[0]!).length).toBeGreaterThan(36);
      const long = await student.generate({ prompt: prompts[0]!, stop: [], maxTokens: 4, context });
      expect(long.promptTokens).toBe(36);
      const short = await student.generate({ prompt: 'Wikipedia Title:', stop: [], maxTokens: 4, context });
      expect(short.promptTokens).toBe(student.encode('Wikipedia Title:').length);
    } finally {
      await student.close();
    }
  }, 600_000);

  it('greedy tokens equal PyTorch generate on the same exported student', async () => {
    const { dir, prompts } = await demoStudent();
    const student = await OnnxStudent.load(dir);
    try {
      const reference = await torchGreedy(dir, prompts, 24);
      for (const [i, prompt] of prompts.entries()) {
        expect(student.encode(prompt)).toEqual(reference[i]!.prompt_ids);
        const ids = await student.greedyIds(prompt, 24);
        expect(ids.length).toBeGreaterThan(0);
        expect(ids).toEqual(reference[i]!.new_ids);
      }
    } finally {
      await student.close();
    }
  }, 600_000);

  it('honours maxTokens and the loop stop strings', async () => {
    const { dir, prompts } = await demoStudent();
    const student = await OnnxStudent.load(dir);
    try {
      const ids = await student.greedyIds(prompts[0]!, 12);
      const full = student.decode(ids);
      const context = {} as never;
      const capped = await student.generate({ prompt: prompts[0]!, stop: [], maxTokens: 3, context });
      expect(capped.completionTokens).toBeLessThanOrEqual(3);
      expect(full.startsWith(capped.text)).toBe(true);
      // A stop string taken from the greedy text itself: the output ends right before it.
      const stop = full.trim().slice(-2);
      const cut = await student.generate({ prompt: prompts[0]!, stop: [stop], maxTokens: 12, context });
      expect(cut.text).toBe(full.slice(0, full.indexOf(stop)));
    } finally {
      await student.close();
    }
  }, 600_000);

  it('names the missing file of a wrong model folder', () => {
    const empty = tempDir();
    expect(() => readStudentModel(join(empty, 'nope'))).toThrow(/does not exist.*steper_trainer export/);
    expect(() => readStudentModel(empty)).toThrow(/has no onnx\/model\.onnx/);
  });
});

describe('a student behind an OpenAI-compatible server (transformers serve)', () => {
  it('runs the same loop over the completions API and answers as the ONNX student does', async () => {
    const wb = testWorkbench();
    const demo = await smallDemo(wb);
    const dataset = wb.store.stepDatasets.require(demo.datasetId);
    const dir = await trainedTinyStudent(wb.store.path(join(dataset.exportDir, EXAMPLES_FILE)));
    const server = await serveModel(dir);
    try {
      const api = createCaller(createContext(wb)());
      wb.runner.start();
      const common = {
        corpusId: demo.corpusId,
        questionSetId: demo.questionSetIds.test,
        limit: 2,
        maxSteps: 2,
        maxTokens: 12,
        concurrency: 2,
      };
      const served = await api.evaluations.start({
        ...common,
        promptStyle: 'student',
        generator: { kind: 'openai', baseURL: server.baseURL, model: server.model, api: 'completions' },
      });
      const onnx = await api.evaluations.start({
        ...common,
        generator: { kind: 'onnx', dir: studentInWorkspace(wb, dir) },
      });
      for (const job of [served.job!, onnx.job!]) {
        const done = await wb.runner.waitFor(job.id);
        expect(done.error).toBeNull();
      }
      const a = wb.store.evaluations.allTraces(served.evaluation.id);
      const b = wb.store.evaluations.allTraces(onnx.evaluation.id);
      expect(a).toHaveLength(2);
      // Same model, same prompts, greedy: the first step's prompt and output agree.
      expect(a[0]!.trace.steps[0]!.prompt).toBe(b[0]!.trace.steps[0]!.prompt);
      expect(a[0]!.trace.steps[0]!.output).toBe(b[0]!.trace.steps[0]!.output);
    } finally {
      await server.stop();
    }
  }, 600_000);
});
