-- The workspace schema. Large blobs (indexes, exports, checkpoints) live as files beside the
-- database; rows hold their paths relative to the workspace directory.

CREATE TABLE corpora (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  source TEXT NOT NULL,                -- JSON: where the passages came from
  passage_count INTEGER NOT NULL DEFAULT 0,
  index_path TEXT,                     -- BM25 index file, null until built
  index_meta TEXT,                     -- JSON: build time, size
  created_at TEXT NOT NULL
);

CREATE TABLE passages (
  corpus_id TEXT NOT NULL REFERENCES corpora(id) ON DELETE CASCADE,
  idx INTEGER NOT NULL,                -- document number inside the BM25 index
  id TEXT NOT NULL,
  title TEXT NOT NULL,
  text TEXT NOT NULL,
  PRIMARY KEY (corpus_id, idx)
);
CREATE UNIQUE INDEX passages_by_id ON passages(corpus_id, id);

CREATE TABLE question_sets (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  dataset TEXT NOT NULL,
  source TEXT NOT NULL,                -- JSON
  sample TEXT,                         -- JSON SampleRecord, so the subset can be re-drawn
  question_count INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL
);

CREATE TABLE questions (
  set_id TEXT NOT NULL REFERENCES question_sets(id) ON DELETE CASCADE,
  idx INTEGER NOT NULL,
  id TEXT NOT NULL,
  question TEXT NOT NULL,
  data TEXT NOT NULL,                  -- JSON Question
  PRIMARY KEY (set_id, idx)
);
CREATE UNIQUE INDEX questions_by_id ON questions(set_id, id);

CREATE TABLE jobs (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed', 'cancelled')),
  payload TEXT NOT NULL,               -- JSON
  progress TEXT NOT NULL,              -- JSON JobProgress
  result TEXT,                         -- JSON
  error TEXT,
  runner_pid INTEGER,                  -- process running it, to recover jobs of a killed process
  attempts INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  started_at TEXT,
  finished_at TEXT,
  updated_at TEXT NOT NULL
);
CREATE INDEX jobs_by_status ON jobs(status, created_at);

CREATE TABLE teacher_runs (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  corpus_id TEXT NOT NULL REFERENCES corpora(id),
  question_set_id TEXT NOT NULL REFERENCES question_sets(id),
  loop TEXT NOT NULL,
  max_steps INTEGER NOT NULL,
  top_k INTEGER NOT NULL,
  generator TEXT NOT NULL,             -- the teacher's label
  config TEXT NOT NULL,                -- JSON: the whole resolved configuration, prompts and demonstrations included
  status TEXT NOT NULL,                -- mirrors its job: queued | running | done | failed | cancelled
  job_id TEXT REFERENCES jobs(id),
  question_total INTEGER NOT NULL,
  stats TEXT NOT NULL,                 -- JSON: calls, cache hits, tokens
  error TEXT,
  created_at TEXT NOT NULL,
  finished_at TEXT
);

CREATE TABLE traces (
  run_id TEXT NOT NULL REFERENCES teacher_runs(id) ON DELETE CASCADE,
  question_id TEXT NOT NULL,
  idx INTEGER NOT NULL,                -- position of the question in its set
  question TEXT NOT NULL,              -- the question's text, for search
  prediction TEXT NOT NULL,
  correct INTEGER NOT NULL,            -- passes the run's filter rule
  steps INTEGER NOT NULL,
  early_stop INTEGER NOT NULL,
  error TEXT,
  trace BLOB NOT NULL,                 -- JSON Trace, deflated: every step's full prompt makes it ~30 kB raw, ~4 kB packed
  created_at TEXT NOT NULL,
  PRIMARY KEY (run_id, question_id)
);
CREATE INDEX traces_by_idx ON traces(run_id, idx);

