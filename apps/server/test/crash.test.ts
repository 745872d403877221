import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Bm25Index } from '@steper/core';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../src/paths';
import { Store } from '../src/store/store';
import { collect, runCli, spawnCli } from './support/cli';
import { smallDemo, tempDir, testWorkbench } from './support/workspace';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The README's "After a crash" guarantees that no other test shows: a SIGKILL in the middle of an
 * annotation write or an index build. `npm run chaos` repeats these (and the teacher-run and
 * training ones) twenty times each at random moments.
 */
describe('after a crash', () => {
  it('a kill during an annotation write leaves the row either old or new, and keeps every answered write', async () => {
    const wb = testWorkbench();
    const demo = await smallDemo(wb);
    const exampleId = wb.store.stepDatasets.examples(demo.datasetId, { offset: 0, limit: 1 }).items[0]!.id;
    await wb.close();
    for (let round = 0; round < 4; round++) {
      const child = spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          'apps/server/test/support/annotationWriter.ts',
          wb.store.dir,
          demo.datasetId,
          exampleId,
        ],
        { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      const done = collect(child);
      let answered = 0;
      child.stdout!.on('data', (d) => {
        const versions = String(d).trim().split('\n').map(Number);
        answered = Math.max(answered, ...versions);
      });
      for (let i = 0; i < 600 && answered === 0; i++) await sleep(50);
      expect(answered).toBeGreaterThan(0);
      await sleep(Math.random() * 300);
      child.kill('SIGKILL');
      await done;

      const store = Store.open(wb.store.dir);
      try {
        const row = store.annotations.get(demo.datasetId, exampleId, 'crash')!;
        // Old or new, never a mix: the reason, the target and the version are of one write.
        expect(row.reason).toBe(`v${row.version}`);
        expect(row.editedTarget!.endsWith(`v${row.version}`)).toBe(true);
        expect(row.editedTarget!.length).toBe(200_000 + `v${row.version}`.length);
        // Every write the process was told had succeeded is there (the one in flight may be too).
        expect(row.version).toBeGreaterThanOrEqual(answered);
        expect(row.version).toBeLessThanOrEqual(answered + 1);
        const check = store.db.pragma('integrity_check', { simple: true });
        expect(check).toBe('ok');
      } finally {
        store.close();
      }
    }
  });

  it('a kill during an index build leaves each corpus whole and its index absent or complete; resume builds it', async () => {
    const dir = tempDir();
    const file = join(dir, 'passages.jsonl');
    const words = (i: number) =>
      Array.from({ length: 30 }, (_, j) => `w${(i * 31 + j * 7) % 5000}`).join(' ');
    writeFileSync(
      file,
      Array.from(
        { length: 20_000 },
        (_, i) => `${JSON.stringify({ id: `p${i}`, title: `T${i}`, text: words(i) })}\n`,
      ).join(''),
    );
    const ws = join(dir, 'ws');
    const corpora = () => {
      try {
        const db = new Database(join(ws, 'steper.db'), { readonly: true, fileMustExist: true });
        try {
          return (db.prepare('SELECT COUNT(*) AS n FROM corpora').get() as { n: number }).n;
        } finally {
          db.close();
        }
      } catch {
        return 0;
      }
    };
    // In start-up, then twice once the corpus is in: while its index is built or written.
    for (const [round, after] of [
      [0, -1],
      [1, 0],
      [2, 300],
    ] as const) {
      const child = spawnCli(['index', '--workspace', ws, '--passages', file, '--name', `kill-${round}`]);
      const done = collect(child);
      if (after < 0) await sleep(800);
      else {
        for (let i = 0; i < 1200 && corpora() <= round - 1 && child.exitCode === null; i++) await sleep(25);
        await sleep(after);
      }
      child.kill('SIGKILL');
      await done;
    }
    expect(corpora()).toBeGreaterThanOrEqual(2);
    const resumed = await runCli(['resume', '--workspace', ws]);
    expect(resumed.code, resumed.stderr).toBe(0);
    const store = Store.open(ws);
    try {
      expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');
      for (const corpus of store.corpora.list()) {
        // Whole or not there: passages and their count were written in one transaction.
        expect(corpus.passageCount).toBe(20_000);
        const rows = store.db
          .prepare('SELECT COUNT(*) AS n FROM passages WHERE corpus_id = ?')
          .get(corpus.id) as {
          n: number;
        };
        expect(rows.n).toBe(20_000);
        // Indexed after the resume, and the index file loads whole.
        expect(corpus.indexPath).toBeTruthy();
        const index = Bm25Index.fromBytes(new Uint8Array(readFileSync(store.path(corpus.indexPath!))));
        expect(index.size).toBe(20_000);
      }
    } finally {
      store.close();
    }
  });
});
