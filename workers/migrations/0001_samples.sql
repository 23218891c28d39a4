-- Apps hold the keys devices send samples with; only a key's SHA-256 is stored.
CREATE TABLE apps (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  key_hash TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  revoked_at INTEGER
);

-- Labelled samples. `seq` only grows (AUTOINCREMENT never reuses a value), so an export cursor
-- on it is stable: writes are serialised, a row with a lower seq is always committed first.
-- The client-chosen id is unique per app: a retried sample is recognised, never stored twice.
CREATE TABLE samples (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL,
  app_id TEXT NOT NULL REFERENCES apps (id),
  model TEXT NOT NULL,
  version TEXT NOT NULL,
  label TEXT NOT NULL,
  pixels BLOB NOT NULL CHECK (length(pixels) = 784),
  user_hash TEXT,
  content_hash TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  UNIQUE (app_id, id)
);

-- GET /v1/samples/stats: counts per app by model, version and label.
CREATE INDEX samples_by_app_model ON samples (app_id, model, version, label);
-- GET /v1/samples/export: one model's samples in seq order from a cursor.
CREATE INDEX samples_by_model_seq ON samples (model, seq);
-- DELETE /v1/samples?user=: one end user's samples of one app.
CREATE INDEX samples_by_app_user ON samples (app_id, user_hash);
