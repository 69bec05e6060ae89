#include "persistence/payments/intents.hpp"

#include <pqxx/pqxx>

#include <algorithm>
#include <stdexcept>

namespace easymo::payments {

namespace {

// The columns intent_from_row reads, in order.
#define EASYMO_INTENT_COLUMNS                                                  \
  "id, gateway, direction, wa_id, coalesce(msisdn, ''), amount, currency,"     \
  " reference, coalesce(gateway_ref, ''), status,"                             \
  " coalesce(gateway_status, ''), coalesce(reason, ''),"                       \
  " coalesce(checkout_url, ''), coalesce(transfer_id, 0),"                     \
  " coalesce(refund_transfer_id, 0), checks, coalesce(correlation_id, ''),"    \
  " to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"  \
  " expires_at <= now()"

// Interval doublings of the poller's backoff: 2^4 = 16 times the interval.
constexpr int backoff_doublings_max = 4;

intent intent_from_row(const pqxx::row& row) {
  intent x;
  x.id = row[0].as<int64_t>();
  x.gateway = row[1].as<std::string>();
  x.dir = row[2].as<std::string>() == "disbursement" ? direction::disbursement
                                                     : direction::collection;
  x.wa_id = row[3].as<std::string>();
  x.msisdn = row[4].as<std::string>();
  x.amount = row[5].as<int64_t>();
  x.cur = ledger::parse_currency(row[6].as<std::string>())
            .value_or(ledger::currency::RWF);
  x.reference = row[7].as<std::string>();
  x.gateway_ref = row[8].as<std::string>();
  x.status = row[9].as<std::string>();
  x.gateway_status = row[10].as<std::string>();
  x.reason = row[11].as<std::string>();
  x.checkout_url = row[12].as<std::string>();
  x.transfer_id = row[13].as<int64_t>();
  x.refund_transfer_id = row[14].as<int64_t>();
  x.checks = row[15].as<int32_t>();
  x.correlation_id = row[16].as<std::string>();
  x.created_at = row[17].as<std::string>();
  x.expired = row[18].as<bool>();
  return x;
}

std::vector<intent> all_of(const pqxx::result& rows) {
  std::vector<intent> out;
  out.reserve(rows.size());
  for (auto row : rows)
    out.push_back(intent_from_row(row));
  return out;
}

std::optional<intent> first_of(const pqxx::result& rows) {
  if (rows.empty())
    return std::nullopt;
  return intent_from_row(rows[0]);
}

// NULL for an empty string: optional columns are NULL rather than ''.
std::optional<std::string> or_null(const std::string& s) {
  if (s.empty())
    return std::nullopt;
  return s;
}

void set_correlation(pqxx::transaction_base& tx, const std::string& cid) {
  tx.exec_params("SELECT set_config('easymo.correlation_id', $1, true)", cid);
}

} // namespace

const char* to_string(direction d) {
  return d == direction::collection ? "collection" : "disbursement";
}

std::string transfer_key(const std::string& gateway, const std::string& ref) {
  return "pay:" + gateway + ":" + ref;
}

std::string refund_key(const std::string& gateway, const std::string& ref) {
  return "refund:" + gateway + ":" + ref;
}

namespace repo {

intent insert_or_find(pqxx::transaction_base& tx, intent x,
                      std::chrono::seconds ttl) {
  set_correlation(tx, x.correlation_id);
  auto rows = tx.exec_params(
    "INSERT INTO payment_intents (gateway, direction, wa_id, msisdn, amount,"
    " currency, reference, gateway_ref, correlation_id, expires_at)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9,"
    " now() + make_interval(secs => $10::float8))"
    " ON CONFLICT DO NOTHING RETURNING " EASYMO_INTENT_COLUMNS,
    x.gateway, std::string{to_string(x.dir)}, x.wa_id, or_null(x.msisdn),
    x.amount, std::string{ledger::code(x.cur)}, x.reference,
    or_null(x.gateway_ref), or_null(x.correlation_id),
    static_cast<double>(ttl.count()));
  if (!rows.empty())
    return intent_from_row(rows[0]);
  auto found = by_reference(tx, x.gateway, x.reference);
  if (!found || found->wa_id != x.wa_id || found->dir != x.dir
      || found->amount != x.amount || found->cur != x.cur)
    throw std::logic_error("payment reference reused for another payment: "
                           + x.reference);
  found->replayed = true;
  return *found;
}

std::optional<intent> by_reference(pqxx::transaction_base& tx,
                                   const std::string& gateway,
                                   const std::string& reference) {
  return first_of(tx.exec_params("SELECT " EASYMO_INTENT_COLUMNS
                                 " FROM payment_intents WHERE gateway = $1"
                                 " AND reference = $2",
                                 gateway, reference));
}

std::optional<intent> by_gateway_ref(pqxx::transaction_base& tx,
                                     const std::string& gateway,
                                     const std::string& gateway_ref) {
  return first_of(tx.exec_params("SELECT " EASYMO_INTENT_COLUMNS
                                 " FROM payment_intents WHERE gateway = $1"
                                 " AND gateway_ref = $2",
                                 gateway, gateway_ref));
}

std::vector<intent> claim_due(pqxx::transaction_base& tx,
                              const std::string& gateway, size_t limit,
                              std::chrono::seconds interval) {
  return all_of(tx.exec_params(
    "UPDATE payment_intents SET checks = checks + 1, updated_at = now(),"
    " next_check_at = now() + make_interval(secs => $3::float8"
    " * power(2.0::float8, least(checks, $4::int)))"
    " WHERE id IN (SELECT id FROM payment_intents WHERE gateway = $1"
    "   AND status IN ('created', 'pending') AND next_check_at <= now()"
    "   ORDER BY next_check_at LIMIT $2 FOR UPDATE SKIP LOCKED)"
    " RETURNING " EASYMO_INTENT_COLUMNS,
    gateway, static_cast<int64_t>(limit), static_cast<double>(interval.count()),
    backoff_doublings_max));
}

void mark_pending(pqxx::transaction_base& tx, int64_t id,
                  const std::string& gateway_ref,
                  const std::string& checkout_url,
                  const std::string& gateway_status) {
  tx.exec_params(
    "UPDATE payment_intents SET status = 'pending', updated_at = now(),"
    " gateway_ref = coalesce($2, gateway_ref),"
    " checkout_url = coalesce($3, checkout_url),"
    " gateway_status = coalesce($4, gateway_status)"
    " WHERE id = $1 AND status IN ('created', 'pending')",
    id, or_null(gateway_ref), or_null(checkout_url), or_null(gateway_status));
}

bool mark_succeeded(pqxx::transaction_base& tx, int64_t id,
                    const std::string& gateway_ref, int64_t transfer_id,
                    const std::string& gateway_status) {
  auto r = tx.exec_params(
    "UPDATE payment_intents SET status = 'succeeded', settled_at = now(),"
    " updated_at = now(), gateway_ref = coalesce($2, gateway_ref),"
    " transfer_id = coalesce(transfer_id, $3), gateway_status = $4,"
    " reason = NULL"
    " WHERE id = $1 AND status IN ('created', 'pending', 'expired')",
    id, or_null(gateway_ref), transfer_id, gateway_status);
  return r.affected_rows() == 1;
}

bool mark_failed(pqxx::transaction_base& tx, int64_t id,
                 const std::string& reason, const std::string& gateway_status,
                 int64_t refund_transfer_id) {
  auto r = tx.exec_params(
    "UPDATE payment_intents SET status = 'failed', settled_at = now(),"
    " updated_at = now(), reason = $2, gateway_status = coalesce($3,"
    " gateway_status), refund_transfer_id = nullif($4, 0)"
    " WHERE id = $1 AND status IN ('created', 'pending', 'expired')",
    id, reason, or_null(gateway_status), refund_transfer_id);
  return r.affected_rows() == 1;
}

bool mark_expired(pqxx::transaction_base& tx, int64_t id) {
  auto r = tx.exec_params(
    "UPDATE payment_intents SET status = 'expired', updated_at = now()"
    " WHERE id = $1 AND status IN ('created', 'pending')"
    " AND expires_at <= now()",
    id);
  return r.affected_rows() == 1;
}

void set_transfer(pqxx::transaction_base& tx, int64_t id, int64_t transfer_id) {
  tx.exec_params("UPDATE payment_intents SET transfer_id = $2,"
                 " updated_at = now() WHERE id = $1 AND transfer_id IS NULL",
                 id, transfer_id);
}

std::vector<intent> ussd_candidates(pqxx::transaction_base& tx,
                                    const std::string& msisdn, int64_t amount,
                                    ledger::currency cur,
                                    const std::string& before) {
  return all_of(tx.exec_params(
    "SELECT " EASYMO_INTENT_COLUMNS " FROM payment_intents"
    " WHERE gateway = 'momo_ussd' AND direction = 'collection'"
    " AND msisdn = $1 AND amount = $2 AND currency = $3"
    " AND status IN ('created', 'pending', 'expired')"
    " AND created_at <= $4::timestamptz ORDER BY created_at",
    msisdn, amount, std::string{ledger::code(cur)}, before));
}

std::vector<intent> of_day(pqxx::transaction_base& tx,
                           const std::string& gateway, const std::string& day) {
  return all_of(tx.exec_params(
    "SELECT " EASYMO_INTENT_COLUMNS " FROM payment_intents"
    " WHERE gateway = $1"
    " AND created_at >= ($2::date)::timestamp AT TIME ZONE 'Africa/Kigali'"
    " AND created_at < ($2::date + 1)::timestamp AT TIME ZONE 'Africa/Kigali'"
    " ORDER BY id",
    gateway, day));
}

} // namespace repo

} // namespace easymo::payments
