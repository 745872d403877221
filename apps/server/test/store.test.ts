import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { UserError } from '../src/errors';
import { writeFileAtomicSync } from '../src/store/blobs';
import { loadMigrations, migrate, openDb, schemaVersion } from '../src/store/db';
import { DB_FILE, Store } from '../src/store/store';
import { tempDir } from './support/workspace';

const passages = [
  { id: 'p1', title: 'Ada Reyes', text: 'Ada Reyes directed Blue Harbor.' },
  { id: 'p2', title: 'Blue Harbor', text: 'Blue Harbor is a film.' },
];

describe('store: database and migrations', () => {
  it('creates the schema in WAL mode and records every migration once', () => {
    const dir = tempDir();
    const store = Store.open(dir);
    const migrations = loadMigrations();
    expect(migrations.length).toBeGreaterThan(0);
    expect(schemaVersion(store.db)).toBe(migrations.at(-1)!.version);
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    const tables = (
      store.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]
    ).map((t) => t.name);
    for (const t of [
      'corpora',
      'passages',
      'question_sets',
      'teacher_runs',
      'traces',
      'step_datasets',
      'step_examples',
      'annotations',
      'training_runs',
      'training_events',
      'evaluations',
      'teacher_cache',
      'teacher_calls',
      'jobs',
      'schema_version',
    ]) {
      expect(tables).toContain(t);
    }
    store.close();
    // Re-opening applies nothing new.
    const db = openDb(join(dir, DB_FILE));
    expect(migrate(db)).toEqual([]);
    expect((db.prepare('SELECT COUNT(*) AS n FROM schema_version').get() as { n: number }).n).toBe(
      migrations.length,
    );
    db.close();
  });

  it('applies numbered migrations in order and refuses a database newer than the code', () => {
    const dir = tempDir();
    const mdir = join(dir, 'migrations');
    mkdirSync(mdir);
    writeFileSync(join(mdir, '001_a.sql'), 'CREATE TABLE a (x INTEGER);');
    writeFileSync(join(mdir, '002_b.sql'), 'ALTER TABLE a ADD COLUMN y TEXT;');
    const db = new Database(join(dir, 'x.db'));
    expect(migrate(db, loadMigrations(mdir))).toEqual([1, 2]);
    db.prepare('INSERT INTO a (x, y) VALUES (1, ?)').run('ok');
    expect(() => migrate(db, loadMigrations(mdir).slice(0, 1))).toThrow(
      /schema version 2, newer than this server knows \(1\)/,
    );
    db.close();
  });

  it('applies a migration that lands after a higher-numbered one', () => {
    const dir = tempDir();
    const mdir = join(dir, 'migrations');
    mkdirSync(mdir);
    writeFileSync(join(mdir, '001_a.sql'), 'CREATE TABLE a (x INTEGER);');
    writeFileSync(join(mdir, '003_c.sql'), 'CREATE TABLE c (x INTEGER);');
    const db = new Database(join(dir, 'x.db'));
    expect(migrate(db, loadMigrations(mdir))).toEqual([1, 3]);
    writeFileSync(join(mdir, '002_b.sql'), 'CREATE TABLE b (x INTEGER);');
    expect(migrate(db, loadMigrations(mdir))).toEqual([2]);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'b'").get()).toBeDefined();
    expect(migrate(db, loadMigrations(mdir))).toEqual([]);
    db.close();
  });

  it('rolls a failing migration back entirely', () => {
    const dir = tempDir();
    const mdir = join(dir, 'migrations');
    mkdirSync(mdir);
    writeFileSync(join(mdir, '001_bad.sql'), 'CREATE TABLE a (x INTEGER); CREATE TABLE a (y INTEGER);');
    const db = new Database(join(dir, 'x.db'));
    expect(() => migrate(db, loadMigrations(mdir))).toThrow(/already exists/);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'a'").get()).toBeUndefined();
    expect(schemaVersion(db)).toBe(0);
    db.close();
  });
});

