-- Reports written by the experiment and the paper's analyses: the row points at the report's
-- folder (report.md, result.json, PNG figures), which stays where the job or the CLI wrote it.

CREATE TABLE reports (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('experiment', 'table2', 'figure3', 'table4', 'table6', 'figure5')),
  name TEXT NOT NULL,
  preset TEXT,                         -- experiment preset ('quick', 'standard', …); null if none
  out_dir TEXT NOT NULL UNIQUE,        -- absolute path of the report's folder
  created_at TEXT NOT NULL
);
CREATE INDEX reports_by_created ON reports(created_at);
