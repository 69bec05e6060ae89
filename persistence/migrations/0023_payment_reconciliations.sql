-- Daily reconciliation of the ledger with each gateway (actors/reconciliation).
--
-- One row per (day, gateway): a re-run replaces it instead of adding a
-- second one. A gateway that could not be read leaves the day 'incomplete'
-- with no mismatch count at all, so nobody can mistake "we could not look"
-- for "we looked and found nothing"; the actor retries it later.
CREATE TABLE payment_reconciliations (
  id              bigserial   PRIMARY KEY,
  -- The calendar day (Africa/Kigali) whose transactions were compared.
  day             date        NOT NULL,
  gateway         text        NOT NULL
                  CHECK (gateway IN ('momo_ussd', 'momo', 'paydunya', 'revolut')),
  status          text        NOT NULL
                  CHECK (status IN ('complete', 'incomplete')),
  -- What was compared: records on each side, pairs that agreed, and USSD
  -- payments the statement confirmed during the run.
  gateway_records integer     CHECK (gateway_records >= 0),
  ledger_records  integer     CHECK (ledger_records >= 0),
  matched         integer     CHECK (matched >= 0),
  confirmed       integer     CHECK (confirmed >= 0),
  mismatch_count  integer     CHECK (mismatch_count >= 0),
  -- [{"kind": "amount_mismatch", "reference": ..., "gateway": {...},
  --   "ledger": {...}}, ...]
  mismatches      jsonb       NOT NULL DEFAULT '[]',
  -- Why the gateway could not be read (incomplete only).
  error           text,
  attempts        integer     NOT NULL DEFAULT 1 CHECK (attempts >= 1),
  next_retry_at   timestamptz,
  -- When the Slack alert for the mismatches went out; NULL while owed.
  alerted_at      timestamptz,
  started_at      timestamptz NOT NULL DEFAULT now(),
  finished_at     timestamptz NOT NULL DEFAULT now(),
  UNIQUE (day, gateway),
  CHECK ((status = 'complete') = (mismatch_count IS NOT NULL)),
  CHECK ((status = 'complete') = (error IS NULL)),
  CHECK (status = 'complete' OR next_retry_at IS NOT NULL),
  CHECK (mismatch_count IS NULL OR mismatch_count = jsonb_array_length(mismatches))
);

-- The retry loop: incomplete days by when they are due.
CREATE INDEX payment_reconciliations_retry ON payment_reconciliations
  (next_retry_at) WHERE status = 'incomplete';

CREATE TRIGGER payment_reconciliations_audit AFTER INSERT OR UPDATE OR DELETE
  ON payment_reconciliations FOR EACH ROW EXECUTE FUNCTION audit_record();
CREATE TRIGGER payment_reconciliations_no_truncate BEFORE TRUNCATE
  ON payment_reconciliations FOR EACH STATEMENT
  EXECUTE FUNCTION audit_log_refuse();
