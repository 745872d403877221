import type { Stage } from '@steper/core';
import { UserError } from '../errors';
import type { AnnotationStatus } from './annotations';
import { type Db, prepare } from './db';
import { nowIso } from './util';

/** The resolution of one example annotators disagree on: it overrides their verdicts in the export. */
export interface AdjudicationRow {
  id: number;
  datasetId: string;
  exampleId: string;
  questionId: string;
  status: AnnotationStatus;
  editedTarget: string | null;
  reason: string | null;
  /** Whose verdict the adjudicator took; null when they wrote the resolution themselves. */
  fromAnnotator: string | null;
  adjudicator: string;
  version: number;
  createdAt: string;
  updatedAt: string;
}

interface RawAdjudication {
  id: number;
  dataset_id: string;
  example_id: string;
  question_id: string;
  status: AnnotationStatus;
  edited_target: string | null;
  reason: string | null;
  from_annotator: string | null;
  adjudicator: string;
  version: number;
  created_at: string;
  updated_at: string;
}

const toRow = (r: RawAdjudication): AdjudicationRow => ({
  id: r.id,
  datasetId: r.dataset_id,
  exampleId: r.example_id,
  questionId: r.question_id,
  status: r.status,
  editedTarget: r.edited_target,
  reason: r.reason,
  fromAnnotator: r.from_annotator,
  adjudicator: r.adjudicator,
  version: r.version,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export interface AdjudicationInput {
  datasetId: string;
  exampleId: string;
  questionId: string;
  status: AnnotationStatus;
  editedTarget?: string | null;
  reason?: string | null;
  fromAnnotator?: string | null;
  adjudicator: string;
  /** The version the adjudicator read; omitted (or 0) when resolving for the first time. */
  expectedVersion?: number;
}

export interface ExamplePosition {
  idx: number;
  questionId: string;
  stage: Stage;
  step: number;
}

const lastChange = (a: AdjudicationRow) =>
  `${a.adjudicator} resolved it as ${a.status} at ${a.updatedAt} (version ${a.version})`;

export class AdjudicationRepo {
  constructor(private readonly db: Db) {}

  get(datasetId: string, exampleId: string): AdjudicationRow | undefined {
    const r = prepare(this.db, 'SELECT * FROM adjudications WHERE dataset_id = ? AND example_id = ?').get(
      datasetId,
      exampleId,
    ) as RawAdjudication | undefined;
    return r && toRow(r);
  }

  list(datasetId: string, opts: { questionId?: string } = {}): AdjudicationRow[] {
    const rows = opts.questionId
      ? prepare(
          this.db,
          'SELECT * FROM adjudications WHERE dataset_id = ? AND question_id = ? ORDER BY id',
        ).all(datasetId, opts.questionId)
      : prepare(this.db, 'SELECT * FROM adjudications WHERE dataset_id = ? ORDER BY id').all(datasetId);
    return (rows as RawAdjudication[]).map(toRow);
  }

  /**
   * Records or changes the resolution of one example, with optimistic concurrency: a caller who
   * read an older version (or none, when one exists) gets a CONFLICT naming who changed it.
   */
  save(input: AdjudicationInput): AdjudicationRow {
    const reason = input.reason?.trim() || null;
    if (input.status === 'rejected' && !reason) {
      throw new UserError(
        'BAD_REQUEST',
        'field "reason": a rejection needs a reason; say why the step is wrong.',
      );
    }
    if (input.status === 'edited' && !input.editedTarget?.trim()) {
      throw new UserError(
        'BAD_REQUEST',
        'field "editedTarget": status "edited" needs the resolved target text; send it, or accept or reject instead.',
      );
    }
    const edited = input.status === 'edited' ? input.editedTarget! : null;
    return this.db.transaction(() => {
      const current = this.get(input.datasetId, input.exampleId);
      const now = nowIso();
      if (!current) {
        if (input.expectedVersion !== undefined && input.expectedVersion !== 0) {
          throw new UserError(
            'CONFLICT',
            `The resolution of ${input.exampleId} you read (version ${input.expectedVersion}) was reopened meanwhile. Reload it and decide again.`,
          );
        }
        prepare(
          this.db,
          `INSERT INTO adjudications (dataset_id, example_id, question_id, status, edited_target, reason,
             from_annotator, adjudicator, version, created_at, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)`,
        ).run(
          input.datasetId,
          input.exampleId,
          input.questionId,
          input.status,
          edited,
          reason,
          input.fromAnnotator ?? null,
          input.adjudicator,
          now,
          now,
        );
      } else {
        if (input.expectedVersion !== current.version) {
          throw new UserError(
            'CONFLICT',
            `${input.exampleId} was changed meanwhile: ${lastChange(current)}; you read ${
              input.expectedVersion ? `version ${input.expectedVersion}` : 'it unresolved'
            }. Reload it and decide again.`,
          );
        }
        prepare(
          this.db,
          `UPDATE adjudications SET status = ?, edited_target = ?, reason = ?, from_annotator = ?, adjudicator = ?,
             version = version + 1, updated_at = ? WHERE id = ? AND version = ?`,
        ).run(
          input.status,
          edited,
          reason,
          input.fromAnnotator ?? null,
          input.adjudicator,
          now,
          current.id,
          current.version,
        );
      }
      return this.get(input.datasetId, input.exampleId)!;
    })();
  }

  /** Where examples sit in their dataset, for listing them in dataset order; unknown ids are absent. */
  positions(datasetId: string, exampleIds: Iterable<string>): Map<string, ExamplePosition> {
    const stmt = prepare(
      this.db,
      'SELECT idx, question_id AS questionId, stage, step FROM step_examples WHERE dataset_id = ? AND id = ?',
    );
    const out = new Map<string, ExamplePosition>();
    for (const id of exampleIds) {
      const r = stmt.get(datasetId, id) as ExamplePosition | undefined;
      if (r) out.set(id, r);
    }
    return out;
  }

  /** Reopens an example: its resolution is removed, the annotators' verdicts count again. */
  remove(datasetId: string, exampleId: string, expectedVersion: number): void {
    this.db.transaction(() => {
      const current = this.get(datasetId, exampleId);
      if (!current) {
        throw new UserError('NOT_FOUND', `${exampleId} has no resolution to reopen in dataset ${datasetId}.`);
      }
      if (current.version !== expectedVersion) {
        throw new UserError(
          'CONFLICT',
          `${exampleId} was changed meanwhile: ${lastChange(current)}; you read version ${expectedVersion}. Reload it first.`,
        );
      }
      prepare(this.db, 'DELETE FROM adjudications WHERE id = ?').run(current.id);
    })();
  }
}
