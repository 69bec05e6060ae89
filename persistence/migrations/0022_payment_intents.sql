-- Payments in and out through a gateway (ARCHITECTURE.md, "Money").
--
-- A payment intent is one top-up (collection) or withdrawal (disbursement)
-- that a user asked for. Its row is written BEFORE the gateway is called, so
-- whatever crashes afterwards, the reference we gave the gateway is known and
-- the poller can ask the gateway what became of it. The ledger moves money
-- only after the gateway's answer has been verified (a status fetched from
-- the gateway itself, never a callback taken on trust); the transfer's key is
-- derived from the intent ('pay:<gateway>:<reference>'), so however many
-- callbacks, polls and operators confirm the same payment, it is credited
-- once.
CREATE TABLE payment_intents (
  id              bigserial   PRIMARY KEY,
  -- momo_ussd: USSD codes and QR, confirmed by an operator or the MoMo
  -- statement; momo: MTN MoMo Open API; paydunya; revolut.
  gateway         text        NOT NULL
                  CHECK (gateway IN ('momo_ussd', 'momo', 'paydunya', 'revolut')),
  direction       text        NOT NULL
                  CHECK (direction IN ('collection', 'disbursement')),
  wa_id           text        NOT NULL CHECK (length(wa_id) BETWEEN 1 AND 64),
  -- The payer (collection) or payee (disbursement) phone, E.164 digits
  -- without '+', where the gateway needs one.
  msisdn          text        CHECK (msisdn ~ '^[0-9]{8,15}$'),
  amount          bigint      NOT NULL CHECK (amount > 0),
  currency        text        NOT NULL REFERENCES ledger_currencies (code),
  -- Ours, chosen before any call: the MoMo X-Reference-Id (a UUID v4), the
  -- PayDunya custom_data reference, the Revolut merchant order reference.
  reference       text        NOT NULL CHECK (length(reference) BETWEEN 1 AND 64),
  -- The gateway's: the same UUID for MoMo, the PayDunya invoice token, the
  -- Revolut order id, the MoMo financial transaction id of a USSD payment.
  -- It becomes the ledger transfer's external_ref.
  gateway_ref     text        CHECK (length(gateway_ref) BETWEEN 1 AND 200),
  -- created: stored, the gateway not (yet) known to have it; pending: the
  -- gateway has it; succeeded / failed: verified at the gateway; expired: we
  -- stopped asking (reconciliation still compares it).
  status          text        NOT NULL DEFAULT 'created'
                  CHECK (status IN ('created', 'pending', 'succeeded', 'failed',
                                    'expired')),
  -- The gateway's own status word and reason, as last seen.
  gateway_status  text,
  reason          text,
  -- Where the user pays (PayDunya and Revolut checkout pages).
  checkout_url    text,
  -- The ledger transfer that credited (collection) or debited
  -- (disbursement) the wallet, and the refund of a failed disbursement.
  transfer_id         bigint REFERENCES ledger_transfers (id),
  refund_transfer_id  bigint REFERENCES ledger_transfers (id),
  -- Poller bookkeeping: status checks so far and when the next one is due.
  checks          integer     NOT NULL DEFAULT 0 CHECK (checks >= 0),
  next_check_at   timestamptz NOT NULL DEFAULT now(),
  expires_at      timestamptz NOT NULL,
  correlation_id  text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  settled_at      timestamptz,
  UNIQUE (gateway, reference),
  UNIQUE (gateway, gateway_ref),
  CHECK ((status IN ('succeeded', 'failed')) = (settled_at IS NOT NULL)),
  -- A succeeded collection is always backed by its ledger credit.
  CHECK (status <> 'succeeded' OR direction <> 'collection'
         OR transfer_id IS NOT NULL),
  -- A disbursement debits the wallet before the gateway is ever called;
  -- only one the ledger refused fails without a debit.
  CHECK (direction <> 'disbursement' OR status IN ('created', 'failed')
         OR transfer_id IS NOT NULL)
);

-- The poller's work: unsettled intents by when they are due.
CREATE INDEX payment_intents_due ON payment_intents (next_check_at)
  WHERE status IN ('created', 'pending');
-- Reconciliation reads a gateway's intents of one day.
CREATE INDEX payment_intents_day ON payment_intents (gateway, created_at);
-- USSD confirmation matches a statement line to an open intent by payer.
CREATE INDEX payment_intents_msisdn ON payment_intents (gateway, msisdn)
  WHERE status IN ('created', 'pending', 'expired');
-- Reconciliation reads a gateway's transfers of one day.
CREATE INDEX ledger_transfers_gateway_day ON ledger_transfers (gateway, created_at)
  WHERE gateway IS NOT NULL;

CREATE TRIGGER payment_intents_audit AFTER INSERT OR UPDATE OR DELETE
  ON payment_intents FOR EACH ROW EXECUTE FUNCTION audit_record();
CREATE TRIGGER payment_intents_no_truncate BEFORE TRUNCATE
  ON payment_intents FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse();
