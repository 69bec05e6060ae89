-- One row per WhatsApp user with a conversation: the state a session actor
-- is rebuilt from when it is revived after passivation, a crash or a
-- restart. The row changes in the same transaction as the outbox rows and
-- the processed mark of the event that caused the change.
CREATE TABLE sessions (
  wa_id            text        PRIMARY KEY,
  -- The active flow: its domain and step ('' when none), and its context.
  domain           text        NOT NULL DEFAULT '',
  step             text        NOT NULL DEFAULT '',
  context          jsonb       NOT NULL DEFAULT '{}'::jsonb,
  language         text        NOT NULL DEFAULT 'en'
                   CHECK (language IN ('en', 'fr', 'rw')),
  -- Optimistic concurrency: a commit names the version its decision was
  -- based on and fails if another writer moved it (another node, a stale
  -- actor).
  version          bigint      NOT NULL DEFAULT 1 CHECK (version > 0),
  -- The user's last message (Meta's timestamp): replies may be sent as
  -- free-form messages until 24 hours after it.
  last_inbound_at  timestamptz,
  last_activity_at timestamptz NOT NULL DEFAULT now(),
  created_at       timestamptz NOT NULL DEFAULT now()
);

-- Session cleanup finds long-idle rows without a sequential scan.
CREATE INDEX sessions_last_activity ON sessions (last_activity_at);
