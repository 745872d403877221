import type { Passage } from '@steper/core';
import { notFound } from '../errors';
import { type Db, prepare } from './db';
import { newId, nowIso, type Page, parseJson } from './util';

export interface CorpusRow {
  id: string;
  name: string;
  source: Record<string, unknown>;
  passageCount: number;
  indexPath: string | null;
  indexMeta: Record<string, unknown> | null;
  createdAt: string;
}

interface RawCorpus {
  id: string;
  name: string;
  source: string;
  passage_count: number;
  index_path: string | null;
  index_meta: string | null;
  created_at: string;
}

const toRow = (r: RawCorpus): CorpusRow => ({
  id: r.id,
  name: r.name,
  source: JSON.parse(r.source),
  passageCount: r.passage_count,
  indexPath: r.index_path,
  indexMeta: parseJson(r.index_meta),
  createdAt: r.created_at,
});

export class CorpusRepo {
  constructor(private readonly db: Db) {}

  /** Inserts the corpus and all its passages in one transaction: all or nothing. */
  create(input: {
    name: string;
    source: Record<string, unknown>;
    passages: readonly Passage[];
    id?: string;
  }): CorpusRow {
    const id = input.id ?? newId('corpus');
    const insertPassage = prepare(
      this.db,
      'INSERT INTO passages (corpus_id, idx, id, title, text) VALUES (?, ?, ?, ?, ?)',
    );
    this.db.transaction(() => {
      prepare(
        this.db,
        'INSERT INTO corpora (id, name, source, passage_count, created_at) VALUES (?, ?, ?, ?, ?)',
      ).run(id, input.name, JSON.stringify(input.source), input.passages.length, nowIso());
      input.passages.forEach((p, i) => {
        insertPassage.run(id, i, p.id, p.title, p.text);
      });
    })();
    return this.require(id);
  }

  get(id: string): CorpusRow | undefined {
    const r = prepare(this.db, 'SELECT * FROM corpora WHERE id = ?').get(id) as RawCorpus | undefined;
    return r && toRow(r);
  }

  require(id: string): CorpusRow {
    const row = this.get(id);
    if (!row) throw notFound('corpus', id, 'List corpora with `steper corpora` or corpora.list.');
    return row;
  }

  list(): CorpusRow[] {
    return (prepare(this.db, 'SELECT * FROM corpora ORDER BY created_at DESC').all() as RawCorpus[]).map(
      toRow,
    );
  }

  setIndex(id: string, indexPath: string, meta: Record<string, unknown>): void {
    prepare(this.db, 'UPDATE corpora SET index_path = ?, index_meta = ? WHERE id = ?').run(
      indexPath,
      JSON.stringify(meta),
      id,
    );
  }

  /** All passages in index order (document number = position). */
  allPassages(corpusId: string): Passage[] {
    return prepare(this.db, 'SELECT id, title, text FROM passages WHERE corpus_id = ? ORDER BY idx').all(
      corpusId,
    ) as Passage[];
  }

  passage(corpusId: string, passageId: string): Passage | undefined {
    return prepare(this.db, 'SELECT id, title, text FROM passages WHERE corpus_id = ? AND id = ?').get(
      corpusId,
      passageId,
    ) as Passage | undefined;
  }

  /** Paged browsing, optionally filtered by a substring of the title. */
  passages(corpusId: string, opts: { offset: number; limit: number; title?: string }): Page<Passage> {
    const where = opts.title ? 'corpus_id = ? AND title LIKE ?' : 'corpus_id = ?';
    const args: unknown[] = opts.title ? [corpusId, `%${opts.title}%`] : [corpusId];
    const total = (
      prepare(this.db, `SELECT COUNT(*) AS n FROM passages WHERE ${where}`).get(...args) as { n: number }
    ).n;
    const items = prepare(
      this.db,
      `SELECT id, title, text FROM passages WHERE ${where} ORDER BY idx LIMIT ? OFFSET ?`,
    ).all(...args, opts.limit, opts.offset) as Passage[];
    return { items, total, offset: opts.offset, limit: opts.limit };
  }

  delete(id: string): void {
    prepare(this.db, 'DELETE FROM corpora WHERE id = ?').run(id);
  }
}
