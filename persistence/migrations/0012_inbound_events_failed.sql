-- Events nobody can process are marked 'failed' instead of staying
-- 'received' forever: a session's event that kept crashing it (after its
-- apology) and a stored payload the dispatcher cannot read. Left 'received',
-- the journal replay would route them again at every start.
ALTER TABLE inbound_events DROP CONSTRAINT inbound_events_status_check;
ALTER TABLE inbound_events ADD CONSTRAINT inbound_events_status_check
  CHECK (status IN ('received', 'throttled', 'rejected', 'processed', 'failed'));
