-- The double-entry ledger (ARCHITECTURE.md, "Money").
--
-- Every movement of money is one transfer row that debits one account and
-- credits another by the same int64 amount in minor units. The balance lives
-- on the account row and changes in the same transaction as its transfer, so
-- the sum of all balances of a currency is always zero: user wallets hold
-- what clearing and system accounts (which may go negative) gave out.
--
-- The constraints below repeat the rules the C++ core enforces, so that a bug
-- in the code is refused by the database instead of corrupting money.

CREATE TABLE ledger_currencies (
  code      text     PRIMARY KEY CHECK (code ~ '^[A-Z]{3}$'),
  -- Digits after the decimal point of the major unit: RWF and XOF have none.
  exponent  smallint NOT NULL CHECK (exponent BETWEEN 0 AND 4)
);
INSERT INTO ledger_currencies (code, exponent) VALUES
  ('RWF', 0), ('XOF', 0), ('EUR', 2);

CREATE TABLE ledger_accounts (
  id              bigserial   PRIMARY KEY,
  -- wallet: a user's money (owner = wa_id); clearing: money in transit at a
  -- gateway (owner = gateway name); fees and revenue: ours (owner = '').
  kind            text        NOT NULL
                  CHECK (kind IN ('wallet', 'clearing', 'fees', 'revenue')),
  owner           text        NOT NULL CHECK (length(owner) <= 64),
  currency        text        NOT NULL REFERENCES ledger_currencies (code),
  -- Only clearing and system accounts may be negative; a wallet never.
  allow_negative  boolean     NOT NULL DEFAULT false,
  balance         bigint      NOT NULL DEFAULT 0,
  -- Funds reserved by transfers held for review: they stay on the balance
  -- but cannot be spent until an admin approves or rejects the transfer.
  held            bigint      NOT NULL DEFAULT 0 CHECK (held >= 0),
  -- Per-user daily limit on debits, in minor units; NULL: the configured one.
  daily_limit     bigint      CHECK (daily_limit >= 0),
  -- Debits of `usage_day` (Africa/Kigali) counted against the daily limit.
  usage_day       date,
  day_debited     bigint      NOT NULL DEFAULT 0 CHECK (day_debited >= 0),
  -- Incremented by every update, so each change is one audit row to count.
  version         bigint      NOT NULL DEFAULT 1,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (kind, owner, currency),
  -- The target of the transfers' composite foreign keys: a transfer's
  -- currency must be the currency of both of its accounts.
  UNIQUE (id, currency),
  CHECK (kind <> 'wallet' OR NOT allow_negative),
  -- Wallets belong to a wa_id and clearing accounts to a gateway; fees and
  -- revenue are ours and have no owner.
  CHECK ((kind IN ('wallet', 'clearing')) = (owner <> '')),
  -- The last line of defence: available money of a non-negative account.
  CONSTRAINT ledger_accounts_not_overdrawn
    CHECK (allow_negative OR balance - held >= 0)
);

CREATE TABLE ledger_transfers (
  id                 bigserial   PRIMARY KEY,
  idempotency_key    text        NOT NULL UNIQUE
                     CHECK (length(idempotency_key) BETWEEN 1 AND 200),
  kind               text        NOT NULL
                     CHECK (kind IN ('topup', 'withdrawal', 'p2p', 'payment',
                                     'fee', 'refund', 'adjustment')),
  debit_account_id   bigint      NOT NULL,
  credit_account_id  bigint      NOT NULL,
  amount             bigint      NOT NULL CHECK (amount > 0),
  currency           text        NOT NULL REFERENCES ledger_currencies (code),
  status             text        NOT NULL
                     CHECK (status IN ('pending', 'posted', 'voided')),
  -- The gateway's own reference (MoMo X-Reference-Id, PayDunya token...),
  -- unique per gateway so that a replayed webhook cannot credit twice.
  gateway            text,
  external_ref       text,
  metadata           jsonb       NOT NULL DEFAULT '{}',
  correlation_id     text,
  created_at         timestamptz NOT NULL DEFAULT now(),
  posted_at          timestamptz,
  voided_at          timestamptz,
  FOREIGN KEY (debit_account_id, currency)
    REFERENCES ledger_accounts (id, currency),
  FOREIGN KEY (credit_account_id, currency)
    REFERENCES ledger_accounts (id, currency),
  UNIQUE (gateway, external_ref),
  CHECK (debit_account_id <> credit_account_id),
  CHECK ((gateway IS NULL) = (external_ref IS NULL)),
  CHECK ((status = 'posted') = (posted_at IS NOT NULL)),
  CHECK ((status = 'voided') = (voided_at IS NOT NULL))
);
-- Last movements of a wallet: one index per side, read newest first.
CREATE INDEX ledger_transfers_debit ON ledger_transfers (debit_account_id, id);
CREATE INDEX ledger_transfers_credit ON ledger_transfers (credit_account_id, id);
CREATE INDEX ledger_transfers_pending ON ledger_transfers (id)
  WHERE status = 'pending';

-- A request the ledger refused after looking at the accounts (insufficient
-- funds, daily limit, unknown account...). Kept so that a retry with the same
-- key gets the same answer instead of a different one an hour later.
CREATE TABLE ledger_rejections (
  id                 bigserial   PRIMARY KEY,
  idempotency_key    text        NOT NULL UNIQUE
                     CHECK (length(idempotency_key) BETWEEN 1 AND 200),
  reason             text        NOT NULL,
  kind               text        NOT NULL,
  debit_account_id   bigint      NOT NULL,
  credit_account_id  bigint      NOT NULL,
  amount             bigint      NOT NULL,
  currency           text        NOT NULL,
  gateway            text,
  external_ref       text,
  correlation_id     text,
  created_at         timestamptz NOT NULL DEFAULT now()
);

-- One row per transfer held for manual review.
CREATE TABLE ledger_reviews (
  transfer_id  bigint      PRIMARY KEY REFERENCES ledger_transfers (id),
  reason       text        NOT NULL,
  status       text        NOT NULL DEFAULT 'open'
               CHECK (status IN ('open', 'approved', 'rejected')),
  decided_by   text,
  note         text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  decided_at   timestamptz,
  CHECK ((status = 'open') = (decided_at IS NULL)),
  CHECK ((status = 'open') = (decided_by IS NULL))
);
CREATE INDEX ledger_reviews_open ON ledger_reviews (created_at)
  WHERE status = 'open';

-- Serialises requests that share an idempotency key or a gateway reference.
-- The ledger takes these transaction-level locks before any row lock, in
-- ascending order of their hashes, so two batches can never wait on each
-- other in a cycle (a hash collision only makes one of them wait).
CREATE FUNCTION ledger_lock_names(names text[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  h integer;
BEGIN
  FOR h IN SELECT DISTINCT hashtext(n) FROM unnest(names) AS n ORDER BY 1 LOOP
    -- 20: the money block of the migration numbering, as a lock namespace.
    PERFORM pg_advisory_xact_lock(20, h);
  END LOOP;
END $$;
