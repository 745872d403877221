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

export interface QuestionPageOptions {
  offset: number;
  limit: number;
  /** Only the questions assigned to this annotator. */
  assignedTo?: string;
}

/** A question of a step dataset as lists show it. */
export interface DatasetQuestion {
  questionId: string;
  /** The question's text (its id when the run's trace is gone). */
  question: string;
  init: number;
  exp: number;
  agg: number;
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

  /**
   * Questions of the dataset with their text and example counts per stage, paged, for
   * question-by-question browsing: one query (the text comes from the run's traces).
   */
  questions(datasetId: string, opts: QuestionPageOptions): Page<DatasetQuestion> {
    // Filters on the questions, each a condition on e.*.
    const where = ['e.dataset_id = ?'];
    const args: unknown[] = [datasetId];
    if (opts.assignedTo !== undefined) {
      where.push(
        'e.question_id IN (SELECT question_id FROM annotation_assignments WHERE dataset_id = e.dataset_id AND annotator = ?)',
      );
      args.push(opts.assignedTo);
    }
    const w = where.join(' AND ');
    const total = (
      prepare(this.db, `SELECT COUNT(DISTINCT e.question_id) AS n FROM step_examples e WHERE ${w}`).get(
        ...args,
      ) as { n: number }
    ).n;
    // The page is cut first, then only its questions are looked up among the run's traces.
    const items = prepare(
      this.db,
      `SELECT g.questionId, COALESCE(t.question, g.questionId) AS question, g.init, g.exp, g.agg
         FROM (SELECT e.question_id AS questionId, MIN(e.idx) AS first,
                 SUM(e.stage = 'init') AS init, SUM(e.stage = 'exp') AS exp, SUM(e.stage = 'agg') AS agg
               FROM step_examples e WHERE ${w} GROUP BY e.question_id ORDER BY first LIMIT ? OFFSET ?) g
         JOIN step_datasets d ON d.id = ?
         LEFT JOIN traces t ON t.run_id = d.teacher_run_id AND t.question_id = g.questionId
         ORDER BY g.first`,
    ).all(...args, opts.limit, opts.offset, datasetId) as DatasetQuestion[];
    return { items, total, offset: opts.offset, limit: opts.limit };
  }
}
