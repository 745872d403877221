import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { finalVerdict, type Verdict } from '../src/stepdata/verdicts';
import { callerFor, failure } from './support/caller';
import { smallDemo, testWorkbench } from './support/workspace';

/** A demo workspace, its API, and its first `n` step-wise examples. */
async function setup(n = 12) {
  const wb = testWorkbench();
  const demo = await smallDemo(wb);
  const api = callerFor(wb);
  const examples = (await api.stepData.examples({ id: demo.datasetId, limit: n })).items;
  expect(examples.length).toBe(n);
  return { wb, api, datasetId: demo.datasetId, examples };
}

const tick = () => new Promise((r) => setTimeout(r, 5));

function exportedLines(path: string): Map<string, string> {
  return new Map(
    readFileSync(path, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: string; target: string })
      .map((l) => [l.id, l.target]),
  );
}

describe('annotations: assigning questions to annotators', () => {
  it('assigns named and next-unassigned questions, lists progress, filters questions, unassigns', async () => {
    const { api, datasetId } = await setup(2);
    const questions = (await api.stepData.questions({ id: datasetId, limit: 100 })).items.map(
      (q) => q.questionId,
    );
    expect(questions.length).toBeGreaterThan(6);
    const [q0, q1, q2, q3, q4] = questions as [string, string, string, string, string];

    expect(
      await api.annotations.assign({
        datasetId,
        annotator: 'ada',
        questionIds: [q0, q1, q1],
        assignedBy: 'lead',
      }),
    ).toEqual({ assigned: 2, questionIds: [q0, q1] });
    // Assigning again changes nothing; a second annotator may share a question (agreement sample).
    expect((await api.annotations.assign({ datasetId, annotator: 'ada', questionIds: [q1] })).assigned).toBe(
      0,
    );
    expect((await api.annotations.assign({ datasetId, annotator: 'bob', questionIds: [q1] })).assigned).toBe(
      1,
    );
    // "next": the next questions in dataset order that nobody has.
    expect(await api.annotations.assign({ datasetId, annotator: 'bob', next: 2 })).toEqual({
      assigned: 2,
      questionIds: [q2, q3],
    });
    expect((await api.annotations.assign({ datasetId, annotator: 'cy', next: 1 })).questionIds).toEqual([q4]);

    // Progress: bob's verdicts on q1 count towards his assignment of q1, not towards ada's.
    const q1Examples = (await api.stepData.examples({ id: datasetId, questionId: q1 })).items;
    await api.annotations.save({
      datasetId,
      exampleId: q1Examples[0]!.id,
      annotator: 'bob',
      status: 'accepted',
    });
    const rows = await api.annotations.assignments({ datasetId });
    expect(rows.map((r) => `${r.questionId}/${r.annotator}`)).toEqual([
      `${q0}/ada`,
      `${q1}/ada`,
      `${q1}/bob`,
      `${q2}/bob`,
      `${q3}/bob`,
      `${q4}/cy`,
    ]);
    const bobQ1 = rows.find((r) => r.questionId === q1 && r.annotator === 'bob')!;
    expect(bobQ1).toMatchObject({ examples: q1Examples.length, done: 1, assignedBy: null });
    expect(rows.find((r) => r.questionId === q1 && r.annotator === 'ada')).toMatchObject({
      done: 0,
      assignedBy: 'lead',
    });
    expect(bobQ1.assignedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(
      (await api.annotations.assignments({ datasetId, annotator: 'cy' })).map((r) => r.questionId),
    ).toEqual([q4]);

    // "Assigned to me" in the question list: paged, in dataset order, same item shape.
    const mine = await api.stepData.questions({ id: datasetId, assignedTo: 'bob', limit: 2 });
    expect(mine.total).toBe(3);
    expect(mine.items.map((q) => q.questionId)).toEqual([q1, q2]);
    const all = await api.stepData.questions({ id: datasetId, limit: 3 });
    expect(mine.items[0]).toEqual(all.items[1]);
    expect(
      (await api.stepData.questions({ id: datasetId, assignedTo: 'bob', offset: 2, limit: 2 })).items.map(
        (q) => q.questionId,
      ),
    ).toEqual([q3]);
    expect((await api.stepData.questions({ id: datasetId, assignedTo: 'nobody' })).total).toBe(0);

    expect(
      await api.annotations.unassign({ datasetId, annotator: 'bob', questionIds: [q2, 'q-never'] }),
    ).toEqual({
      unassigned: 1,
    });
    expect(await api.annotations.unassign({ datasetId, annotator: 'ada' })).toEqual({ unassigned: 2 });
    expect((await api.annotations.assignments({ datasetId })).map((r) => r.annotator)).toEqual([
      'bob',
      'bob',
      'cy',
    ]);
    // Verdicts stay when a question is taken back.
    expect(await api.annotations.list({ datasetId, annotator: 'bob' })).toHaveLength(1);
  });

  it('refuses unknown datasets and questions by name, and a call naming neither ids nor a count', async () => {
    const { api, datasetId } = await setup(1);
    const q = (await api.stepData.questions({ id: datasetId, limit: 1 })).items[0]!.questionId;
    const noDataset = await failure(api.annotations.assignments({ datasetId: 'steps_nope' }));
    expect(noDataset.code).toBe('NOT_FOUND');
    expect(noDataset.message).toContain('steps_nope');
    const unknown = await failure(
      api.annotations.assign({ datasetId, annotator: 'ada', questionIds: [q, 'q-ghost'] }),
    );
    expect(unknown.code).toBe('NOT_FOUND');
    expect(unknown.message).toContain('"q-ghost"');
    expect(unknown.message).not.toContain(`"${q}"`);
    // Nothing half-done: the known question was not assigned either.
    expect(await api.annotations.assignments({ datasetId })).toEqual([]);
    const neither = await failure(api.annotations.assign({ datasetId, annotator: 'ada' }));
    expect(neither.code).toBe('BAD_REQUEST');
    expect(neither.message).toMatch(/questionIds.*next/);
    const both = await failure(
      api.annotations.assign({ datasetId, annotator: 'ada', questionIds: [q], next: 3 }),
    );
    expect(both.code).toBe('BAD_REQUEST');
    expect((await failure(api.annotations.assign({ datasetId, annotator: ' ', next: 1 }))).message).toMatch(
      /annotator/,
    );
    expect((await failure(api.stepData.questions({ id: 'steps_nope', assignedTo: 'ada' }))).code).toBe(
      'NOT_FOUND',
    );
  });
});

describe('annotations: adjudication', () => {
  it('resolves a disputed example with optimistic concurrency, and reopens it', async () => {
    const { api, datasetId, examples } = await setup(3);
    const [e0, e1] = examples as [(typeof examples)[0], (typeof examples)[0]];
    await api.annotations.save({ datasetId, exampleId: e0.id, annotator: 'ada', status: 'accepted' });
    await api.annotations.save({
      datasetId,
      exampleId: e0.id,
      annotator: 'bob',
      status: 'rejected',
      reason: 'wrong bridge entity',
    });
    // e1: both accept, no dispute.
    await api.annotations.save({ datasetId, exampleId: e1.id, annotator: 'ada', status: 'accepted' });
    await api.annotations.save({ datasetId, exampleId: e1.id, annotator: 'bob', status: 'accepted' });

    const open = await api.annotations.disputes({ datasetId, state: 'open' });
    expect(open.map((d) => d.exampleId)).toEqual([e0.id]);
    expect(open[0]).toMatchObject({
      questionId: e0.questionId,
      stage: e0.stage,
      step: e0.step,
      adjudication: null,
      final: { source: 'disagreement', status: 'rejected' },
    });
    expect(open[0]!.verdicts.map((v) => `${v.annotator}:${v.status}:${v.reason ?? ''}`)).toEqual([
      'ada:accepted:',
      'bob:rejected:wrong bridge entity',
    ]);

    const first = await api.annotations.adjudicate({
      datasetId,
      exampleId: e0.id,
      status: 'accepted',
      adjudicator: 'lead',
      fromAnnotator: 'ada',
    });
    expect(first).toMatchObject({
      version: 1,
      status: 'accepted',
      adjudicator: 'lead',
      fromAnnotator: 'ada',
      questionId: e0.questionId,
    });
    expect(await api.annotations.disputes({ datasetId, state: 'open' })).toEqual([]);
    const resolved = await api.annotations.disputes({ datasetId, state: 'resolved' });
    expect(resolved[0]!.final).toEqual({ source: 'adjudication', status: 'accepted', editedTarget: null });

    const second = await api.annotations.adjudicate({
      datasetId,
      exampleId: e0.id,
      status: 'edited',
      editedTarget: ' A resolved target.',
      adjudicator: 'max',
      expectedVersion: 1,
    });
    expect(second).toMatchObject({ version: 2, status: 'edited', fromAnnotator: null, adjudicator: 'max' });

    // Someone who read version 1 is told who changed it, and nothing is overwritten.
    const stale = await failure(
      api.annotations.adjudicate({
        datasetId,
        exampleId: e0.id,
        status: 'rejected',
        reason: 'no',
        adjudicator: 'lead',
        expectedVersion: 1,
      }),
    );
    expect(stale.code).toBe('CONFLICT');
    expect(stale.message).toContain('max');
    expect(stale.message).toContain('version 2');
    // So is someone who saw it unresolved.
    const blind = await failure(
      api.annotations.adjudicate({ datasetId, exampleId: e0.id, status: 'accepted', adjudicator: 'zed' }),
    );
    expect(blind.code).toBe('CONFLICT');
    expect(blind.message).toMatch(/max resolved it as edited/);
    expect(await api.annotations.adjudications({ datasetId })).toEqual([second]);

    const staleReopen = await failure(
      api.annotations.unadjudicate({ datasetId, exampleId: e0.id, expectedVersion: 1 }),
    );
    expect(staleReopen.code).toBe('CONFLICT');
    expect(await api.annotations.unadjudicate({ datasetId, exampleId: e0.id, expectedVersion: 2 })).toEqual({
      reopened: true,
    });
    expect(await api.annotations.adjudications({ datasetId })).toEqual([]);
    expect((await api.annotations.disputes({ datasetId })).map((d) => d.adjudication)).toEqual([null]);
    // After a reopen, a caller still holding version 2 is told it is gone.
    const gone = await failure(
      api.annotations.adjudicate({
        datasetId,
        exampleId: e0.id,
        status: 'accepted',
        adjudicator: 'lead',
        expectedVersion: 2,
      }),
    );
    expect(gone.code).toBe('CONFLICT');
  });

  it('validates: unknown dataset or example by name, rejection needs a reason, edit needs a target', async () => {
    const { api, datasetId, examples } = await setup(1);
    const exampleId = examples[0]!.id;
    const base = { datasetId, exampleId, adjudicator: 'lead' };
    const noDataset = await failure(
      api.annotations.adjudicate({ ...base, datasetId: 'steps_gone', status: 'accepted' }),
    );
    expect(noDataset.code).toBe('NOT_FOUND');
    expect(noDataset.message).toContain('steps_gone');
    const noExample = await failure(
      api.annotations.adjudicate({ ...base, exampleId: 'q9:init:1', status: 'accepted' }),
    );
    expect(noExample.code).toBe('NOT_FOUND');
    expect(noExample.message).toContain('q9:init:1');
    expect(noExample.message).toContain(datasetId);

    for (const reason of [undefined, '   ']) {
      const err = await failure(api.annotations.adjudicate({ ...base, status: 'rejected', reason }));
      expect(err.code).toBe('BAD_REQUEST');
      expect(err.message).toMatch(/reason/);
    }
    const noTarget = await failure(
      api.annotations.adjudicate({ ...base, status: 'edited', editedTarget: ' ' }),
    );
    expect(noTarget.code).toBe('BAD_REQUEST');
    expect(noTarget.message).toMatch(/editedTarget/);
    const notAnAnnotator = await failure(
      api.annotations.adjudicate({ ...base, status: 'accepted', fromAnnotator: 'ghost' }),
    );
    expect(notAnAnnotator.code).toBe('NOT_FOUND');
    expect(notAnAnnotator.message).toContain('ghost');
    // A bad call leaves nothing behind.
    expect(await api.annotations.adjudications({ datasetId })).toEqual([]);
    expect((await failure(api.annotations.adjudications({ datasetId: 'steps_gone' }))).code).toBe(
      'NOT_FOUND',
    );
    expect((await failure(api.annotations.disputes({ datasetId: 'steps_gone' }))).code).toBe('NOT_FOUND');
    const reopenNothing = await failure(
      api.annotations.unadjudicate({ datasetId, exampleId, expectedVersion: 1 }),
    );
    expect(reopenNothing.code).toBe('NOT_FOUND');
    expect(reopenNothing.message).toContain(exampleId);
  });

  it('counts differing edits as a dispute and equal ones as agreement', async () => {
    const { api, datasetId, examples } = await setup(3);
    const [e0, e1, e2] = examples.map((e) => e.id) as [string, string, string];
    const edit = (exampleId: string, annotator: string, editedTarget: string) =>
      api.annotations.save({ datasetId, exampleId, annotator, status: 'edited', editedTarget });
    await edit(e0, 'ada', ' One fix.');
    await edit(e0, 'bob', 'One fix. ');
    await edit(e1, 'ada', ' One fix.');
    await edit(e1, 'bob', ' Another fix.');
    // A single annotator's verdict is nobody's disagreement.
    await api.annotations.save({ datasetId, exampleId: e2, annotator: 'ada', status: 'rejected' });
    expect((await api.annotations.disputes({ datasetId })).map((d) => d.exampleId)).toEqual([e1]);
    expect((await api.annotations.disputes({ datasetId, questionId: 'q-none' })).length).toBe(0);
  });
});

describe('export: adjudication > unanimous verdict > fallback rule on disagreement', () => {
  it('applies each case to the trainer file', async () => {
    const { api, datasetId, examples } = await setup(10);
    const ids = examples.map((e) => e.id);
    const original = new Map(examples.map((e) => [e.id, e.target]));
    const save = async (
      exampleId: string,
      annotator: string,
      status: 'accepted' | 'rejected' | 'edited',
      editedTarget?: string,
    ) => {
      await api.annotations.save({ datasetId, exampleId, annotator, status, editedTarget });
      await tick();
    };
    const adjudicate = (exampleId: string, status: 'accepted' | 'rejected' | 'edited', extra = {}) =>
      api.annotations.adjudicate({ datasetId, exampleId, status, adjudicator: 'lead', ...extra });
    const [aAdjKeeps, bAdjEdits, cUnanEdit, dUnanReject, eSplitReject, fSplitEdit, gTwoEdits, hAdjRejects] =
      ids as [string, string, string, string, string, string, string, string];

    // a: both reject, the adjudicator keeps it → kept, teacher's target.
    await save(aAdjKeeps, 'ada', 'rejected');
    await save(aAdjKeeps, 'bob', 'rejected');
    await adjudicate(aAdjKeeps, 'accepted');
    // b: split, the adjudicator writes a resolution → its target.
    await save(bAdjEdits, 'ada', 'accepted');
    await save(bAdjEdits, 'bob', 'rejected');
    await adjudicate(bAdjEdits, 'edited', { editedTarget: ' Adjudicated.' });
    // c: both edit to the same text → that text.
    await save(cUnanEdit, 'ada', 'edited', ' Same fix.');
    await save(cUnanEdit, 'bob', 'edited', ' Same fix.');
    // d: both reject → dropped.
    await save(dUnanReject, 'ada', 'rejected');
    await save(dUnanReject, 'bob', 'rejected');
    // e: accept vs reject, nobody adjudicated → fallback: dropped.
    await save(eSplitReject, 'ada', 'accepted');
    await save(eSplitReject, 'bob', 'rejected');
    // f: accept vs edit → fallback: the edit.
    await save(fSplitEdit, 'ada', 'accepted');
    await save(fSplitEdit, 'bob', 'edited', ' Bob fix.');
    // g: two different edits → fallback: the later one.
    await save(gTwoEdits, 'bob', 'edited', ' Earlier fix.');
    await save(gTwoEdits, 'ada', 'edited', ' Later fix.');
    // h: both accept, the adjudicator rejects → dropped.
    await save(hAdjRejects, 'ada', 'accepted');
    await save(hAdjRejects, 'bob', 'accepted');
    await adjudicate(hAdjRejects, 'rejected', { reason: 'states a fact not in the passages' });

    const total = (await api.stepData.get({ id: datasetId })).manifest.counts.examples;
    const n = total.init + total.exp + total.agg;
    const out = await api.stepData.exportAnnotated({ id: datasetId });
    expect(out).toMatchObject({ examples: n - 3, dropped: 3, edited: 4, adjudicated: 3, unresolved: 3 });
    const lines = exportedLines(out.path);
    expect(lines.size).toBe(n - 3);
    expect(lines.get(aAdjKeeps)).toBe(original.get(aAdjKeeps));
    expect(lines.get(bAdjEdits)).toBe(' Adjudicated.');
    expect(lines.get(cUnanEdit)).toBe(' Same fix.');
    expect(lines.has(dUnanReject)).toBe(false);
    expect(lines.has(eSplitReject)).toBe(false);
    expect(lines.get(fSplitEdit)).toBe(' Bob fix.');
    expect(lines.get(gTwoEdits)).toBe(' Later fix.');
    expect(lines.has(hAdjRejects)).toBe(false);
    // Untouched examples go out as built.
    expect(lines.get(ids[8]!)).toBe(original.get(ids[8]!));

    // One annotator's export is their own view: adjudications do not apply.
    const bob = await api.stepData.exportAnnotated({ id: datasetId, annotator: 'bob' });
    expect(bob).toMatchObject({ adjudicated: 0, unresolved: 0 });
    const bobLines = exportedLines(bob.path);
    expect(bobLines.has(aAdjKeeps)).toBe(false);
    expect(bobLines.has(bAdjEdits)).toBe(false);
    expect(bobLines.get(hAdjRejects)).toBe(original.get(hAdjRejects));
    expect(bobLines.get(gTwoEdits)).toBe(' Earlier fix.');

    // Reopening an adjudication hands the example back to the annotators' verdicts.
    const b = (await api.annotations.adjudications({ datasetId, questionId: examples[1]!.questionId })).find(
      (r) => r.exampleId === bAdjEdits,
    );
    expect(b?.status).toBe('edited');
    await api.annotations.unadjudicate({ datasetId, exampleId: bAdjEdits, expectedVersion: b!.version });
    expect(exportedLines((await api.stepData.exportAnnotated({ id: datasetId })).path).has(bAdjEdits)).toBe(
      false,
    );
  });
});

describe('finalVerdict', () => {
  const v = (
    annotator: string,
    status: Verdict['status'],
    editedTarget: string | null = null,
    at = '1',
  ): Verdict => ({
    annotator,
    status,
    editedTarget,
    updatedAt: `2026-01-01T00:00:0${at}Z`,
  });
  it('takes the adjudication, else agreement, else the fallback rule', () => {
    expect(finalVerdict([])).toEqual({ source: 'none', status: null, editedTarget: null });
    expect(finalVerdict([v('a', 'rejected')], { status: 'accepted', editedTarget: null })).toMatchObject({
      source: 'adjudication',
      status: 'accepted',
    });
    // An accepted adjudication carries no stray target.
    expect(finalVerdict([], { status: 'accepted', editedTarget: 'x' }).editedTarget).toBeNull();
    expect(finalVerdict([v('a', 'accepted'), v('b', 'accepted')])).toMatchObject({ source: 'unanimous' });
    expect(finalVerdict([v('a', 'accepted'), v('b', 'rejected')])).toMatchObject({
      source: 'disagreement',
      status: 'rejected',
    });
    expect(
      finalVerdict([v('a', 'edited', 'x', '2'), v('b', 'edited', 'y', '3'), v('c', 'accepted')]),
    ).toEqual({
      source: 'disagreement',
      status: 'edited',
      editedTarget: 'y',
    });
  });
});
