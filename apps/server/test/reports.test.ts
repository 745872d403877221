import { cpSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startHttpServer } from '../src/http/server';
import { importCommittedReports, importReport } from '../src/reports/import';
import { recordReport } from '../src/reports/record';
import { callerFor, failure } from './support/caller';
import { tempDir, testWorkbench } from './support/workspace';

const COMMITTED = 'docs/results/quick-smoke-2026-11-23';
const COMMITTED_ABS = join(import.meta.dirname, '..', '..', '..', COMMITTED);

/** A copy of the committed quick-smoke report, free to be damaged. */
function reportCopy(): string {
  const dir = join(tempDir('steper-report-'), 'quick');
  cpSync(COMMITTED_ABS, dir, { recursive: true });
  return dir;
}

const readResult = (dir: string) => JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8'));
const writeResult = (dir: string, value: unknown) =>
  writeFileSync(join(dir, 'result.json'), JSON.stringify(value));

/** GET with the path sent exactly as written (fetch would normalise `..` away before sending). */
function rawGet(url: string, path: string, method = 'GET') {
  const { hostname, port } = new URL(url);
  return new Promise<{ status: number; type: string | undefined; body: Buffer }>((resolve, reject) => {
    const req = request({ hostname, port, path, method }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          type: res.headers['content-type'],
          body: Buffer.concat(chunks),
        }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

describe('reports registry', () => {
  it('records a report, lists it and opens the committed experiment result with its tables', async () => {
    const wb = testWorkbench();
    const dir = reportCopy();
    const row = recordReport(wb, { kind: 'experiment', name: 'quick smoke', preset: 'quick', outDir: dir });
    expect(row).toMatchObject({ kind: 'experiment', name: 'quick smoke', preset: 'quick', outDir: dir });
    // Recording the same folder again (a rerun) updates the row and keeps its id.
    const again = recordReport(wb, { kind: 'experiment', name: 'quick smoke, rerun', outDir: `${dir}/` });
    expect(again.id).toBe(row.id);
    expect(again.preset).toBeNull();

    const api = callerFor(wb);
    const list = await api.reports.list();
    expect(list).toEqual([
      expect.objectContaining({ id: row.id, name: 'quick smoke, rerun', available: true }),
    ]);

    const opened = await api.reports.get({ id: row.id });
    const exp = opened.experiment!;
    expect(exp.preset).toBe('quick');
    expect(exp.claims).toBe(false);
    expect(exp.systems.map((s) => s.name)).toEqual(
      readResult(dir).systems.map((s: { name: string }) => s.name),
    );
    expect(exp.systems[0]!.summary.intervals?.em?.ci).toHaveLength(2);
    expect(exp.comparisons.length).toBeGreaterThan(0);
    expect(opened.figures).toEqual(['figure6-accuracy-latency.png', 'figure7-sigma.png']);
    expect(opened.markdown).toContain('## Table 1');
    // None of its evaluations were run in this workspace.
    expect(opened.evaluationsHere).toEqual([]);

    // An evaluation with the same id here is linked.
    const evalId = exp.systems[1]!.evaluationId;
    wb.store.evaluations.create({ id: evalId, name: 'present', config: {} });
    expect((await api.reports.get({ id: row.id })).evaluationsHere).toEqual([evalId]);

    expect((await failure(api.reports.get({ id: 'rep_nope' }))).code).toBe('NOT_FOUND');
  });

  it('names the file (and the field) when result.json is missing, corrupt or of the wrong shape', async () => {
    const wb = testWorkbench();
    const api = callerFor(wb);
    const dir = reportCopy();
    const { id } = recordReport(wb, { kind: 'experiment', name: 'x', outDir: dir });
    const file = join(dir, 'result.json');
    const good = readResult(dir);

    writeFileSync(file, '{"preset": "quick", ');
    let err = await failure(api.reports.get({ id }));
    expect(err.code).toBe('PRECONDITION_FAILED');
    expect(err.message).toContain(`${file} is not valid JSON`);
    // Whatever the file holds, the error never repeats it.
    writeFileSync(file, 'root:$6$secret-hash:19000:0:99999:7:::');
    err = await failure(api.reports.get({ id }));
    expect(err.message).toContain(`${file} is not valid JSON`);
    expect(err.message).not.toMatch(/root|secret/);

    writeResult(dir, {
      ...good,
      systems: [{ ...good.systems[0], summary: { ...good.systems[0].summary, em: 'high' } }],
    });
    err = await failure(api.reports.get({ id }));
    expect(err.message).toContain(file);
    expect(err.message).toContain('field "systems.0.summary.em"');

    rmSync(file);
    err = await failure(api.reports.get({ id }));
    expect(err.message).toBe(`Report ${id} (x): ${file} is missing. Re-run the job that writes it.`);

    rmSync(dir, { recursive: true });
    expect((await api.reports.list())[0]!.available).toBe(false);
    err = await failure(api.reports.get({ id }));
    expect(err.message).toContain(`the folder ${dir} does not exist`);
  });

  it('reads results with added fields: sigma series and pooled rows used, a malformed addition ignored', async () => {
    const wb = testWorkbench();
    const api = callerFor(wb);
    const dir = reportCopy();
    const good = readResult(dir);
    const sigmaSeries = [
      {
        name: 'σ̃ init · seed 1',
        system: 'StepER (difficulty-aware) · seed 1',
        seed: 1,
        stage: 'init',
        points: [
          { x: 1, y: 0.3, sigma: 1 },
          { x: 2, y: 0.31, sigma: 1.01 },
        ],
      },
      {
        name: 'σ̃ agg · seed 1',
        system: 'StepER (difficulty-aware) · seed 1',
        seed: 1,
        stage: 'agg',
        points: [
          { x: 1, y: 0.4, sigma: 1 },
          { x: 2, y: 0.38, sigma: 0.99 },
        ],
      },
    ];
    const pooled = [
      {
        name: 'Vanilla-KD (equal tokens)',
        group: 'vanilla@token',
        objective: 'vanilla',
        budget: 'token',
        seeds: [1, 2, 3],
        n: 72,
        summary: good.systems[1].summary,
        perSeed: { em: [0, 0, 0], f1: [0, 0, 0], acc: [0, 0.1, 0] },
      },
    ];
    const comparisons = [
      { ...good.comparisons[0], budget: 'token', seed: null },
      { ...good.comparisons[0], budget: 'epoch', seed: 1 },
    ];
    const systems = good.systems.map((s: Record<string, unknown>, i: number) => ({
      ...s,
      group: `g${i}`,
      budget: i === 1 ? 'token' : null,
      epochs: 2,
      optimizerSteps: 40,
      summary: { ...(s.summary as object), offlineJudge: null },
    }));
    const gpu = {
      machine: { gpu: 'NVIDIA H100 80GB HBM3', torch: '2.11.0' },
      runs: [
        { stage: 'copy', kind: 'warm', wallSeconds: 30.2, steps: 410, finalLoss: 1.2 },
        { stage: 'vanilla', kind: 'student', wallSeconds: 88.1, steps: 700, finalLoss: 0.4 },
      ],
      bundleCommit: 'abc',
    };
    writeResult(dir, { ...good, systems, comparisons, sigmaSeries, pooled, gpu, somethingNew: { a: 1 } });
    const { id } = recordReport(wb, { kind: 'experiment', name: 'x', outDir: dir });
    let exp = (await api.reports.get({ id })).experiment!;
    expect(exp.sigmaSeries).toEqual(sigmaSeries);
    expect(exp.pooled?.[0]).toMatchObject({ seeds: [1, 2, 3], n: 72, budget: 'token' });
    expect(exp.comparisons.map((c) => [c.budget, c.seed])).toEqual([
      ['token', null],
      ['epoch', 1],
    ]);
    expect(exp.systems[1]).toMatchObject({ budget: 'token', epochs: 2, optimizerSteps: 40 });
    expect(exp.systems[0]!.summary.offlineJudge).toBeNull();
    expect(exp).not.toHaveProperty('somethingNew');
    expect(exp.gpu?.machine?.gpu).toBe('NVIDIA H100 80GB HBM3');
    expect(exp.gpu?.runs.map((r) => [r.stage, r.steps])).toEqual([
      ['copy', 410],
      ['vanilla', 700],
    ]);

    writeResult(dir, {
      ...good,
      sigmaSeries: { init: [0.3] },
      pooled: [{ name: 'no summary' }],
      gpu: { runs: 3 },
    });
    exp = (await api.reports.get({ id })).experiment!;
    expect(exp.sigmaSeries).toBeUndefined();
    expect(exp.gpu).toBeUndefined();
    expect(exp.pooled).toBeUndefined();
    expect(exp.systems).toHaveLength(good.systems.length);
  });

  it('imports report folders: the committed one by relative path, an analysis by its kind', async () => {
    const wb = testWorkbench();
    const api = callerFor(wb);
    const imported = await api.reports.import({ outDir: COMMITTED });
    expect(imported).toMatchObject({ kind: 'experiment', preset: 'quick', outDir: COMMITTED_ABS });
    expect(imported.name).toBe('Vanilla-KD vs StepER · quick · quick-smoke-2026-11-23');
    expect((await api.reports.import({ outDir: COMMITTED_ABS })).id).toBe(imported.id);
    expect(await api.reports.list()).toHaveLength(1);

    // Over the API a folder is read from docs/results or the workspace's imports/ only.
    const imports = wb.store.path('imports');
    const analysis = join(imports, 'analysis');
    mkdirSync(analysis, { recursive: true });
    writeFileSync(
      join(analysis, 'report.md'),
      '# Table 2\n\n| λ | EM |\n|---|---|\n| 1,1,1 | 30.0 |\n\n![plot](table2.png)\n',
    );
    cpSync(join(COMMITTED_ABS, 'figure7-sigma.png'), join(analysis, 'table2.png'));
    let err = await failure(api.reports.import({ outDir: analysis }));
    expect(err.code).toBe('BAD_REQUEST');
    expect(err.message).toContain('Pass kind: one of experiment, table2');
    const t2 = await api.reports.import({
      outDir: analysis,
      kind: 'table2',
      name: 'Fixed λ vs difficulty-aware',
    });
    const opened = await api.reports.get({ id: t2.id });
    expect(opened).toMatchObject({ kind: 'table2', experiment: null, data: null, figures: ['table2.png'] });
    expect(opened.markdown).toContain('| 1,1,1 | 30.0 |');

    // An analysis whose result.json names its kind needs no kind passed.
    const fig5 = join(imports, 'fig5');
    mkdirSync(fig5, { recursive: true });
    writeFileSync(
      join(fig5, 'result.json'),
      JSON.stringify({ kind: 'figure5', title: 'Out of domain', matrix: [[1]] }),
    );
    const f5 = await api.reports.import({ outDir: fig5 });
    expect(f5).toMatchObject({ kind: 'figure5', name: 'Out of domain' });
    expect((await api.reports.get({ id: f5.id })).data).toEqual({
      kind: 'figure5',
      title: 'Out of domain',
      matrix: [[1]],
    });

    const broken = join(imports, 'broken');
    cpSync(reportCopy(), broken, { recursive: true });
    writeFileSync(join(broken, 'result.json'), '[1,');
    err = await failure(api.reports.import({ outDir: broken }));
    expect(err.message).toContain(join(broken, 'result.json'));
    err = await failure(api.reports.import({ outDir: join(broken, 'nowhere') }));
    expect(err.message).toContain(`the folder ${join(broken, 'nowhere')} does not exist`);
    err = await failure(api.reports.import({ outDir: '  ' }));
    expect(err.message).toMatch(/field "outDir": give the report folder/);
    expect(await api.reports.list()).toHaveLength(3);
  });

  it('reads no report folder over the API outside docs/results and the workspace imports/', async () => {
    const wb = testWorkbench();
    const api = callerFor(wb);
    const outside = reportCopy(); // a whole, valid report, in a temp folder
    mkdirSync(wb.store.path('imports'), { recursive: true });
    symlinkSync(outside, wb.store.path('imports/link-out'));
    for (const outDir of [
      outside,
      '/etc',
      '..',
      'docs/results/../../..',
      wb.store.path('imports/link-out'),
    ]) {
      const err = await failure(api.reports.import({ outDir }));
      expect(err.code).toBe('BAD_REQUEST');
      expect(err.message).toContain(
        'field "outDir": over the API a report folder is read only from docs/results/',
      );
    }
    expect(await api.reports.list()).toEqual([]);
    // The CLI's own import (importReport) still reads any folder its user names.
    expect(importReport(wb, { outDir: outside }).outDir).toBe(outside);
  });

  it('imports the committed docs/results reports for a demo workspace', () => {
    const wb = testWorkbench();
    const { imported, skipped } = importCommittedReports(wb);
    expect(skipped).toEqual([]);
    expect(imported.map((r) => r.outDir)).toContain(COMMITTED_ABS);
    // A second start adds nothing.
    importCommittedReports(wb);
    expect(wb.store.reports.list()).toHaveLength(imported.length);
  });

  it('lists when each report ran (its result.json), not when this workspace imported it', async () => {
    const wb = testWorkbench();
    const api = callerFor(wb);
    const experiment = await api.reports.import({ outDir: COMMITTED });
    const notes = wb.store.path('imports/notes');
    mkdirSync(notes, { recursive: true });
    writeFileSync(join(notes, 'report.md'), '# Notes\n');
    const analysis = await api.reports.import({ outDir: notes, kind: 'table2' });
    const broken = reportCopy();
    writeFileSync(
      join(broken, 'result.json'),
      JSON.stringify({ ...readResult(broken), startedAt: 'Monday' }),
    );
    const badTime = recordReport(wb, { kind: 'experiment', name: 'bad time', preset: null, outDir: broken });

    const byId = new Map((await api.reports.list()).map((r) => [r.id, r]));
    expect(byId.get(experiment.id)?.ranAt).toBe(readResult(COMMITTED_ABS).startedAt);
    expect(byId.get(experiment.id)?.ranAt).toBe('2026-11-23T16:42:07.347Z');
    // No result.json, or no time in it that reads as one: the list says it does not know.
    expect(byId.get(analysis.id)?.ranAt).toBeNull();
    expect(byId.get(badTime.id)?.ranAt).toBeNull();
  });

  it('refuses a kind outside the list at the database too', () => {
    const wb = testWorkbench();
    expect(() =>
      wb.store.reports.upsert({ kind: 'table3' as never, name: 'x', preset: null, outDir: tempDir() }),
    ).toThrow(/CHECK constraint failed/);
  });
});

describe('report files over HTTP', () => {
  it('serves a report figure and nothing outside its folder', async () => {
    const wb = testWorkbench();
    const dir = reportCopy();
    const secretDir = join(dir, '..');
    writeFileSync(join(secretDir, 'secret.png'), 'outside the report');
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'sub', 'nested.png'), 'nested');
    symlinkSync(join(secretDir, 'secret.png'), join(dir, 'link.png'));
    writeFileSync(join(dir, '.hidden.png'), 'hidden');
    const { id } = recordReport(wb, { kind: 'experiment', name: 'x', outDir: dir });
    const other = recordReport(wb, { kind: 'experiment', name: 'y', outDir: reportCopy() });
    const server = await startHttpServer(wb, { host: '127.0.0.1', port: 0, log: () => {} });
    try {
      const ok = await rawGet(server.url, `/api/reports/${id}/files/figure7-sigma.png`);
      expect(ok.status).toBe(200);
      expect(ok.type).toBe('image/png');
      expect(ok.body.equals(readFileSync(join(dir, 'figure7-sigma.png')))).toBe(true);
      expect((await rawGet(server.url, `/api/reports/${id}/files/figure7-sigma.png`, 'HEAD')).status).toBe(
        200,
      );
      expect(
        (await rawGet(server.url, `/api/reports/${other.id}/files/figure6-accuracy-latency.png`)).status,
      ).toBe(200);

      const refused = [
        `/api/reports/${id}/files/..%2fsecret.png`,
        `/api/reports/${id}/files/..%2F..%2Fsecret.png`,
        `/api/reports/${id}/files/%2e%2e%2fsecret.png`,
        `/api/reports/${id}/files/..%5csecret.png`,
        `/api/reports/${id}/files/sub%2fnested.png`,
        `/api/reports/${id}/files/link.png`,
        `/api/reports/${id}/files/.hidden.png`,
        `/api/reports/${id}/files/report.md`,
        `/api/reports/${id}/files/result.json`,
        `/api/reports/${id}/files/%E0%A4%A.png`,
        `/api/reports/${id}/files/missing.png`,
        '/api/reports/rep_unknown/files/figure7-sigma.png',
        `/api/reports/${id}/files/`,
      ];
      for (const path of refused) {
        const res = await rawGet(server.url, path);
        expect({ path, status: res.status }).toEqual({ path, status: 404 });
        expect(res.body.toString()).not.toContain('outside the report');
      }
      // `..` as a path segment is resolved by the URL parser before routing: it never reaches the folder.
      const dotted = await rawGet(server.url, `/api/reports/${id}/files/../../../secret.png`);
      expect(dotted.body.toString()).not.toContain('outside the report');
      expect((await rawGet(server.url, `/api/reports/${id}/files/figure7-sigma.png`, 'POST')).status).toBe(
        405,
      );
    } finally {
      await server.close();
    }
  });
});
