import { describe, expect, it } from 'vitest';
import { startEvaluation } from '../src/evaluation/start';
import type { Workbench } from '../src/workbench';
import { startOpenAiDouble } from './support/openaiDouble';
import { smallDemo, testWorkbench } from './support/workspace';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const LIMIT = 16;

/**
 * Cancel-and-resume of an evaluation job, the student-side twin of resume.test.ts. The generator is
 * the fixed-latency OpenAI-compatible double (slow enough to be cancelled mid-run, and its text
 * depends only on the prompt), so the resumed evaluation must equal an uninterrupted one.
 */
describe('evaluation job: cancel and resume', () => {
  it('finishes with every trace exactly once and never calls the generator again for a finished question', async () => {
    const double = await startOpenAiDouble({ latencyMs: 25 });
    try {
      const config = (wb: Workbench, corpusId: string, questionSetId: string, name: string) =>
        startEvaluation(wb, {
          name,
          corpusId,
          questionSetId,
          loop: 'ircot',
          generator: {
            kind: 'openai',
            baseURL: double.baseURL,
            model: 'double',
            api: 'completions',
            concurrency: 4,
          },
          concurrency: 2,
          limit: LIMIT,
          bootstrap: { resamples: 200, seed: 0 },
        });

      const wb = testWorkbench();
      const demo = await smallDemo(wb);
      const questions = wb.store.questionSets.questions(demo.questionSetIds.train).slice(0, LIMIT);
      expect(questions).toHaveLength(LIMIT);
      const { evaluation, job } = await config(wb, demo.corpusId, demo.questionSetIds.train, 'cancelled');
      wb.runner.start();
      const deadline = Date.now() + 60_000;
      while (wb.store.evaluations.doneQuestionIds(evaluation.id).size < 4 && Date.now() < deadline)
        await sleep(5);
      wb.runner.cancel(job!.id);
      const cancelled = await wb.runner.waitFor(job!.id);
      expect(cancelled.status).toBe('cancelled');
      expect(wb.store.evaluations.require(evaluation.id).status).toBe('cancelled');

      const finished = wb.store.evaluations.doneQuestionIds(evaluation.id);
      expect(finished.size).toBeGreaterThanOrEqual(4);
      expect(finished.size).toBeLessThan(LIMIT);
      const requestsAtCancel = double.requests.length;
      const finishedQuestions = questions.filter((q) => finished.has(q.id)).map((q) => q.question);

      wb.runner.resume(job!.id);
      const resumed = await wb.runner.waitFor(job!.id);
      expect(resumed.error).toBeNull();
      expect(resumed.status).toBe('done');
      const done = wb.store.evaluations.require(evaluation.id);
      expect(done.status).toBe('done');

      // Every question exactly once, in question order.
      const traces = wb.store.evaluations.allTraces(evaluation.id);
      expect(traces.map((t) => t.questionId)).toEqual(questions.map((q) => q.id));
      expect(done.tracesDone).toBe(LIMIT);
      expect((done.metrics as { traces: number }).traces).toBe(LIMIT);

      // No call after the resume is for a question whose trace was already stored.
      const afterResume = double.requests.slice(requestsAtCancel).map((r) => String(r.body.prompt));
      expect(afterResume.length).toBeGreaterThan(0);
      const repeated = afterResume.filter((p) => finishedQuestions.some((q) => p.includes(q)));
      expect(repeated).toEqual([]);
      // The resumed questions were asked: the check above is not vacuous.
      const rest = questions.filter((q) => !finished.has(q.id));
      expect(rest.every((q) => afterResume.some((p) => p.includes(q.question)))).toBe(true);

      // The resumed evaluation equals an uninterrupted one.
      const ref = testWorkbench();
      const refDemo = await smallDemo(ref);
      const { evaluation: refEval, job: refJob } = await config(
        ref,
        refDemo.corpusId,
        refDemo.questionSetIds.train,
        'reference',
      );
      ref.runner.start();
      expect((await ref.runner.waitFor(refJob!.id)).status).toBe('done');
      const shape = (t: (typeof traces)[number]) => ({
        q: t.questionId,
        prediction: t.prediction,
        chain: t.trace.chain,
        retrieved: t.trace.steps.map((s) => s.retrieved.map((p) => p.id)),
      });
      expect(traces.map(shape)).toEqual(ref.store.evaluations.allTraces(refEval.id).map(shape));
      const metrics = (e: Record<string, unknown> | null) => ({ em: e?.em, f1: e?.f1, acc: e?.acc });
      expect(metrics(done.metrics)).toEqual(metrics(ref.store.evaluations.require(refEval.id).metrics));
    } finally {
      await double.close();
    }
  });
});
