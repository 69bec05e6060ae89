#include "persistence/payments/reconciliations.hpp"

#include "persistence/ledger/repository.hpp"

#include <pqxx/pqxx>

namespace easymo::payments::repo {

namespace {

// The day's bounds in Africa/Kigali for `created_at` columns: $n::date is
// the day, the comparison is done in the database so its tzdata decides.
#define EASYMO_KIGALI_DAY(col, n)                                              \
  col " >= ($" n "::date)::timestamp AT TIME ZONE 'Africa/Kigali' AND " col    \
      " < ($" n "::date + 1)::timestamp AT TIME ZONE 'Africa/Kigali'"

#define EASYMO_RECON_COLUMNS                                                   \
  "to_char(day, 'YYYY-MM-DD'), gateway, status, gateway_records,"              \
  " ledger_records, matched, confirmed, mismatch_count, mismatches::text,"     \
  " coalesce(error, ''), attempts,"                                            \
  " coalesce(to_char(next_retry_at AT TIME ZONE 'UTC',"                        \
  " 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), ''),"                                   \
  " coalesce(to_char(alerted_at AT TIME ZONE 'UTC',"                           \
  " 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), ''),"                                   \
  " to_char(finished_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

nlohmann::json row_json(const pqxx::row& row) {
  auto opt = [&](int i) -> nlohmann::json {
    if (row[i].is_null())
      return nullptr;
    return row[i].as<int64_t>();
  };
  nlohmann::json out{{"day", row[0].as<std::string>()},
                     {"gateway", row[1].as<std::string>()},
                     {"status", row[2].as<std::string>()},
                     {"gateway_records", opt(3)},
                     {"ledger_records", opt(4)},
                     {"matched", opt(5)},
                     {"confirmed", opt(6)},
                     {"mismatch_count", opt(7)},
                     {"mismatches", nlohmann::json::parse(row[8].as<std::string>())},
                     {"attempts", row[10].as<int64_t>()},
                     {"finished_at", row[13].as<std::string>()}};
  auto text = [&](int i, const char* key) {
    auto v = row[i].as<std::string>();
    out[key] = v.empty() ? nlohmann::json(nullptr) : nlohmann::json(v);
  };
  text(9, "error");
  text(11, "next_retry_at");
  text(12, "alerted_at");
  return out;
}

std::vector<recon_row> rows_of(const pqxx::result& rows) {
  std::vector<recon_row> out;
  for (auto row : rows)
    out.push_back({row[0].as<std::string>(), row[1].as<std::string>(),
                   row[2].as<std::string>(), row[3].as<int32_t>()});
  return out;
}

double seconds_of(std::chrono::system_clock::time_point t) {
  return std::chrono::duration<double>(t.time_since_epoch()).count();
}

} // namespace

std::vector<recon_ref> refs_of_day(pqxx::transaction_base& tx,
                                   const std::string& gateway,
                                   const std::string& day) {
  auto rows = tx.exec_params(
    "SELECT gateway_ref, direction FROM payment_intents"
    " WHERE gateway = $1 AND gateway_ref IS NOT NULL"
    " AND " EASYMO_KIGALI_DAY("created_at", "2")
    " UNION "
    "SELECT external_ref, CASE WHEN kind = 'withdrawal' THEN 'disbursement'"
    " ELSE 'collection' END FROM ledger_transfers"
    " WHERE gateway = $1 AND " EASYMO_KIGALI_DAY("created_at", "2")
    " ORDER BY 1",
    gateway, day);
  std::vector<recon_ref> out;
  for (auto row : rows)
    out.push_back({row[0].as<std::string>(),
                   row[1].as<std::string>() == "disbursement"
                     ? direction::disbursement
                     : direction::collection});
  return out;
}

std::vector<ledger_entry> ledger_side(pqxx::transaction_base& tx,
                                      const std::string& gateway,
                                      const std::string& day,
                                      const std::vector<std::string>& refs) {
  auto rows = tx.exec_params(
    "SELECT t.external_ref, t.idempotency_key, t.kind, t.amount, t.currency,"
    " CASE WHEN EXISTS (SELECT 1 FROM ledger_transfers r"
    "   WHERE r.idempotency_key = 'refund:' || t.gateway || ':' || t.external_ref"
    "   AND r.status = 'posted') THEN 'refunded' ELSE t.status END"
    " FROM ledger_transfers t WHERE t.gateway = $1"
    " AND (t.external_ref = ANY($3::text[]) OR "
    EASYMO_KIGALI_DAY("t.created_at", "2") ") ORDER BY t.id",
    gateway, day, ledger::repo::text_array(refs));
  std::vector<ledger_entry> out;
  for (auto row : rows) {
    ledger_entry e;
    e.reference = row[0].as<std::string>();
    e.key = row[1].as<std::string>();
    e.kind = row[2].as<std::string>();
    e.amount = row[3].as<int64_t>();
    e.cur = ledger::parse_currency(row[4].as<std::string>())
              .value_or(ledger::currency::RWF);
    e.status = row[5].as<std::string>();
    out.push_back(std::move(e));
  }
  return out;
}

bool store_complete(pqxx::transaction_base& tx, const std::string& day,
                    const std::string& gateway, const complete_result& r) {
  auto count = static_cast<int64_t>(r.mismatches.size());
  // The alert already sent stays valid when the mismatches did not change,
  // so a re-run does not page anyone twice for the same findings.
  auto row = tx.exec_params1(
    "INSERT INTO payment_reconciliations (day, gateway, status,"
    " gateway_records, ledger_records, matched, confirmed, mismatch_count,"
    " mismatches, error, attempts, next_retry_at, alerted_at, started_at,"
    " finished_at)"
    " VALUES ($1::date, $2, 'complete', $3, $4, $5, $6, $7, $8::jsonb, NULL, 1,"
    " NULL, NULL, to_timestamp($9::float8), now())"
    " ON CONFLICT (day, gateway) DO UPDATE SET status = 'complete',"
    " gateway_records = EXCLUDED.gateway_records,"
    " ledger_records = EXCLUDED.ledger_records, matched = EXCLUDED.matched,"
    " confirmed = EXCLUDED.confirmed, mismatch_count = EXCLUDED.mismatch_count,"
    " mismatches = EXCLUDED.mismatches, error = NULL,"
    " attempts = payment_reconciliations.attempts + 1, next_retry_at = NULL,"
    " alerted_at = CASE WHEN payment_reconciliations.mismatches"
    "   = EXCLUDED.mismatches THEN payment_reconciliations.alerted_at END,"
    " started_at = EXCLUDED.started_at, finished_at = now()"
    " RETURNING mismatch_count > 0 AND alerted_at IS NULL",
    day, gateway, static_cast<int64_t>(r.gateway_records),
    static_cast<int64_t>(r.ledger_records), static_cast<int64_t>(r.matched),
    static_cast<int64_t>(r.confirmed), count, r.mismatches.dump(),
    seconds_of(r.started));
  return row[0].as<bool>();
}

void store_incomplete(pqxx::transaction_base& tx, const std::string& day,
                      const std::string& gateway, const std::string& error,
                      std::chrono::seconds retry, size_t attempts_max,
                      std::chrono::system_clock::time_point started) {
  // Out of attempts: next_retry_at 'infinity' keeps the row incomplete
  // (never "0 mismatches") without the loop picking it up again.
  tx.exec_params(
    "INSERT INTO payment_reconciliations (day, gateway, status, error,"
    " attempts, next_retry_at, started_at, finished_at)"
    " VALUES ($1::date, $2, 'incomplete', $3, 1,"
    " CASE WHEN 1 >= $5::int THEN 'infinity'::timestamptz"
    " ELSE now() + make_interval(secs => $4::float8) END, to_timestamp($6::float8), now())"
    " ON CONFLICT (day, gateway) DO UPDATE SET status = 'incomplete',"
    " gateway_records = NULL, ledger_records = NULL, matched = NULL,"
    " confirmed = NULL, mismatch_count = NULL, mismatches = '[]',"
    " error = EXCLUDED.error, attempts = payment_reconciliations.attempts + 1,"
    " next_retry_at = CASE WHEN payment_reconciliations.attempts + 1 >= $5::int"
    "   THEN 'infinity'::timestamptz ELSE now() + make_interval(secs => $4::float8) END,"
    " alerted_at = NULL, started_at = EXCLUDED.started_at, finished_at = now()",
    day, gateway, error, static_cast<double>(retry.count()),
    static_cast<int64_t>(attempts_max), seconds_of(started));
}

std::vector<recon_row> due_retries(pqxx::transaction_base& tx, size_t limit) {
  return rows_of(tx.exec_params(
    "SELECT to_char(day, 'YYYY-MM-DD'), gateway, status, attempts"
    " FROM payment_reconciliations WHERE status = 'incomplete'"
    " AND next_retry_at <= now() ORDER BY day, gateway LIMIT $1",
    static_cast<int64_t>(limit)));
}

std::vector<recon_row> owed_alerts(pqxx::transaction_base& tx, size_t limit) {
  return rows_of(tx.exec_params(
    "SELECT to_char(day, 'YYYY-MM-DD'), gateway, status, attempts"
    " FROM payment_reconciliations WHERE status = 'complete'"
    " AND mismatch_count > 0 AND alerted_at IS NULL ORDER BY day, gateway"
    " LIMIT $1",
    static_cast<int64_t>(limit)));
}

void mark_alerted(pqxx::transaction_base& tx, const std::string& day,
                  const std::string& gateway) {
  tx.exec_params("UPDATE payment_reconciliations SET alerted_at = now()"
                 " WHERE day = $1::date AND gateway = $2",
                 day, gateway);
}

nlohmann::json list(pqxx::transaction_base& tx, const std::string& from,
                    const std::string& to) {
  auto out = nlohmann::json::array();
  for (auto row : tx.exec_params("SELECT " EASYMO_RECON_COLUMNS
                                 " FROM payment_reconciliations"
                                 " WHERE day BETWEEN $1::date AND $2::date"
                                 " ORDER BY day DESC, gateway",
                                 from, to))
    out.push_back(row_json(row));
  return out;
}

nlohmann::json find(pqxx::transaction_base& tx, const std::string& day,
                    const std::string& gateway) {
  auto rows = tx.exec_params("SELECT " EASYMO_RECON_COLUMNS
                             " FROM payment_reconciliations"
                             " WHERE day = $1::date AND gateway = $2",
                             day, gateway);
  if (rows.empty())
    return nullptr;
  return row_json(rows[0]);
}

} // namespace easymo::payments::repo
