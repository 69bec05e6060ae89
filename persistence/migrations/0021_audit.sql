-- The audit trail of every financial table (ARCHITECTURE.md, "Money").
--
-- Row triggers write one `audit_log` row per inserted, updated or deleted row,
-- with the old and new row as jsonb, the names of the columns that changed and
-- the correlation id that the application sets for its transaction with
--   SELECT set_config('easymo.correlation_id', '<id>', true)
-- An inserted row that carries its own correlation_id (a transfer) is
-- audited under that one instead, so that one INSERT of many transfers,
-- each for its own request, still attributes each row to its request. An
-- update or delete is the act of whoever set the transaction's id.
-- The table is append-only, and the database itself enforces it: UPDATE,
-- DELETE and TRUNCATE raise an exception whatever the code above does.

CREATE TABLE audit_log (
  id              bigserial   PRIMARY KEY,
  table_name      text        NOT NULL,
  operation       text        NOT NULL
                  CHECK (operation IN ('INSERT', 'UPDATE', 'DELETE')),
  old_row         jsonb,
  new_row         jsonb,
  changed_fields  text[]      NOT NULL DEFAULT '{}',
  correlation_id  text,
  txid            bigint      NOT NULL DEFAULT txid_current(),
  db_user         text        NOT NULL DEFAULT current_user,
  at              timestamptz NOT NULL DEFAULT clock_timestamp(),
  CHECK ((operation = 'INSERT') = (old_row IS NULL)),
  CHECK ((operation = 'DELETE') = (new_row IS NULL))
);
CREATE INDEX audit_log_table_at ON audit_log (table_name, at);
CREATE INDEX audit_log_correlation ON audit_log (correlation_id)
  WHERE correlation_id IS NOT NULL;

CREATE FUNCTION audit_record() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  old_json jsonb;
  new_json jsonb;
  changed  text[] := '{}';
  cid      text := nullif(current_setting('easymo.correlation_id', true), '');
BEGIN
  IF TG_OP <> 'INSERT' THEN
    old_json := to_jsonb(OLD);
  END IF;
  IF TG_OP <> 'DELETE' THEN
    new_json := to_jsonb(NEW);
  END IF;
  IF TG_OP = 'INSERT' THEN
    cid := coalesce(new_json ->> 'correlation_id', cid);
  END IF;
  IF TG_OP = 'UPDATE' THEN
    -- An update that changes nothing is not a change: no audit row.
    IF old_json = new_json THEN
      RETURN NULL;
    END IF;
    SELECT coalesce(array_agg(n.key ORDER BY n.key), '{}') INTO changed
      FROM jsonb_each(new_json) AS n
     WHERE n.value IS DISTINCT FROM old_json -> n.key;
  END IF;
  INSERT INTO audit_log (table_name, operation, old_row, new_row,
                         changed_fields, correlation_id)
  VALUES (TG_TABLE_NAME, TG_OP, old_json, new_json, changed, cid);
  RETURN NULL;
END $$;

CREATE FUNCTION audit_log_refuse() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE TRIGGER audit_log_no_update_delete
  BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_refuse();
CREATE TRIGGER audit_log_no_truncate
  BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse();

-- Every financial table gets the same row trigger.
DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['ledger_currencies', 'ledger_accounts',
                           'ledger_transfers', 'ledger_rejections',
                           'ledger_reviews'] LOOP
    EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE ON %I '
                   'FOR EACH ROW EXECUTE FUNCTION audit_record()',
                   t || '_audit', t);
    -- TRUNCATE bypasses row triggers, so it is refused on money tables too.
    EXECUTE format('CREATE TRIGGER %I BEFORE TRUNCATE ON %I '
                   'FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse()',
                   t || '_no_truncate', t);
  END LOOP;
END $$;
