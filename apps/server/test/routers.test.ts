import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Workbench } from '../src/workbench';
import { callerFor, failure } from './support/caller';
import { startOpenAiDouble } from './support/openaiDouble';
import { closedPort, smallDemo, tempDir, testWorkbench } from './support/workspace';

/** Row counts of every table: "the store is as it was" means these are unchanged. */
function tableCounts(wb: Workbench): Record<string, number> {
  const tables = wb.store.db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    .all() as { name: string }[];
  return Object.fromEntries(
    tables.map(({ name }) => [
      name,
      (wb.store.db.prepare(`SELECT COUNT(*) AS n FROM ${name}`).get() as { n: number }).n,
    ]),
  );
}

const hotpotRecord = (id: string, bad = false) => ({
  _id: id,
  question: 'Who directed the film that stars Ada Reyes?',
  answer: 'Bo Lin',
  type: 'bridge',
  level: 'easy',
  supporting_facts: [
    ['Blue Harbor', 0],
    ['Bo Lin', 0],
  ],
  context: bad
    ? 'not a list'
    : [
        ['Blue Harbor', ['Blue Harbor is a film starring Ada Reyes.', ' It was directed by Bo Lin.']],
        ['Bo Lin', ['Bo Lin is a film director.']],
      ],
});

describe('routers (createCaller with a real context)', () => {
  it('system.info and corpora: list, get, search, passages, import, bad input', async () => {
    const wb = testWorkbench();
    const demo = await smallDemo(wb);
    const api = callerFor(wb);
    const info = await api.system.info();
    expect(info.counts).toMatchObject({ corpora: 1, questionSets: 3, teacherRuns: 1, stepDatasets: 1 });
    expect(info.schemaVersion).toBeGreaterThan(0);

    expect((await api.corpora.list()).map((c) => c.id)).toEqual([demo.corpusId]);
    const corpus = await api.corpora.get({ id: demo.corpusId });
    expect(corpus.passageCount).toBe(300);
    expect(corpus.indexPath).toBeTruthy();
    const page = await api.corpora.passages({ id: demo.corpusId, offset: 10, limit: 5 });
    expect(page).toMatchObject({ total: 300, offset: 10, limit: 5 });
    expect(page.items).toHaveLength(5);
    const hits = await api.corpora.search({ id: demo.corpusId, query: page.items[0]!.title, k: 3 });
    expect(hits[0]!.id).toBe(page.items[0]!.id);
    expect(hits.length).toBeLessThanOrEqual(3);

    // Upload a JSONL corpus; its index is built by a job.
    const content = [
      '{"id":"a","title":"Alpha","text":"Alpha is a river."}',
      '{"id":"b","title":"Beta","text":"Beta is a town on the Alpha."}',
    ].join('\n');
    const imported = await api.corpora.import({ name: 'tiny', source: { content, filename: 'tiny.jsonl' } });
    expect(imported.corpus.passageCount).toBe(2);
    expect((await wb.runner.waitFor(imported.job.id)).status).toBe('done');
    expect((await api.corpora.search({ id: imported.corpus.id, query: 'town', k: 4 }))[0]!.id).toBe('b');
    // Imported real data is indexed as IRCoT did: Lucene's English analyser over the passage text
    // (stemmed: "towns" finds "town"). The synthetic demo keeps its own.
    expect((await api.corpora.get({ id: imported.corpus.id })).indexMeta).toMatchObject({
      analyzer: 'english',
    });
    expect((await api.corpora.get({ id: demo.corpusId })).indexMeta).toMatchObject({ analyzer: 'steper' });
    expect((await api.corpora.search({ id: imported.corpus.id, query: 'towns', k: 4 }))[0]!.id).toBe('b');
    const rebuilt = await api.corpora.buildIndex({ id: imported.corpus.id, analyzer: 'steper' });
    expect((await wb.runner.waitFor(rebuilt.id)).status).toBe('done');
    expect((await api.corpora.get({ id: imported.corpus.id })).indexMeta).toMatchObject({
      analyzer: 'steper',
    });
    expect(await api.corpora.search({ id: imported.corpus.id, query: 'towns', k: 4 })).toEqual([]);

    // Bad inputs: clear errors, store unchanged.
    const before = tableCounts(wb);
    const malformed = await failure(
      api.corpora.import({
        name: 'bad',
        source: { content: `${content}\n{"id":"c","title":"Gamma"}`, filename: 'bad.jsonl' },
      }),
    );
    expect(malformed.code).toBe('BAD_REQUEST');
    expect(malformed.message).toMatch(/upload "bad.jsonl".*line 3.*text/);
    const missingFile = await failure(api.corpora.import({ name: 'x', source: { path: 'nope.jsonl' } }));
    expect(missingFile.message).toMatch(/no file "nope.jsonl" in the workspace's imports\/ folder/);
    const unknown = await failure(api.corpora.search({ id: 'corpus_nope', query: 'x' }));
    expect(unknown.code).toBe('NOT_FOUND');
    expect(unknown.message).toContain('corpus_nope');
    const negativeK = await failure(api.corpora.search({ id: demo.corpusId, query: 'x', k: -1 }));
    expect(negativeK.code).toBe('BAD_REQUEST');
    expect(negativeK.message).toMatch(/field "k"/);
    expect(tableCounts(wb)).toEqual(before);
  });

  it('questionSets: import (file, sampling, gold resolution), paging, one question, bad input', async () => {
    const wb = testWorkbench();
    const api = callerFor(wb);
    // Over the API a path names a file in the workspace's imports folder.
    const dir = wb.store.path('imports');
    mkdirSync(dir);
    const file = join(dir, 'hotpot.json');
    writeFileSync(file, JSON.stringify([hotpotRecord('h1'), hotpotRecord('h2'), hotpotRecord('h3')]));
    const corpusImport = await api.corpora.import({ name: 'hp', source: { path: file }, kind: 'dataset' });
    expect(corpusImport.corpus.passageCount).toBe(2);
    await wb.runner.waitFor(corpusImport.job.id);
    const set = await api.questionSets.import({
      name: 'hp',
      source: { path: file },
      corpusId: corpusImport.corpus.id,
      sample: { size: 2, seed: 1 },
    });
    expect(set).toMatchObject({ questionCount: 2, dataset: 'hotpotqa' });
    expect(set.sample).toMatchObject({ seed: 1, size: 2, sourceSize: 3 });
    const page = await api.questionSets.questions({ id: set.id, limit: 10 });
    expect(page.total).toBe(2);
    const q = await api.questionSets.question({ id: set.id, questionId: page.items[0]!.id });
    expect(q.goldPassageIds).toHaveLength(2);
    expect((await api.questionSets.list()).map((s) => s.id)).toContain(set.id);

    const before = tableCounts(wb);
    writeFileSync(file, JSON.stringify([hotpotRecord('h1'), hotpotRecord('h2', true)]));
    const bad = await failure(api.questionSets.import({ name: 'bad', source: { path: file } }));
    expect(bad.code).toBe('BAD_REQUEST');
    expect(bad.message).toMatch(/record #1.*"h2".*context/);
    expect(
      (await failure(api.questionSets.import({ name: 'x', source: { path: file }, corpusId: 'corpus_nope' })))
        .code,
    ).toBe('NOT_FOUND');
    expect((await failure(api.questionSets.question({ id: set.id, questionId: 'nope' }))).code).toBe(
      'NOT_FOUND',
    );
    expect(tableCounts(wb)).toEqual(before);
  });

  it('teacherRuns and stepData: start, traces with filters, build, examples, bad input', async () => {
    const wb = testWorkbench();
    const demo = await smallDemo(wb);
    const api = callerFor(wb);
    wb.runner.start();

    const before = tableCounts(wb);
    const negK = await failure(
      api.teacherRuns.start({ corpusId: demo.corpusId, questionSetId: demo.questionSetIds.dev, topK: -4 }),
    );
    expect(negK.code).toBe('BAD_REQUEST');
    expect(negK.message).toMatch(/field "topK".*>=1/);
    const unknownCorpus = await failure(
      api.teacherRuns.start({ corpusId: 'corpus_nope', questionSetId: demo.questionSetIds.dev }),
    );
    expect(unknownCorpus.code).toBe('NOT_FOUND');
    const port = await closedPort();
    const unreachable = await failure(
      api.teacherRuns.start({
        corpusId: demo.corpusId,
        questionSetId: demo.questionSetIds.dev,
        teacher: { kind: 'openai', baseURL: `http://127.0.0.1:${port}/v1`, model: 'm', maxRetries: 0 },
      }),
    );
    expect(unreachable.code).toBe('PRECONDITION_FAILED');
    expect(unreachable.message).toContain(
      `http://127.0.0.1:${port}/v1 (model m) is unreachable (ECONNREFUSED)`,
    );
    expect(tableCounts(wb)).toEqual(before);

    const { run, job } = await api.teacherRuns.start({
      name: 'dev run',
      corpusId: demo.corpusId,
      questionSetId: demo.questionSetIds.dev,
      loop: 'self-ask',
      maxSteps: 4,
      topK: 3,
      stepConfig: 'init+agg',
    });
    expect(run.config).toMatchObject({
      loop: 'self-ask',
      maxSteps: 4,
      topK: 3,
      teacher: { kind: 'evidence' },
    });
    expect((run.config as { demonstrations: { format: string } }).demonstrations.format).toBe('self-ask');
    expect((run.config as { prompts: { instruction: string } }).prompts.instruction.length).toBeGreaterThan(
      10,
    );
    expect((await wb.runner.waitFor(job!.id)).status).toBe('done');

    const got = await api.teacherRuns.get({ id: run.id });
    expect(got.status).toBe('done');
    expect(got.tracesDone).toBe(got.questionTotal);
    expect((await api.teacherRuns.list()).length).toBe(2);
    const all = await api.teacherRuns.traces({ id: run.id, limit: 100 });
    expect(all.total).toBe(got.questionTotal);
    const kept = await api.teacherRuns.traces({ id: run.id, correct: true, limit: 100 });
    expect(kept.total).toBe(got.tracesKept);
    expect(kept.items.every((t) => t.correct)).toBe(true);
    const t = all.items[0]!;
    expect(t.steps).toBeLessThanOrEqual(4);
    const one = await api.teacherRuns.trace({ id: run.id, questionId: t.questionId });
    expect(one.trace.steps.length).toBe(t.steps);
    expect(one.trace.steps[0]!.retrieved.length).toBeLessThanOrEqual(3);
    expect(one.trace.question).toBe(t.question);
    const searched = await api.teacherRuns.traces({ id: run.id, search: t.question.slice(0, 20) });
    expect(searched.items.map((x) => x.questionId)).toContain(t.questionId);

    const datasets = await api.stepData.list({ teacherRunId: run.id });
    expect(datasets).toHaveLength(1);
    const d = await api.stepData.get({ id: datasets[0]!.id });
    expect(d.manifest).toMatchObject({ loop: 'self-ask', stepConfig: 'init+agg', filterRule: 'em' });
    expect(d.manifest.counts.examples.exp).toBe(0);
    expect(d.manifest.counts.examples.agg).toBe(got.tracesKept);
    const agg = await api.stepData.examples({ id: d.id, stage: 'agg', limit: 3 });
    expect(agg.total).toBe(got.tracesKept);
    expect(agg.items.every((e) => e.stage === 'agg')).toBe(true);
    const ex = await api.stepData.example({ id: d.id, exampleId: agg.items[0]!.id });
    expect(ex.target).toContain('So the final answer is:');
    const qs = await api.stepData.questions({ id: d.id, limit: 100 });
    expect(qs.total).toBe(got.tracesKept);
    expect(qs.items[0]).toMatchObject({ init: 1, exp: 0, agg: 1 });

    const all2 = await api.stepData.build({ teacherRunId: run.id, stepConfig: 'all', filterRule: 'none' });
    expect(all2.manifest.counts.kept).toBe(got.tracesDone);
    expect((await failure(api.stepData.build({ teacherRunId: 'run_nope' }))).code).toBe('NOT_FOUND');
    expect((await failure(api.stepData.examples({ id: 'steps_nope' }))).code).toBe('NOT_FOUND');
  });

  it('annotations: save, conflict on a stale version, list, summary, remove', async () => {
    const wb = testWorkbench();
    const demo = await smallDemo(wb);
    const api = callerFor(wb);
    const ex = (await api.stepData.examples({ id: demo.datasetId, limit: 2 })).items;
    const a = await api.annotations.save({
      datasetId: demo.datasetId,
      exampleId: ex[0]!.id,
      annotator: 'ann',
      status: 'accepted',
    });
    expect(a).toMatchObject({ version: 1, questionId: ex[0]!.questionId });
    await api.annotations.save({
      datasetId: demo.datasetId,
      exampleId: ex[0]!.id,
      annotator: 'bob',
      status: 'rejected',
      reason: 'wrong bridge',
    });
    const edited = await api.annotations.save({
      datasetId: demo.datasetId,
      exampleId: ex[0]!.id,
      annotator: 'ann',
      status: 'edited',
      editedTarget: ' Better.',
      expectedVersion: 1,
    });
    expect(edited.version).toBe(2);
    const stale = await failure(
      api.annotations.save({
        datasetId: demo.datasetId,
        exampleId: ex[0]!.id,
        annotator: 'ann',
        status: 'accepted',
        expectedVersion: 1,
      }),
    );
    expect(stale.code).toBe('CONFLICT');
    expect(await api.annotations.summary({ datasetId: demo.datasetId })).toEqual({
      accepted: 0,
      rejected: 1,
      edited: 1,
    });
    expect(
      (await api.annotations.list({ datasetId: demo.datasetId, annotator: 'bob' })).map((x) => x.reason),
    ).toEqual(['wrong bridge']);
    expect(
      await api.annotations.remove({
        datasetId: demo.datasetId,
        exampleId: ex[0]!.id,
        annotator: 'bob',
        expectedVersion: 1,
      }),
    ).toEqual({ removed: true });
    expect((await api.annotations.list({ datasetId: demo.datasetId })).map((x) => x.annotator)).toEqual([
      'ann',
    ]);
    expect(
      (
        await failure(
          api.annotations.save({
            datasetId: demo.datasetId,
            exampleId: 'nope',
            annotator: 'ann',
            status: 'accepted',
          }),
        )
      ).code,
    ).toBe('NOT_FOUND');
    expect(
      (
        await failure(
          api.annotations.save({
            datasetId: demo.datasetId,
            exampleId: ex[1]!.id,
            annotator: ' ',
            status: 'accepted',
          }),
        )
      ).message,
    ).toMatch(/annotator/);

    // The export for the trainer respects the annotations: rejected out, edits in.
    await api.annotations.save({
      datasetId: demo.datasetId,
      exampleId: ex[1]!.id,
      annotator: 'bob',
      status: 'rejected',
    });
    const exported = await api.stepData.exportAnnotated({ id: demo.datasetId });
    const total = (await api.stepData.get({ id: demo.datasetId })).manifest.counts.examples;
    expect(exported).toMatchObject({
      examples: total.init + total.exp + total.agg - 1,
      dropped: 1,
      edited: 1,
    });
    const lines = readFileSync(exported.path, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: string; target: string });
    expect(lines.find((l) => l.id === ex[0]!.id)!.target).toBe(' Better.');
    expect(lines.some((l) => l.id === ex[1]!.id)).toBe(false);
  });

  it('jobs: list, get, cancel, resume, and watch streams progress to the end', async () => {
    const wb = testWorkbench();
    const demo = await smallDemo(wb);
    const api = callerFor(wb);
    const double = await startOpenAiDouble({ latencyMs: 15 });
    try {
      const { run, job } = await api.teacherRuns.start({
        corpusId: demo.corpusId,
        questionSetId: demo.questionSetIds.train,
        teacher: { kind: 'openai', baseURL: double.baseURL, model: 'double', api: 'completions' },
        concurrency: 1,
        limit: 12,
        buildDataset: false,
      });
      const controller = new AbortController();
      const watcher = callerFor(wb, controller.signal);
      const stream = await watcher.jobs.watch({ id: job!.id });
      wb.runner.start();
      const seen: string[] = [];
      let cancelled = false;
      for await (const env of stream) {
        const j = (env as unknown as [string, { status: string; progress: { done: number } }])[1];
        seen.push(j.status);
        if (!cancelled && j.progress.done >= 3) {
          cancelled = true;
          await api.jobs.cancel({ id: job!.id });
        }
        if (j.status === 'cancelled') break;
      }
      controller.abort();
      expect(['queued', 'running']).toContain(seen[0]);
      expect(seen).toContain('running');
      expect(seen.at(-1)).toBe('cancelled');
      const stopped = await api.teacherRuns.get({ id: run.id });
      expect(stopped.status).toBe('cancelled');
      expect(stopped.tracesDone).toBeGreaterThanOrEqual(3);
      expect(stopped.tracesDone).toBeLessThan(12);
      expect((await api.jobs.list({ status: 'cancelled' })).map((j) => j.id)).toContain(job!.id);

      await api.jobs.resume({ id: job!.id });
      const done = await wb.runner.waitFor(job!.id);
      expect(done.status).toBe('done');
      expect((await api.jobs.get({ id: job!.id })).progress).toMatchObject({ done: 12, total: 12 });
      expect((await api.teacherRuns.get({ id: run.id })).tracesDone).toBe(12);
      expect((await failure(api.jobs.resume({ id: job!.id }))).message).toMatch(/already done/);
      expect((await failure(api.jobs.get({ id: 'job_nope' }))).code).toBe('NOT_FOUND');
    } finally {
      await double.close();
    }
  });

  it('evaluations: start, metrics, traces; teachers: endpoints without keys, check, demonstrations', async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'endpoints.json'),
      JSON.stringify({
        endpoints: {
          local: { baseURL: 'http://127.0.0.1:9/v1', model: 'tiny', apiKey: 'sk-secret-never-shown' },
        },
      }),
    );
    const wb = testWorkbench({ workspace: dir });
    const demo = await smallDemo(wb);
    const api = callerFor(wb);
    wb.runner.start();
    const { evaluation, job } = await api.evaluations.start({
      corpusId: demo.corpusId,
      questionSetId: demo.questionSetIds.test,
      limit: 8,
    });
    expect((await wb.runner.waitFor(job!.id)).status).toBe('done');
    const e = await api.evaluations.get({ id: evaluation.id });
    expect(e.status).toBe('done');
    expect(e.tracesDone).toBe(8);
    expect(e.metrics).toMatchObject({ traces: 8 });
    const m = e.metrics as { em: number; f1: number; acc: number };
    expect(m.em).toBeGreaterThanOrEqual(0);
    expect(m.f1).toBeGreaterThanOrEqual(m.em);
    const traces = await api.evaluations.traces({ id: evaluation.id, limit: 3 });
    expect(traces).toMatchObject({ total: 8 });
    expect(traces.items[0]!.scores).toHaveProperty('f1');
    expect((await api.evaluations.list()).map((x) => x.id)).toEqual([evaluation.id]);

    const endpoints = await api.teachers.endpoints();
    expect(endpoints).toEqual([
      { name: 'local', baseURL: 'http://127.0.0.1:9/v1', model: 'tiny', hasKey: true },
    ]);
    expect(JSON.stringify(endpoints)).not.toContain('sk-secret');
    const down = await failure(api.teachers.check({ kind: 'openai', endpoint: 'local' }));
    expect(down.message).toMatch(/unreachable/);
    expect(down.message).not.toContain('sk-secret');
    expect((await failure(api.teachers.check({ kind: 'openai', endpoint: 'other' }))).message).toMatch(
      /Unknown teacher endpoint "other". Known: local/,
    );
    const double = await startOpenAiDouble();
    try {
      const ok = await api.teachers.check({ kind: 'openai', baseURL: double.baseURL, model: 'double' });
      expect(ok.teacher).toMatchObject({ model: 'double', baseURL: double.baseURL });
    } finally {
      await double.close();
    }
    // Playground: one question live, step by step.
    const q = (await api.questionSets.questions({ id: demo.questionSetIds.test, limit: 1 })).items[0]!;
    const live: { type: string }[] = [];
    for await (const e of await api.playground.run({
      corpusId: demo.corpusId,
      questionSetId: demo.questionSetIds.test,
      questionId: q.id,
    })) {
      live.push(e);
    }
    expect(live[0]!.type).toBe('retrieval');
    expect(live.filter((e) => e.type === 'generation').length).toBeGreaterThanOrEqual(2);
    const final = live.at(-1) as { type: string; trace: { questionId: string; steps: unknown[] } };
    expect(final.type).toBe('done');
    expect(final.trace.questionId).toBe(q.id);
    expect(live.filter((e) => e.type === 'retrieval').length).toBe(
      final.trace.steps.filter((s) => (s as { query: string | null }).query !== null).length,
    );
    expect((await failure(api.playground.run({ corpusId: demo.corpusId }))).message).toMatch(
      /field "question": give either question/,
    );

    const demos = await api.teachers.demonstrations({ loop: 'ircot' });
    expect(demos.format).toBe('ircot');
    expect(demos.demonstrations.length).toBeGreaterThan(0);
  });
});
