import { UserError } from '../errors';
import { type Db, prepare } from './db';
import { nowIso } from './util';

export interface AssignmentRow {
  questionId: string;
  annotator: string;
  assignedAt: string;
  assignedBy: string | null;
  /** Step-wise examples of the question. */
  examples: number;
  /** Of those, how many this annotator has given a verdict on. */
  done: number;
}

/** Which annotator works on which question of a step dataset. */
export class AssignmentRepo {
  constructor(private readonly db: Db) {}

  /** Every assignment of the dataset, in dataset order, with the annotator's progress on it. */
  list(datasetId: string, annotator?: string): AssignmentRow[] {
    return prepare(
      this.db,
      `WITH ex AS (
         SELECT question_id, COUNT(*) AS n, MIN(idx) AS first FROM step_examples
           WHERE dataset_id = @dataset GROUP BY question_id),
       done AS (
         SELECT question_id, annotator, COUNT(*) AS n FROM annotations
           WHERE dataset_id = @dataset GROUP BY question_id, annotator)
       SELECT a.question_id AS questionId, a.annotator, a.assigned_at AS assignedAt,
           a.assigned_by AS assignedBy, COALESCE(ex.n, 0) AS examples, COALESCE(done.n, 0) AS done
         FROM annotation_assignments a
         LEFT JOIN ex ON ex.question_id = a.question_id
         LEFT JOIN done ON done.question_id = a.question_id AND done.annotator = a.annotator
         WHERE a.dataset_id = @dataset AND (@annotator IS NULL OR a.annotator = @annotator)
         ORDER BY ex.first, a.annotator`,
    ).all({ dataset: datasetId, annotator: annotator ?? null }) as AssignmentRow[];
  }

  /** Question ids of the dataset that are not among its examples' questions. */
  unknownQuestions(datasetId: string, questionIds: readonly string[]): string[] {
    const known = prepare(
      this.db,
      'SELECT 1 FROM step_examples WHERE dataset_id = ? AND question_id = ? LIMIT 1',
    );
    return questionIds.filter((q) => !known.get(datasetId, q));
  }

  /** The next `count` questions, in dataset order, that nobody has been assigned yet. */
  nextUnassigned(datasetId: string, count: number): string[] {
    return (
      prepare(
        this.db,
        `SELECT question_id AS q FROM step_examples e
           WHERE dataset_id = @dataset AND NOT EXISTS (
             SELECT 1 FROM annotation_assignments a WHERE a.dataset_id = @dataset AND a.question_id = e.question_id)
           GROUP BY question_id ORDER BY MIN(idx) LIMIT @count`,
      ).all({ dataset: datasetId, count }) as { q: string }[]
    ).map((r) => r.q);
  }

  /**
   * Gives the questions to the annotator; questions they already have are left as they are.
   * Returns the questions newly assigned. Unknown question ids fail the whole call.
   */
  assign(
    datasetId: string,
    questionIds: readonly string[],
    annotator: string,
    assignedBy?: string,
  ): string[] {
    const unknown = this.unknownQuestions(datasetId, questionIds);
    if (unknown.length > 0) {
      const named = unknown.slice(0, 5).map((q) => `"${q}"`);
      if (unknown.length > 5) named.push(`${unknown.length - 5} more`);
      throw new UserError(
        'NOT_FOUND',
        `Unknown question id ${named.join(', ')}: not in dataset ${datasetId}. List its questions with stepData.questions.`,
      );
    }
    const insert = prepare(
      this.db,
      `INSERT INTO annotation_assignments (dataset_id, question_id, annotator, assigned_at, assigned_by)
         VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
    );
    return this.db.transaction(() => {
      const now = nowIso();
      return [...new Set(questionIds)].filter(
        (q) => insert.run(datasetId, q, annotator, now, assignedBy ?? null).changes > 0,
      );
    })();
  }

  /** Takes questions back from the annotator (all of theirs when none are named); verdicts stay. */
  unassign(datasetId: string, annotator: string, questionIds?: readonly string[]): number {
    if (!questionIds) {
      return prepare(
        this.db,
        'DELETE FROM annotation_assignments WHERE dataset_id = ? AND annotator = ?',
      ).run(datasetId, annotator).changes;
    }
    const del = prepare(
      this.db,
      'DELETE FROM annotation_assignments WHERE dataset_id = ? AND annotator = ? AND question_id = ?',
    );
    return this.db.transaction(() =>
      [...new Set(questionIds)].reduce((n, q) => n + del.run(datasetId, annotator, q).changes, 0),
    )();
  }
}
