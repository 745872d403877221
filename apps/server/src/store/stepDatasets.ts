import type { Stage, StepDatasetManifest, StepExample } from '@steper/core';
import { notFound } from '../errors';
import { type Db, prepare } from './db';
import { newId, nowIso, type Page } from './util';

export interface StepDatasetRow {
  id: string;
  name: string;
  teacherRunId: string;
  manifest: StepDatasetManifest;
  exportDir: string;
  createdAt: string;
}

interface RawDataset {
  id: string;
  name: string;
  teacher_run_id: string;
  manifest: string;
  export_dir: string;
  created_at: string;
}

const toRow = (r: RawDataset): StepDatasetRow => ({
  id: r.id,
  name: r.name,
  teacherRunId: r.teacher_run_id,
  manifest: JSON.parse(r.manifest),
  exportDir: r.export_dir,
  createdAt: r.created_at,
});

export interface ExampleFilter {
  stage?: Stage;
  questionId?: string;
  step?: number;
}

export class StepDatasetRepo {
  constructor(private readonly db: Db) {}

  newId(): string {
    return newId('steps');
  }

  /** The dataset row and every example in one transaction. */
  create(input: {
    id: string;
    name: string;
    teacherRunId: string;
    manifest: StepDatasetManifest;
    exportDir: string;
    examples: readonly StepExample[];
  }): StepDatasetRow {
    const insert = prepare(
      this.db,
      'INSERT INTO step_examples (dataset_id, idx, id, question_id, stage, step, data) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.db.transaction(() => {
      prepare(
        this.db,
        'INSERT INTO step_datasets (id, name, teacher_run_id, manifest, export_dir, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      ).run(
        input.id,
        input.name,
        input.teacherRunId,
        JSON.stringify(input.manifest),
        input.exportDir,
        nowIso(),
      );
      input.examples.forEach((e, i) => {
        insert.run(input.id, i, e.id, e.questionId, e.stage, e.step, JSON.stringify(e));
      });
    })();
    return this.require(input.id);
  }

  get(id: string): StepDatasetRow | undefined {
    const r = prepare(this.db, 'SELECT * FROM step_datasets WHERE id = ?').get(id) as RawDataset | undefined;
    return r && toRow(r);
  }

  require(id: string): StepDatasetRow {
    const row = this.get(id);
    if (!row) throw notFound('step dataset', id, 'List them with `steper datasets` or stepData.list.');
    return row;
  }

  list(teacherRunId?: string): StepDatasetRow[] {
    const rows = teacherRunId
      ? prepare(this.db, 'SELECT * FROM step_datasets WHERE teacher_run_id = ? ORDER BY created_at DESC').all(
          teacherRunId,
        )
      : prepare(this.db, 'SELECT * FROM step_datasets ORDER BY created_at DESC').all();
    return (rows as RawDataset[]).map(toRow);
  }

  examples(datasetId: string, opts: { offset: number; limit: number } & ExampleFilter): Page<StepExample> {
    const where = ['dataset_id = ?'];
    const args: unknown[] = [datasetId];
    if (opts.stage) {
      where.push('stage = ?');
      args.push(opts.stage);
    }
    if (opts.questionId) {
      where.push('question_id = ?');
      args.push(opts.questionId);
    }
    if (opts.step !== undefined) {
      where.push('step = ?');
      args.push(opts.step);
    }
    const w = where.join(' AND ');
    const total = (
      prepare(this.db, `SELECT COUNT(*) AS n FROM step_examples WHERE ${w}`).get(...args) as { n: number }
    ).n;
    const items = (
      prepare(this.db, `SELECT data FROM step_examples WHERE ${w} ORDER BY idx LIMIT ? OFFSET ?`).all(
        ...args,
        opts.limit,
        opts.offset,
      ) as { data: string }[]
    ).map((r) => JSON.parse(r.data) as StepExample);
    return { items, total, offset: opts.offset, limit: opts.limit };
  }

  allExamples(datasetId: string): StepExample[] {
    return (
      prepare(this.db, 'SELECT data FROM step_examples WHERE dataset_id = ? ORDER BY idx').all(datasetId) as {
        data: string;
      }[]
    ).map((r) => JSON.parse(r.data) as StepExample);
  }

  example(datasetId: string, exampleId: string): StepExample | undefined {
    const r = prepare(this.db, 'SELECT data FROM step_examples WHERE dataset_id = ? AND id = ?').get(
      datasetId,
      exampleId,
    ) as { data: string } | undefined;
    return r && (JSON.parse(r.data) as StepExample);
  }

  /** Questions of the dataset with their example counts per stage, paged, for question-by-question browsing. */
  questions(
    datasetId: string,
    opts: { offset: number; limit: number },
  ): Page<{ questionId: string; init: number; exp: number; agg: number }> {
    const total = (
      prepare(this.db, 'SELECT COUNT(DISTINCT question_id) AS n FROM step_examples WHERE dataset_id = ?').get(
        datasetId,
      ) as { n: number }
    ).n;
    const items = prepare(
      this.db,
      `SELECT question_id AS questionId,
           SUM(stage = 'init') AS init, SUM(stage = 'exp') AS exp, SUM(stage = 'agg') AS agg
         FROM step_examples WHERE dataset_id = ? GROUP BY question_id ORDER BY MIN(idx) LIMIT ? OFFSET ?`,
    ).all(datasetId, opts.limit, opts.offset) as {
      questionId: string;
      init: number;
      exp: number;
      agg: number;
    }[];
    return { items, total, offset: opts.offset, limit: opts.limit };
  }
}
