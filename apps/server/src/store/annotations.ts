import { UserError } from '../errors';
import { type Db, prepare } from './db';
import { nowIso } from './util';

export const ANNOTATION_STATUSES = ['accepted', 'rejected', 'edited'] as const;
export type AnnotationStatus = (typeof ANNOTATION_STATUSES)[number];

export interface AnnotationRow {
  id: number;
  datasetId: string;
  exampleId: string;
  questionId: string;
  annotator: string;
  status: AnnotationStatus;
  editedTarget: string | null;
  reason: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

interface RawAnnotation {
  id: number;
  dataset_id: string;
  example_id: string;
  question_id: string;
  annotator: string;
  status: AnnotationStatus;
  edited_target: string | null;
  reason: string | null;
  version: number;
  created_at: string;
  updated_at: string;
}

const toRow = (r: RawAnnotation): AnnotationRow => ({
  id: r.id,
  datasetId: r.dataset_id,
  exampleId: r.example_id,
  questionId: r.question_id,
  annotator: r.annotator,
  status: r.status,
  editedTarget: r.edited_target,
  reason: r.reason,
  version: r.version,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export interface AnnotationInput {
  datasetId: string;
  exampleId: string;
  questionId: string;
  annotator: string;
  status: AnnotationStatus;
  editedTarget?: string | null;
  reason?: string | null;
  /** The version the annotator read; omitted when creating. A stale version is a conflict. */
  expectedVersion?: number;
}

export class AnnotationRepo {
  constructor(private readonly db: Db) {}

  get(datasetId: string, exampleId: string, annotator: string): AnnotationRow | undefined {
    const r = prepare(
      this.db,
      'SELECT * FROM annotations WHERE dataset_id = ? AND example_id = ? AND annotator = ?',
    ).get(datasetId, exampleId, annotator) as RawAnnotation | undefined;
    return r && toRow(r);
  }

  /** Creates or updates one annotator's verdict on one example, with optimistic concurrency. */
  save(input: AnnotationInput): AnnotationRow {
    if (input.status === 'edited' && !input.editedTarget) {
      throw new UserError('BAD_REQUEST', 'status "edited" needs editedTarget: the corrected target text.');
    }
    const edited = input.status === 'edited' ? (input.editedTarget ?? null) : null;
    return this.db.transaction(() => {
      const current = this.get(input.datasetId, input.exampleId, input.annotator);
      const now = nowIso();
      if (!current) {
        if (input.expectedVersion !== undefined && input.expectedVersion !== 0) {
          throw new UserError(
            'CONFLICT',
            `Annotation of ${input.exampleId} by ${input.annotator} no longer exists (expected version ${input.expectedVersion}). Reload it.`,
          );
        }
        prepare(
          this.db,
          `INSERT INTO annotations (dataset_id, example_id, question_id, annotator, status, edited_target, reason, version, created_at, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?)`,
        ).run(
          input.datasetId,
          input.exampleId,
          input.questionId,
          input.annotator,
          input.status,
          edited,
          input.reason ?? null,
          now,
          now,
        );
      } else {
        if (input.expectedVersion === undefined || input.expectedVersion !== current.version) {
          throw new UserError(
            'CONFLICT',
            `Annotation of ${input.exampleId} by ${input.annotator} is at version ${current.version}, you edited version ${input.expectedVersion ?? 'none'}. Reload it and apply your change again.`,
          );
        }
        prepare(
          this.db,
          'UPDATE annotations SET status = ?, edited_target = ?, reason = ?, version = version + 1, updated_at = ? WHERE id = ? AND version = ?',
        ).run(input.status, edited, input.reason ?? null, now, current.id, current.version);
      }
      return this.get(input.datasetId, input.exampleId, input.annotator)!;
    })();
  }

  list(
    datasetId: string,
    opts: { questionId?: string; annotator?: string; status?: AnnotationStatus } = {},
  ): AnnotationRow[] {
    const where = ['dataset_id = ?'];
    const args: unknown[] = [datasetId];
    if (opts.questionId) {
      where.push('question_id = ?');
      args.push(opts.questionId);
    }
    if (opts.annotator) {
      where.push('annotator = ?');
      args.push(opts.annotator);
    }
    if (opts.status) {
      where.push('status = ?');
      args.push(opts.status);
    }
    return (
      prepare(this.db, `SELECT * FROM annotations WHERE ${where.join(' AND ')} ORDER BY id`).all(
        ...args,
      ) as RawAnnotation[]
    ).map(toRow);
  }

  remove(datasetId: string, exampleId: string, annotator: string, expectedVersion: number): void {
    const res = prepare(
      this.db,
      'DELETE FROM annotations WHERE dataset_id = ? AND example_id = ? AND annotator = ? AND version = ?',
    ).run(datasetId, exampleId, annotator, expectedVersion);
    if (res.changes === 0) {
      throw new UserError(
        'CONFLICT',
        `No annotation of ${exampleId} by ${annotator} at version ${expectedVersion}. Reload it.`,
      );
    }
  }

  summary(datasetId: string): { accepted: number; rejected: number; edited: number } {
    const rows = prepare(
      this.db,
      'SELECT status, COUNT(*) AS n FROM annotations WHERE dataset_id = ? GROUP BY status',
    ).all(datasetId) as { status: AnnotationStatus; n: number }[];
    const out = { accepted: 0, rejected: 0, edited: 0 };
    for (const r of rows) out[r.status] = r.n;
    return out;
  }
}
