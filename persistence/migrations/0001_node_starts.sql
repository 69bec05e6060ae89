-- One row per daemon run: when it started, how it ended. Operators read it to
-- tell crashes (no stopped_at) from orderly stops.
CREATE TABLE node_starts (
  id          bigserial PRIMARY KEY,
  node        text        NOT NULL,
  version     text        NOT NULL,
  pid         integer     NOT NULL,
  mode        text        NOT NULL,
  started_at  timestamptz NOT NULL DEFAULT now(),
  stopped_at  timestamptz,
  exit_code   integer
);
CREATE INDEX node_starts_started_at ON node_starts (started_at DESC);
