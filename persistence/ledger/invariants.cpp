#include "persistence/ledger/invariants.hpp"

#include <pqxx/pqxx>

namespace easymo::ledger {

namespace {

// Each check is a query that returns one row per violation: a short label
// and a detail.
struct check {
  const char* name;
  const char* sql;
};

const check checks[] = {
  {"money not conserved",
   "SELECT currency, sum(balance)::text FROM ledger_accounts"
   " GROUP BY currency HAVING sum(balance) <> 0"},
  {"overdrawn account",
   "SELECT id::text, balance || ' held ' || held FROM ledger_accounts"
   " WHERE NOT allow_negative AND (balance < 0 OR balance - held < 0)"},
  {"balance differs from posted transfers",
   "SELECT a.id::text, a.balance || ' <> ' || (coalesce(c.s, 0) - coalesce(d.s, 0))"
   " FROM ledger_accounts a"
   " LEFT JOIN (SELECT credit_account_id AS id, sum(amount) AS s"
   "   FROM ledger_transfers WHERE status = 'posted' GROUP BY 1) c USING (id)"
   " LEFT JOIN (SELECT debit_account_id AS id, sum(amount) AS s"
   "   FROM ledger_transfers WHERE status = 'posted' GROUP BY 1) d USING (id)"
   " WHERE a.balance <> coalesce(c.s, 0) - coalesce(d.s, 0)"},
  {"hold differs from pending transfers",
   "SELECT a.id::text, a.held || ' <> ' || coalesce(p.s, 0) FROM ledger_accounts a"
   " LEFT JOIN (SELECT debit_account_id AS id, sum(amount) AS s"
   "   FROM ledger_transfers WHERE status = 'pending' GROUP BY 1) p USING (id)"
   " WHERE a.held <> coalesce(p.s, 0)"},
  {"audit rows differ from changes",
   "WITH expected (t, op, n) AS ("
   "  SELECT 'ledger_accounts', 'INSERT', count(*) FROM ledger_accounts"
   "  UNION ALL SELECT 'ledger_accounts', 'UPDATE', coalesce(sum(version - 1), 0)"
   "    FROM ledger_accounts"
   "  UNION ALL SELECT 'ledger_transfers', 'INSERT', count(*) FROM ledger_transfers"
   "  UNION ALL SELECT 'ledger_transfers', 'UPDATE', count(*) FROM ledger_reviews"
   "    WHERE status <> 'open'"
   "  UNION ALL SELECT 'ledger_reviews', 'INSERT', count(*) FROM ledger_reviews"
   "  UNION ALL SELECT 'ledger_reviews', 'UPDATE', count(*) FROM ledger_reviews"
   "    WHERE status <> 'open'"
   "  UNION ALL SELECT 'ledger_rejections', 'INSERT', count(*)"
   "    FROM ledger_rejections"
   "  UNION ALL SELECT 'ledger_rejections', 'UPDATE', 0"
   "  UNION ALL SELECT t, 'DELETE', 0 FROM unnest(ARRAY['ledger_accounts',"
   "    'ledger_transfers', 'ledger_reviews', 'ledger_rejections']) AS t),"
   " actual (t, op, n) AS (SELECT table_name, operation, count(*) FROM audit_log"
   "  WHERE table_name LIKE 'ledger\\_%' GROUP BY 1, 2)"
   " SELECT e.t || ' ' || e.op, 'expected ' || e.n || ' got ' || coalesce(a.n, 0)"
   " FROM expected e LEFT JOIN actual a USING (t, op)"
   " WHERE e.n <> coalesce(a.n, 0)"},
  {"account differs from its last audit row",
   "SELECT a.id::text, coalesce(l.new_row::text, 'no audit row')"
   " FROM ledger_accounts a LEFT JOIN ("
   "  SELECT DISTINCT ON ((new_row ->> 'id')::bigint)"
   "         (new_row ->> 'id')::bigint AS id, new_row"
   "    FROM audit_log WHERE table_name = 'ledger_accounts'"
   "   ORDER BY (new_row ->> 'id')::bigint, audit_log.id DESC) l USING (id)"
   " WHERE l.new_row IS NULL"
   "    OR (l.new_row ->> 'balance')::bigint <> a.balance"
   "    OR (l.new_row ->> 'held')::bigint <> a.held"
   "    OR (l.new_row ->> 'version')::bigint <> a.version"},
};

// A failing check lists its first rows only: one broken sum is enough to
// investigate, ten thousand lines are not.
constexpr int violations_per_check_max = 10;

} // namespace

std::vector<std::string> check_invariants(pqxx::transaction_base& tx) {
  std::vector<std::string> out;
  for (auto& c : checks) {
    auto rows = tx.exec(c.sql);
    int shown = 0;
    for (auto row : rows) {
      if (shown++ == violations_per_check_max)
        break;
      out.push_back(std::string{c.name} + ": " + row[0].as<std::string>()
                    + ": " + row[1].as<std::string>());
    }
  }
  return out;
}

} // namespace easymo::ledger
