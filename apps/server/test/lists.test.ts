import { describe, expect, it } from 'vitest';
import { callerFor, failure } from './support/caller';
import { smallDemo, testWorkbench } from './support/workspace';

describe('list procedures the views page through', () => {
  it('teacherRuns.traces filters by question type on the server and says each item’s type', async () => {
    const wb = testWorkbench();
    const demo = await smallDemo(wb);
    const api = callerFor(wb);
    const id = demo.teacherRunId;
    const typeOf = new Map(
      wb.store.questionSets.questions(demo.questionSetIds.train).map((q) => [q.id, q.type]),
    );

    const all = await api.teacherRuns.traces({ id, limit: 100 });
    expect(all.items.length).toBe(all.total);
    for (const t of all.items) expect(t.questionType).toBe(typeOf.get(t.questionId) ?? null);

    const types = await api.teacherRuns.questionTypes({ id });
    expect(types.length).toBeGreaterThanOrEqual(2);
    expect(types.map((t) => t.type)).toEqual([...types.map((t) => t.type)].sort());
    expect(types.reduce((n, t) => n + t.count, 0)).toBe(all.items.filter((t) => t.questionType).length);

    const { type, count } = types[0]!;
    const page = await api.teacherRuns.traces({ id, type, limit: 3 });
    expect(page.total).toBe(count);
    expect(page.items.length).toBe(Math.min(3, count));
    for (const t of page.items) expect(t.questionType).toBe(type);
    // With the other filters: kept questions of that type.
    const kept = await api.teacherRuns.traces({ id, type, correct: true, limit: 100 });
    expect(kept.total).toBe(all.items.filter((t) => t.questionType === type && t.correct).length);
    // A search still reads the trace's question text (the join does not confuse it with the question set's).
    const word = page.items[0]!.question.split(' ').at(-1)!.replace(/\?$/, '');
    const searched = await api.teacherRuns.traces({ id, type, search: word, limit: 100 });
    expect(searched.items.every((t) => t.question.includes(word) && t.questionType === type)).toBe(true);
    expect((await api.teacherRuns.traces({ id, type: 'no-such-type' })).total).toBe(0);

    expect((await failure(api.teacherRuns.traces({ id, type: '' }))).message).toMatch(/field "type"/);
    expect((await failure(api.teacherRuns.questionTypes({ id: 'run_nope' }))).code).toBe('NOT_FOUND');
  });

  it('teacherRuns.traces lists summaries, not traces: a trace is fetched when opened', async () => {
    const wb = testWorkbench();
    const demo = await smallDemo(wb);
    const api = callerFor(wb);
    const id = demo.teacherRunId;
    const page = await api.teacherRuns.traces({ id, limit: 50 });
    expect(page.items.length).toBe(Math.min(50, page.total));
    const gold = new Map(
      wb.store.questionSets.questions(demo.questionSetIds.train).map((q) => [q.id, q.answers]),
    );
    for (const row of page.items.slice(0, 10)) {
      expect(row).not.toHaveProperty('trace');
      const { trace, ...summary } = await api.teacherRuns.trace({ id, questionId: row.questionId });
      expect(row).toMatchObject({ ...summary, question: trace.question, steps: trace.steps.length });
      expect(row.prediction).toBe(trace.prediction);
      expect(row.answers).toEqual(gold.get(row.questionId));
    }
    // 50 rows were 1.6 MB with whole traces; a summary is a few hundred bytes.
    expect(JSON.stringify(page).length).toBeLessThan(page.items.length * 600);
  });

  it('stepData.questions carries each question’s text', async () => {
    const wb = testWorkbench();
    const demo = await smallDemo(wb);
    const api = callerFor(wb);
    const page = await api.stepData.questions({ id: demo.datasetId, limit: 100 });
    expect(page.items.length).toBe(page.total);
    expect(page.total).toBe(demo.tracesKept);
    for (const q of page.items) {
      expect(q.question).toBe(
        wb.store.questionSets.question(demo.questionSetIds.train, q.questionId)!.question,
      );
      expect(q.init + q.exp + q.agg).toBeGreaterThan(0);
    }
    const second = await api.stepData.questions({ id: demo.datasetId, offset: 5, limit: 5 });
    expect(second.items).toEqual(page.items.slice(5, 10));
    expect((await failure(api.stepData.questions({ id: 'steps_nope' }))).code).toBe('NOT_FOUND');
    expect((await failure(api.stepData.questions({ id: demo.datasetId, limit: 0 }))).message).toMatch(
      /field "limit"/,
    );
  });

  it('evaluations.traces pages through 520 questions and filters by question id; outcomes list them all', async () => {
    const wb = testWorkbench();
    const demo = await smallDemo(wb);
    const api = callerFor(wb);
    wb.runner.start();
    // 520 questions: the demo's, repeated under new ids.
    const source = wb.store.questionSets.questions(demo.questionSetIds.train);
    const questions = Array.from({ length: 520 }, (_, i) => ({ ...source[i % source.length]!, id: `q${i}` }));
    const set = wb.store.questionSets.create({ name: 'many', dataset: 'synthetic', source: {}, questions });
    const { evaluation, job } = await api.evaluations.start({
      corpusId: demo.corpusId,
      questionSetId: set.id,
      maxSteps: 2,
      concurrency: 8,
      bootstrap: { resamples: 100, seed: 0 },
    });
    expect((await wb.runner.waitFor(job!.id)).status).toBe('done');
    const id = evaluation.id;

    const pages = [];
    for (let offset = 0; offset < 520; offset += 100) {
      pages.push(await api.evaluations.traces({ id, offset, limit: 100 }));
    }
    const first = pages[0]!;
    expect(first.total).toBe(520);
    expect(pages.at(-1)!.items).toHaveLength(20);
    const ids = pages.flatMap((p) => p.items).map((t) => t.questionId);
    expect(ids).toEqual(questions.map((q) => q.id));

    const some = await api.evaluations.traces({ id, questionIds: ['q517', 'q3', 'q_not_evaluated'] });
    expect(some.total).toBe(2);
    expect(some.items.map((t) => t.questionId)).toEqual(['q3', 'q517']);
    expect(some.items[1]!.trace.question).toBe(questions[517]!.question);

    const outcomes = await api.evaluations.outcomes({ id });
    expect(outcomes.total).toBe(520);
    expect(outcomes.items.map((o) => o.questionId)).toEqual(questions.map((q) => q.id));
    const byId = new Map(first.items.map((t) => [t.questionId, t]));
    for (const o of outcomes.items.slice(0, 50)) {
      expect(o.question).toBe(questions[o.idx]!.question);
      expect(o.scores).toEqual(byId.get(o.questionId)!.scores);
      expect(o.prediction).toBe(byId.get(o.questionId)!.prediction);
    }
    expect((await api.evaluations.outcomes({ id, offset: 510, limit: 100 })).items).toHaveLength(10);

    expect((await failure(api.evaluations.traces({ id, questionIds: [] }))).message).toMatch(
      /field "questionIds"/,
    );
    expect((await failure(api.evaluations.traces({ id, limit: 101 }))).message).toMatch(/field "limit"/);
    expect((await failure(api.evaluations.outcomes({ id: 'eval_nope' }))).code).toBe('NOT_FOUND');
  });
});
