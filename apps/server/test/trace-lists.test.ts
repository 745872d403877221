import { describe, expect, it } from 'vitest';
import { Store } from '../src/store/store';
import { callerFor } from './support/caller';
import { smallDemo, testWorkbench } from './support/workspace';

/** The explorer list reads counts from a cache (store/teacherRuns.ts): it must never show a stale one. */
describe('trace lists: pages from the index, counts cached until a trace is written', () => {
  it('a deep page is the same slice as the whole list; a new trace, here or from another process, shows at once', async () => {
    const wb = testWorkbench();
    const demo = await smallDemo(wb);
    const api = callerFor(wb);
    const all = wb.store.teacherRuns.allTraces(demo.teacherRunId).map((t) => t.questionId);
    const first = await api.teacherRuns.traces({ id: demo.teacherRunId, offset: 0, limit: 100 });
    expect(first.total).toBe(all.length);
    const deep = await api.teacherRuns.traces({ id: demo.teacherRunId, offset: all.length - 3, limit: 10 });
    expect(deep.items.map((t) => t.questionId)).toEqual(all.slice(-3));
    const kept = await api.teacherRuns.traces({ id: demo.teacherRunId, correct: true, limit: 100 });
    expect(kept.total).toBe(
      wb.store.teacherRuns.allTraces(demo.teacherRunId).filter((t) => t.correct).length,
    );
    await api.teacherRuns.questionTypes({ id: demo.teacherRunId });

    // A trace written through this connection.
    const source = wb.store.teacherRuns.allTraces(demo.teacherRunId)[0]!;
    wb.store.teacherRuns.insertTrace(demo.teacherRunId, { ...source, questionId: 'extra-1', idx: 9000 }, 0);
    expect((await api.teacherRuns.traces({ id: demo.teacherRunId })).total).toBe(all.length + 1);
    const types = await api.teacherRuns.questionTypes({ id: demo.teacherRunId });

    // And one written by another process (another connection to the same file).
    const other = Store.open(wb.store.dir);
    try {
      other.teacherRuns.insertTrace(demo.teacherRunId, { ...source, questionId: 'extra-2', idx: 9001 }, 0);
    } finally {
      other.close();
    }
    expect((await api.teacherRuns.traces({ id: demo.teacherRunId })).total).toBe(all.length + 2);
    expect(
      (await api.teacherRuns.traces({ id: demo.teacherRunId, offset: all.length, limit: 5 })).items.map(
        (t) => t.questionId,
      ),
    ).toEqual(['extra-1', 'extra-2']);
    // Untyped extras (no question in the set) leave the type counts as they were.
    expect(await api.teacherRuns.questionTypes({ id: demo.teacherRunId })).toEqual(types);
  });

  it('a question set page past the first is the same slice as the whole set', async () => {
    const wb = testWorkbench();
    const demo = await smallDemo(wb);
    const api = callerFor(wb);
    const all = wb.store.questionSets.questions(demo.questionSetIds.train).map((q) => q.id);
    const page = await api.questionSets.questions({ id: demo.questionSetIds.train, offset: 5, limit: 7 });
    expect(page.total).toBe(all.length);
    expect(page.items.map((q) => q.id)).toEqual(all.slice(5, 12));
  });
});
