-- Outbound WhatsApp messages. Sessions insert rows in the same transaction
-- that commits their new state and marks the inbound event processed; the
-- outbox dispatcher sends them through breaker:whatsapp and records what
-- happened. (event_id, seq) makes the effects of one inbound event exactly
-- once: replaying the event cannot add a second copy of its replies.
CREATE TABLE outbox (
  id                bigserial   PRIMARY KEY,
  -- The recipient.
  wa_id             text        NOT NULL,
  -- inbound_events.id of the event that caused the message; NULL for
  -- messages nobody asked for (alerts, reminders: templates).
  event_id          bigint,
  -- Order of the message among the event's replies.
  seq               integer     NOT NULL DEFAULT 0,
  -- The Graph API request body for POST /{version}/{phone_number_id}/messages.
  message           jsonb       NOT NULL,
  -- pending: waiting to be sent (again); sending: claimed by a dispatcher;
  -- sent/delivered/read: Meta's progress; failed: Meta reported a failure
  -- after accepting it; dead: gave up, see dlq.
  status            text        NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'sending', 'sent', 'delivered',
                                      'read', 'failed', 'dead')),
  attempts          integer     NOT NULL DEFAULT 0,
  next_attempt_at   timestamptz NOT NULL DEFAULT now(),
  -- End of the 24-hour customer-service window the message relies on; NULL
  -- for templates, which may be sent outside it.
  window_expires_at timestamptz,
  -- Meta's id for the sent message; status webhooks refer to it.
  wamid             text        UNIQUE,
  last_error        jsonb,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  sent_at           timestamptz,
  CONSTRAINT outbox_effect_once UNIQUE (event_id, seq)
);

CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE status = 'pending';
CREATE INDEX outbox_wa_id ON outbox (wa_id, id);

-- Messages the dispatcher gave up on (permanent errors, retries exhausted,
-- window expired); operators replay them from the admin API.
CREATE TABLE dlq (
  id          bigserial   PRIMARY KEY,
  outbox_id   bigint      NOT NULL UNIQUE REFERENCES outbox (id),
  reason      text        NOT NULL,
  error       jsonb,
  created_at  timestamptz NOT NULL DEFAULT now(),
  replayed_at timestamptz
);
