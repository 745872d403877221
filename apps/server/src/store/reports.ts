import { notFound } from '../errors';
import { type Db, prepare } from './db';
import { newId, nowIso } from './util';

export const REPORT_KINDS = ['experiment', 'table2', 'figure3', 'table4', 'table6', 'figure5'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];

export interface ReportRow {
  id: string;
  kind: ReportKind;
  name: string;
  preset: string | null;
  /** Absolute path of the folder holding report.md, result.json and the figures. */
  outDir: string;
  createdAt: string;
}

interface RawReport {
  id: string;
  kind: ReportKind;
  name: string;
  preset: string | null;
  out_dir: string;
  created_at: string;
}

const toRow = (r: RawReport): ReportRow => ({
  id: r.id,
  kind: r.kind,
  name: r.name,
  preset: r.preset,
  outDir: r.out_dir,
  createdAt: r.created_at,
});

export class ReportRepo {
  constructor(private readonly db: Db) {}

  /**
   * One row per folder: recording a folder again (a rerun into the same out dir, an import
   * repeated) updates its row and keeps its id, so links to it stay valid.
   */
  upsert(input: { kind: ReportKind; name: string; preset: string | null; outDir: string }): ReportRow {
    prepare(
      this.db,
      `INSERT INTO reports (id, kind, name, preset, out_dir, created_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (out_dir) DO UPDATE SET kind = excluded.kind, name = excluded.name,
         preset = excluded.preset, created_at = excluded.created_at`,
    ).run(newId('rep'), input.kind, input.name, input.preset, input.outDir, nowIso());
    return toRow(prepare(this.db, 'SELECT * FROM reports WHERE out_dir = ?').get(input.outDir) as RawReport);
  }

  get(id: string): ReportRow | undefined {
    const r = prepare(this.db, 'SELECT * FROM reports WHERE id = ?').get(id) as RawReport | undefined;
    return r && toRow(r);
  }

  require(id: string): ReportRow {
    const row = this.get(id);
    if (!row) throw notFound('report', id, 'List them with reports.list.');
    return row;
  }

  list(): ReportRow[] {
    return (prepare(this.db, 'SELECT * FROM reports ORDER BY created_at DESC, id').all() as RawReport[]).map(
      toRow,
    );
  }
}