describe('store: transactions leave bad input out', () => {
  it('writes a corpus and its passages together or not at all', () => {
    const store = Store.open(tempDir());
    const ok = store.corpora.create({ name: 'c', source: { t: 1 }, passages });
    expect(store.corpora.allPassages(ok.id)).toEqual(passages);
    expect(() =>
      store.corpora.create({ name: 'dup', source: {}, passages: [...passages, { ...passages[0]! }] }),
    ).toThrow(/UNIQUE/);
    expect(store.corpora.list().map((c) => c.name)).toEqual(['c']);
    expect((store.db.prepare('SELECT COUNT(*) AS n FROM passages').get() as { n: number }).n).toBe(2);
    store.close();
  });

  it('names unknown ids in a NOT_FOUND error', () => {
    const store = Store.open(tempDir());
    const err = (() => {
      try {
        store.corpora.require('corpus_nope');
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).code).toBe('NOT_FOUND');
    expect((err as Error).message).toContain('corpus_nope');
    store.close();
  });
});

describe('store: annotations', () => {
  function withDataset() {
    const store = Store.open(tempDir());
    const c = store.corpora.create({ name: 'c', source: {}, passages });
    const q = store.questionSets.create({ name: 'q', dataset: 'synthetic', source: {}, questions: [] });
    const run = store.teacherRuns.create({
      name: 'r',
      corpusId: c.id,
      questionSetId: q.id,
      loop: 'ircot',
      maxSteps: 5,
      topK: 4,
      generator: 'g',
      config: {},
      questionTotal: 0,
    });
    const d = store.stepDatasets.create({
      id: 'steps_t',
      name: 'd',
      teacherRunId: run.id,
      manifest: {
        name: 'd',
        createdAt: '',
        loop: 'ircot',
        generator: 'g',
        maxSteps: 5,
        topK: 4,
        filterRule: 'em',
        stepConfig: 'all',
        counts: { traces: 0, kept: 0, examples: { init: 0, exp: 0, agg: 0 } },
      },
      exportDir: 'x',
      examples: [],
    });
    return { store, d };
  }

  it('creates, updates with the version read, and refuses a stale version', () => {
    const { store, d } = withDataset();
    const a = store.annotations.save({
      datasetId: d.id,
      exampleId: 'q1:init:1',
      questionId: 'q1',
      annotator: 'ann',
      status: 'accepted',
    });
    expect(a.version).toBe(1);
    const b = store.annotations.save({
      datasetId: d.id,
      exampleId: 'q1:init:1',
      questionId: 'q1',
      annotator: 'ann',
      status: 'edited',
      editedTarget: ' Fixed.',
      reason: 'typo',
      expectedVersion: 1,
    });
    expect(b).toMatchObject({ version: 2, status: 'edited', editedTarget: ' Fixed.', reason: 'typo' });
    expect(() =>
      store.annotations.save({
        datasetId: d.id,
        exampleId: 'q1:init:1',
        questionId: 'q1',
        annotator: 'ann',
        status: 'rejected',
        expectedVersion: 1,
      }),
    ).toThrow(/version 2, you edited version 1/);
    expect(store.annotations.get(d.id, 'q1:init:1', 'ann')!.status).toBe('edited');
    expect(() =>
      store.annotations.save({
        datasetId: d.id,
        exampleId: 'q1:exp:2',
        questionId: 'q1',
        annotator: 'ann',
        status: 'edited',
      }),
    ).toThrow(/needs editedTarget/);
    expect(store.annotations.summary(d.id)).toEqual({ accepted: 0, rejected: 0, edited: 1 });
    store.close();
  });
});

describe('store: jobs and blobs', () => {
  it('requeues jobs left running by a dead process, not those of a live one', () => {
    const store = Store.open(tempDir());
    const dead = store.jobs.create('index', { corpusId: 'x' }, { claimedBy: 2 ** 22 + 12345 });
    const live = store.jobs.create('index', { corpusId: 'y' }, { claimedBy: process.ppid });
    const recovered = store.jobs.recoverInterrupted();
    expect(recovered.map((j) => j.id)).toEqual([dead.id]);
    expect(store.jobs.require(dead.id).status).toBe('queued');
    expect(store.jobs.require(live.id).status).toBe('running');
    expect(store.jobs.claim(dead.id, process.pid)).toBe(true);
    expect(store.jobs.claim(dead.id, process.pid)).toBe(false);
    store.close();
  });

  it('writes blobs through a temporary name and leaves no temporary behind', () => {
    const dir = tempDir();
    const path = join(dir, 'a', 'b.bin');
    writeFileAtomicSync(path, 'one');
    writeFileAtomicSync(path, new Uint8Array([116, 119, 111]));
    expect(readFileSync(path, 'utf8')).toBe('two');
    expect(readdirSync(join(dir, 'a'))).toEqual(['b.bin']);
    expect(() => writeFileAtomicSync(join(path, 'under-a-file'), 'x')).toThrow();
    expect(existsSync(path)).toBe(true);
  });
});
