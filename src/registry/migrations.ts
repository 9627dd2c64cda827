/**
 * The schema, one step per release that changed it. Step i brings a database from
 * `user_version` i to i + 1; steps are never edited once released, only appended.
 */
export const migrations: readonly string[] = [
  `
  CREATE TABLE runs (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    key TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('running', 'finished', 'failed')),
    started_at TEXT NOT NULL,
    ended_at TEXT,
    params TEXT NOT NULL,
    pipeline_path TEXT,
    pipeline_text TEXT,
    data_fingerprint TEXT,
    artifact_path TEXT,
    metrics TEXT NOT NULL,
    error TEXT,
    pid INTEGER NOT NULL,
    host TEXT NOT NULL
  );
  CREATE INDEX runs_by_start ON runs (started_at);
  CREATE INDEX runs_by_key ON runs (key, status);
  CREATE INDEX runs_by_status ON runs (status, host);

  CREATE TABLE epochs (
    run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    epoch INTEGER NOT NULL,
    metrics TEXT NOT NULL,
    seconds REAL NOT NULL,
    PRIMARY KEY (run_id, epoch)
  ) WITHOUT ROWID;

  CREATE TABLE durations (
    run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    stage TEXT NOT NULL,
    seconds REAL NOT NULL,
    PRIMARY KEY (run_id, stage)
  ) WITHOUT ROWID;

  CREATE TABLE model_versions (
    name TEXT NOT NULL,
    version INTEGER NOT NULL,
    stage TEXT NOT NULL CHECK (stage IN ('candidate', 'production', 'archived')),
    run_id TEXT REFERENCES runs (id) ON DELETE SET NULL,
    metrics TEXT NOT NULL,
    created_at TEXT NOT NULL,
    description TEXT,
    PRIMARY KEY (name, version)
  );

  CREATE TABLE stage_changes (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    version INTEGER NOT NULL,
    from_stage TEXT,
    to_stage TEXT NOT NULL,
    at TEXT NOT NULL,
    reason TEXT,
    FOREIGN KEY (name, version) REFERENCES model_versions (name, version)
  );
  CREATE INDEX stage_changes_by_model ON stage_changes (name, to_stage);
  `,
  // The start identity of a run's process, so that a reused pid does not keep a dead run
  // 'running'; and which resumer claimed a failed run, so that two do not share its checkpoints.
  `
  ALTER TABLE runs ADD COLUMN boot_id TEXT;
  ALTER TABLE runs ADD COLUMN process_start INTEGER;
  ALTER TABLE runs ADD COLUMN resumed_by TEXT;
  `,
];
