-- Every event Meta delivered to POST /webhook, committed before the 200 goes
-- out (the durability contract in ARCHITECTURE.md).
--
-- (wamid, kind) is the dedup key. For messages `wamid` is the message's own
-- id; for statuses it is the id of our outbound message and `kind` tells its
-- sent/delivered/read/failed reports apart. A redelivery hits the unique
-- constraint and is never stored (nor dispatched) twice.
CREATE TABLE inbound_events (
  id            bigserial   PRIMARY KEY,
  wamid         text        NOT NULL,
  -- text, interactive, image, ..., status.read, rejected.message
  kind          text        NOT NULL,
  -- The user: a message's sender, a status's recipient ('' when unknown).
  wa_id         text        NOT NULL DEFAULT '',
  -- received: committed, waiting for its session;
  -- throttled: over the rate limit, kept but not acted on;
  -- rejected: an item we could not read, kept for inspection;
  -- processed: its session committed the effects.
  status        text        NOT NULL
                CHECK (status IN ('received', 'throttled', 'rejected', 'processed')),
  -- The item as Meta sent it, with its change's metadata and contact.
  payload       jsonb       NOT NULL,
  received_at   timestamptz NOT NULL DEFAULT now(),
  processed_at  timestamptz,
  CONSTRAINT inbound_events_dedup UNIQUE (wamid, kind)
);

-- The journal replay reads committed but unprocessed events in commit order;
-- a partial index stays as small as the backlog.
CREATE INDEX inbound_events_unprocessed ON inbound_events (id)
  WHERE status = 'received';
