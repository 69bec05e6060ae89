// The ledger's SQL text and row mappings, shared by the repository files.
// Internal to persistence/ledger: other code goes through repository.hpp.
#pragma once

#include "persistence/ledger/core.hpp"

#include <pqxx/pqxx>

#include <string>

namespace easymo::ledger::sql {

/// The calendar day that daily limits count, as PostgreSQL computes it for
/// the transaction's start time.
#define EASYMO_LEDGER_TODAY "(now() AT TIME ZONE 'Africa/Kigali')::date"

/// $1 text[]: takes the advisory locks of ledger_lock_names.
constexpr const char* lock_names = "SELECT ledger_lock_names($1::text[])";

/// $1 text[] of keys. Columns: source ('T' transfer, 'R' rejection), transfer
/// id, then the request columns of request_from_row (from index 2), with the
/// status or the rejection reason at index 3.
constexpr const char* select_priors =
  "SELECT 'T', id, idempotency_key, status, kind, debit_account_id,"
  " credit_account_id, amount, currency, coalesce(gateway, ''),"
  " coalesce(external_ref, '')"
  " FROM ledger_transfers WHERE idempotency_key = ANY($1::text[])"
  " UNION ALL "
  "SELECT 'R', 0, idempotency_key, reason, kind, debit_account_id,"
  " credit_account_id, amount, currency, coalesce(gateway, ''),"
  " coalesce(external_ref, '')"
  " FROM ledger_rejections WHERE idempotency_key = ANY($1::text[])";

/// $1 text[] gateways, $2 text[] references (pairwise).
constexpr const char* select_references =
  "SELECT gateway, external_ref, idempotency_key FROM ledger_transfers"
  " WHERE (gateway, external_ref) IN"
  " (SELECT g, r FROM unnest($1::text[], $2::text[]) AS x (g, r))";

/// $1 bigint[]: locks the accounts in ascending id order (the lock order of
/// core.hpp) and reads them for account_from_row.
constexpr const char* lock_accounts =
  "SELECT id, kind, currency, allow_negative, balance, held, daily_limit,"
  " CASE WHEN usage_day = " EASYMO_LEDGER_TODAY " THEN day_debited ELSE 0 END"
  " FROM ledger_accounts WHERE id = ANY($1::bigint[])"
  " ORDER BY id FOR NO KEY UPDATE";

/// $1 bigint: that many fresh transfer ids, one round trip for a batch.
constexpr const char* next_transfer_ids =
  "SELECT nextval('ledger_transfers_id_seq') FROM generate_series(1, $1)";

/// The columns record_from_row reads, for SELECTs on ledger_transfers.
#define EASYMO_LEDGER_TRANSFER_COLUMNS                                         \
  "id, idempotency_key, kind, debit_account_id, credit_account_id, amount,"    \
  " currency, status, coalesce(gateway, ''), coalesce(external_ref, ''),"      \
  " metadata::text, coalesce(correlation_id, ''),"                             \
  " to_char(created_at AT TIME ZONE 'UTC',"                                    \
  " 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"

/// Columns 2..10 of select_priors as the request that made them.
transfer_request request_from_row(const pqxx::row& row);

/// A row of lock_accounts.
account_state account_from_row(const pqxx::row& row);

/// A row of EASYMO_LEDGER_TRANSFER_COLUMNS, from column `first` on.
transfer_record record_from_row(const pqxx::row& row, int first = 0);

/// One accepted transfer as one round trip (inside the caller's savepoint):
/// the correlation id, the transfer row, its review row when held, and the
/// account updates.
std::string transfer_statements(pqxx::transaction_base& tx,
                                const transfer_request& req, int64_t id,
                                const decision& d);

/// A transfer that was decided, for the set-based statements below.
struct decided {
  const transfer_request* req;
  int64_t id;
  const decision* d;
};

/// Accepted transfers as set-based statements: one INSERT of every transfer
/// (each audited under its own correlation id), one of the review rows, and
/// one UPDATE per account with the net change of the whole batch.
std::string batch_statements(pqxx::transaction_base& tx,
                             const std::vector<decided>& all);

/// One INSERT of the refusals; each is audited under its own correlation id.
std::string insert_rejections(
  pqxx::transaction_base& tx,
  const std::vector<std::pair<const transfer_request*, errc>>& refusals);

/// The UPDATE of one account by `c` (empty when nothing changes).
std::string account_update(const account_change& c);

/// SELECT set_config for the transaction's correlation id ('' clears it).
std::string set_correlation(pqxx::transaction_base& tx, const std::string& cid);

} // namespace easymo::ledger::sql
