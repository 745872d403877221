-- Reviewing annotations: questions assigned to annotators, and adjudications that settle the
-- steps annotators disagree on. The export prefers an adjudication over the annotators' verdicts.

CREATE TABLE annotation_assignments (
  dataset_id TEXT NOT NULL REFERENCES step_datasets(id) ON DELETE CASCADE,
  question_id TEXT NOT NULL,
  annotator TEXT NOT NULL,
  assigned_at TEXT NOT NULL,
  assigned_by TEXT,                    -- who handed the question out; null when not said
  -- A question may go to several annotators (agreement needs a shared sample), once to each.
  PRIMARY KEY (dataset_id, question_id, annotator)
);
CREATE INDEX annotation_assignments_by_annotator ON annotation_assignments(dataset_id, annotator);

CREATE TABLE adjudications (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  dataset_id TEXT NOT NULL REFERENCES step_datasets(id) ON DELETE CASCADE,
  example_id TEXT NOT NULL,
  question_id TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('accepted', 'rejected', 'edited')),
  edited_target TEXT,                  -- the resolved target when status = 'edited'
  reason TEXT,
  from_annotator TEXT,                 -- whose verdict was taken; null when the adjudicator wrote it
  adjudicator TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,  -- optimistic concurrency, as for annotations
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (dataset_id, example_id),
  CHECK (status <> 'edited' OR edited_target IS NOT NULL),
  CHECK (status <> 'rejected' OR (reason IS NOT NULL AND reason <> ''))
);

-- The export and the disagreement list read a dataset's annotations question by question.
CREATE INDEX annotations_by_question ON annotations(dataset_id, question_id);
