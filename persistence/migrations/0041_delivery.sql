-- Delivery: what the outbox dispatcher and the sandbox sink need beyond the
-- contract tables of 0040.

-- The order in which a row's status may move. Status webhooks arrive out of
-- order (a 'delivered' can overtake its 'sent', even the send result), so
-- every update moves a row to a higher rank only. pending and sending share
-- rank 0: both mean Meta has not confirmed anything yet.
CREATE FUNCTION outbox_status_rank(status text) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE status
    WHEN 'pending' THEN 0
    WHEN 'sending' THEN 0
    WHEN 'sent' THEN 1
    WHEN 'delivered' THEN 2
    WHEN 'read' THEN 3
    WHEN 'failed' THEN 4
    WHEN 'dead' THEN 5
  END
$$;

-- The sweep looks for rows left in 'sending' by a dispatcher that died
-- (the send/crash window); there are few, so a small partial index.
CREATE INDEX outbox_sending ON outbox (updated_at) WHERE status = 'sending';

-- The DLQ listing shows entries not replayed yet, oldest first.
CREATE INDEX dlq_open ON dlq (id) WHERE replayed_at IS NULL;

-- Sandbox mode: every message the dispatcher sent to the local Graph API
-- sink, as the sink received it. `easymoctl chat` and the console read it
-- through GET /admin/sandbox/messages.
CREATE TABLE sandbox_outbound (
  id          bigserial   PRIMARY KEY,
  wa_id       text        NOT NULL,
  -- The id the sink answered with, as Meta would.
  wamid       text        NOT NULL UNIQUE,
  -- The Graph API request body.
  message     jsonb       NOT NULL,
  -- biz_opaque_callback_data when it names an outbox row.
  outbox_id   bigint,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX sandbox_outbound_wa_id ON sandbox_outbound (wa_id, id);