CREATE TABLE step_datasets (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  teacher_run_id TEXT NOT NULL REFERENCES teacher_runs(id),
  manifest TEXT NOT NULL,              -- JSON StepDatasetManifest
  export_dir TEXT NOT NULL,            -- examples.jsonl + manifest.json for the trainer
  created_at TEXT NOT NULL
);

CREATE TABLE step_examples (
  dataset_id TEXT NOT NULL REFERENCES step_datasets(id) ON DELETE CASCADE,
  idx INTEGER NOT NULL,
  id TEXT NOT NULL,
  question_id TEXT NOT NULL,
  stage TEXT NOT NULL,
  step INTEGER NOT NULL,
  data TEXT NOT NULL,                  -- JSON StepExample
  PRIMARY KEY (dataset_id, idx)
);
CREATE UNIQUE INDEX step_examples_by_id ON step_examples(dataset_id, id);
CREATE INDEX step_examples_by_question ON step_examples(dataset_id, question_id);

CREATE TABLE annotations (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  dataset_id TEXT NOT NULL REFERENCES step_datasets(id) ON DELETE CASCADE,
  example_id TEXT NOT NULL,
  question_id TEXT NOT NULL,
  annotator TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('accepted', 'rejected', 'edited')),
  edited_target TEXT,                  -- the corrected target when status = 'edited'
  reason TEXT,
  version INTEGER NOT NULL DEFAULT 1,  -- optimistic concurrency: an update names the version it read
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (dataset_id, example_id, annotator),
  CHECK (status <> 'edited' OR edited_target IS NOT NULL)
);

CREATE TABLE training_runs (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  dataset_id TEXT REFERENCES step_datasets(id),
  config TEXT NOT NULL,                -- JSON: resolved trainer config, also written to run_dir
  command TEXT NOT NULL,               -- JSON argument array, shown to the user
  run_dir TEXT NOT NULL,
  status TEXT NOT NULL,
  job_id TEXT REFERENCES jobs(id),
  best_checkpoint TEXT,
  error TEXT,
  created_at TEXT NOT NULL,
  finished_at TEXT
);

CREATE TABLE training_events (
  run_id TEXT NOT NULL REFERENCES training_runs(id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  event TEXT NOT NULL,
  time REAL NOT NULL,
  data TEXT NOT NULL,                  -- JSON TrainerEvent
  PRIMARY KEY (run_id, seq)
);

CREATE TABLE evaluations (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  config TEXT NOT NULL,                -- JSON
  status TEXT NOT NULL,
  job_id TEXT REFERENCES jobs(id),
  metrics TEXT,                        -- JSON
  error TEXT,
  created_at TEXT NOT NULL,
  finished_at TEXT
);

CREATE TABLE evaluation_traces (
  evaluation_id TEXT NOT NULL REFERENCES evaluations(id) ON DELETE CASCADE,
  question_id TEXT NOT NULL,
  idx INTEGER NOT NULL,
  prediction TEXT NOT NULL,
  trace BLOB NOT NULL,                 -- JSON Trace, deflated
  scores TEXT NOT NULL,                -- JSON: em, f1, acc, …
  PRIMARY KEY (evaluation_id, question_id)
);

-- Content-addressed teacher responses: sha256 of (model, api, prompt, parameters).
CREATE TABLE teacher_cache (
  key TEXT PRIMARY KEY,
  model TEXT NOT NULL,
  request TEXT NOT NULL,               -- JSON of what was hashed (no credentials)
  response TEXT NOT NULL,              -- JSON GenerateResult
  hits INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL
);

-- Every request that actually left the server: token accounting, and proof that a resumed
-- run never paid twice.
CREATE TABLE teacher_calls (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  key TEXT NOT NULL,
  owner TEXT,                          -- teacher run or evaluation id
  model TEXT NOT NULL,
  ok INTEGER NOT NULL,
  ms REAL NOT NULL,
  prompt_tokens INTEGER,
  completion_tokens INTEGER,
  error TEXT,
  at TEXT NOT NULL
);
CREATE INDEX teacher_calls_by_owner ON teacher_calls(owner);
