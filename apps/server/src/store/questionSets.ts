import type { Question, SampleRecord } from '@steper/core';
import { notFound } from '../errors';
import { type Db, prepare } from './db';
import { newId, nowIso, type Page, parseJson } from './util';

export interface QuestionSetRow {
  id: string;
  name: string;
  dataset: string;
  source: Record<string, unknown>;
  sample: SampleRecord | null;
  questionCount: number;
  createdAt: string;
}

interface RawSet {
  id: string;
  name: string;
  dataset: string;
  source: string;
  sample: string | null;
  question_count: number;
  created_at: string;
}

const toRow = (r: RawSet): QuestionSetRow => ({
  id: r.id,
  name: r.name,
  dataset: r.dataset,
  source: JSON.parse(r.source),
  sample: parseJson(r.sample),
  questionCount: r.question_count,
  createdAt: r.created_at,
});

export class QuestionSetRepo {
  constructor(private readonly db: Db) {}

  create(input: {
    name: string;
    dataset: string;
    source: Record<string, unknown>;
    sample?: SampleRecord;
    questions: readonly Question[];
    id?: string;
  }): QuestionSetRow {
    const id = input.id ?? newId('qset');
    const insert = prepare(
      this.db,
      'INSERT INTO questions (set_id, idx, id, question, data) VALUES (?, ?, ?, ?, ?)',
    );
    this.db.transaction(() => {
      prepare(
        this.db,
        'INSERT INTO question_sets (id, name, dataset, source, sample, question_count, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ).run(
        id,
        input.name,
        input.dataset,
        JSON.stringify(input.source),
        input.sample ? JSON.stringify(input.sample) : null,
        input.questions.length,
        nowIso(),
      );
      input.questions.forEach((q, i) => {
        insert.run(id, i, q.id, q.question, JSON.stringify(q));
      });
    })();
    return this.require(id);
  }

  get(id: string): QuestionSetRow | undefined {
    const r = prepare(this.db, 'SELECT * FROM question_sets WHERE id = ?').get(id) as RawSet | undefined;
    return r && toRow(r);
  }

  require(id: string): QuestionSetRow {
    const row = this.get(id);
    if (!row) throw notFound('question set', id, 'List them with `steper questions` or questionSets.list.');
    return row;
  }

  list(): QuestionSetRow[] {
    return (prepare(this.db, 'SELECT * FROM question_sets ORDER BY created_at DESC').all() as RawSet[]).map(
      toRow,
    );
  }

  /** All questions in set order. */
  questions(setId: string): Question[] {
    return (
      prepare(this.db, 'SELECT data FROM questions WHERE set_id = ? ORDER BY idx').all(setId) as {
        data: string;
      }[]
    ).map((r) => JSON.parse(r.data) as Question);
  }

  question(setId: string, questionId: string): Question | undefined {
    const r = prepare(this.db, 'SELECT data FROM questions WHERE set_id = ? AND id = ?').get(
      setId,
      questionId,
    ) as { data: string } | undefined;
    return r && (JSON.parse(r.data) as Question);
  }

  page(setId: string, opts: { offset: number; limit: number; search?: string }): Page<Question> {
    const where = opts.search ? 'set_id = ? AND question LIKE ?' : 'set_id = ?';
    const args: unknown[] = opts.search ? [setId, `%${opts.search}%`] : [setId];
    // A set's questions never change after import: without a search its stored count is the total.
    const total = opts.search
      ? (prepare(this.db, `SELECT COUNT(*) AS n FROM questions WHERE ${where}`).get(...args) as { n: number })
          .n
      : this.require(setId).questionCount;
    // Rows found by the index first, then read: an OFFSET never reads the questions it skips.
    const items = (
      prepare(
        this.db,
        `SELECT data FROM questions WHERE rowid IN
           (SELECT rowid FROM questions WHERE ${where} ORDER BY idx LIMIT ? OFFSET ?) ORDER BY idx`,
      ).all(...args, opts.limit, opts.offset) as { data: string }[]
    ).map((r) => JSON.parse(r.data) as Question);
    return { items, total, offset: opts.offset, limit: opts.limit };
  }

  delete(id: string): void {
    prepare(this.db, 'DELETE FROM question_sets WHERE id = ?').run(id);
  }
}
