-- One row per webhook request: accepted ones in the same transaction as their
-- events, refused ones (401, 400) in the next batch. Never the body.
CREATE TABLE webhook_audit_log (
  id               bigserial   PRIMARY KEY,
  logged_at        timestamptz NOT NULL DEFAULT now(),
  -- The X-Request-Id the ingress answered with.
  request_id       text        NOT NULL,
  http_status      smallint    NOT NULL,
  signature_valid  boolean     NOT NULL,
  body_bytes       integer     NOT NULL,
  -- Items in the body: new, duplicate and rejected alike.
  events           integer     NOT NULL,
  duplicates       integer     NOT NULL,
  rejected         integer     NOT NULL,
  -- New events committed as throttled.
  rate_limited     integer     NOT NULL,
  -- From the last byte read to the start of the commit that holds this row
  -- (verification, parsing, rate limiting, batching); the commit itself is
  -- in easymo_journal_commit_seconds.
  latency_ms       integer     NOT NULL
);

-- Rows arrive in time order, so a BRIN index serves time-range reads for the
-- price of a few pages.
CREATE INDEX webhook_audit_log_logged_at ON webhook_audit_log USING brin (logged_at);
