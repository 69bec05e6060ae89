// The ledger's other operations: accounts, reviews and lookups.
#include "persistence/ledger/repository.hpp"

#include "persistence/ledger/sql.hpp"

#include <pqxx/pqxx>

#include <algorithm>
#include <cassert>
#include <map>

namespace easymo::ledger::repo {

namespace {

// Settles a held transfer. The transfer row is locked first, then its two
// accounts in ascending order; post_batch never locks an existing transfer,
// so neither order can close a cycle with the other.
outcome settle(pqxx::transaction_base& tx, int64_t id, bool approving,
               const std::string& admin, const std::string& note,
               const std::string& cid) {
  tx.exec(sql::set_correlation(tx, cid));
  auto rows = tx.exec_params(
    "SELECT " EASYMO_LEDGER_TRANSFER_COLUMNS
    ", (created_at AT TIME ZONE 'Africa/Kigali')::date = " EASYMO_LEDGER_TODAY
    " FROM ledger_transfers WHERE id = $1 FOR UPDATE",
    id);
  outcome out;
  if (rows.empty()) {
    out.error = errc::transfer_not_found;
    return out;
  }
  auto t = sql::record_from_row(rows[0]);
  auto same_day = rows[0][13].as<bool>();
  auto target = approving ? transfer_status::posted : transfer_status::voided;
  out.key = t.key;
  out.transfer_id = t.id;
  out.status = t.status;
  if (t.status == target) {
    out.replayed = true;
    return out;
  }
  if (t.status != transfer_status::pending) {
    out.error = errc::not_pending;
    return out;
  }
  std::map<int64_t, account_state> accounts;
  for (auto row : tx.exec_params(sql::lock_accounts,
                                 bigint_array({std::min(t.debit, t.credit),
                                               std::max(t.debit, t.credit)}))) {
    auto st = sql::account_from_row(row);
    accounts.emplace(st.id, st);
  }
  auto& debit = accounts.at(t.debit);
  auto d = approving ? approve_held(t, debit, accounts.at(t.credit))
                     : reject_held(t, debit, same_day);
  if (d.error != errc::none) {
    // Still held: an operator may reject it, which always fits.
    out.error = d.error;
    return out;
  }
  auto when = approving ? "posted_at" : "voided_at";
  tx.exec("UPDATE ledger_transfers SET status = '"
          + std::string{to_string(target)} + "', " + when
          + " = now() WHERE id = " + std::to_string(id) + ";"
          + "UPDATE ledger_reviews SET status = '"
          + (approving ? "approved" : "rejected") + "', decided_by = "
          + tx.quote(admin) + ", note = "
          + (note.empty() ? std::string{"NULL"} : tx.quote(note))
          + ", decided_at = now() WHERE transfer_id = " + std::to_string(id)
          + ";" + sql::account_update(d.debit) + sql::account_update(d.credit));
  out.status = target;
  return out;
}

} // namespace

int64_t ensure_account(pqxx::transaction_base& tx, const account_spec& spec) {
  assert(valid(spec));
  // DO NOTHING, then SELECT: a concurrent creator makes the INSERT wait and
  // return no row, and the SELECT (a new snapshot) then sees its row.
  auto created = tx.exec_params(
    "INSERT INTO ledger_accounts (kind, owner, currency, allow_negative)"
    " VALUES ($1, $2, $3, $4) ON CONFLICT (kind, owner, currency) DO NOTHING"
    " RETURNING id",
    std::string{to_string(spec.kind)}, spec.owner,
    std::string{code(spec.cur)}, allows_negative(spec.kind));
  if (!created.empty())
    return created[0][0].as<int64_t>();
  auto id = find_account(tx, spec);
  assert(id.has_value());
  return *id;
}

std::optional<int64_t> find_account(pqxx::transaction_base& tx,
                                    const account_spec& spec) {
  auto rows = tx.exec_params(
    "SELECT id FROM ledger_accounts WHERE kind = $1 AND owner = $2"
    " AND currency = $3",
    std::string{to_string(spec.kind)}, spec.owner,
    std::string{code(spec.cur)});
  if (rows.empty())
    return std::nullopt;
  return rows[0][0].as<int64_t>();
}

outcome approve(pqxx::transaction_base& tx, int64_t transfer_id,
                const std::string& admin, const std::string& correlation_id) {
  return settle(tx, transfer_id, true, admin, {}, correlation_id);
}

outcome reject(pqxx::transaction_base& tx, int64_t transfer_id,
               const std::string& admin, const std::string& note,
               const std::string& correlation_id) {
  return settle(tx, transfer_id, false, admin, note, correlation_id);
}

std::optional<account_balance> balance(pqxx::transaction_base& tx,
                                       int64_t account) {
  auto rows = tx.exec_params("SELECT id, kind, owner, currency, balance, held"
                             " FROM ledger_accounts WHERE id = $1",
                             account);
  if (rows.empty())
    return std::nullopt;
  auto row = rows[0];
  account_balance out;
  out.id = row[0].as<int64_t>();
  out.kind = parse_account_kind(row[1].as<std::string>())
               .value_or(account_kind::wallet);
  out.owner = row[2].as<std::string>();
  out.cur = parse_currency(row[3].as<std::string>()).value_or(currency::RWF);
  out.balance = row[4].as<int64_t>();
  out.held = row[5].as<int64_t>();
  return out;
}

std::vector<transfer_record> movements(pqxx::transaction_base& tx,
                                       int64_t account, size_t limit) {
  auto n = static_cast<int64_t>(std::min(limit, movements_max));
  // One index scan per side, each bounded, then merged newest first.
  auto rows = tx.exec_params(
    "SELECT * FROM ((SELECT " EASYMO_LEDGER_TRANSFER_COLUMNS
    " FROM ledger_transfers WHERE debit_account_id = $1"
    " ORDER BY id DESC LIMIT $2) UNION ALL (SELECT "
    EASYMO_LEDGER_TRANSFER_COLUMNS
    " FROM ledger_transfers WHERE credit_account_id = $1"
    " ORDER BY id DESC LIMIT $2)) AS m ORDER BY 1 DESC LIMIT $2",
    account, n);
  std::vector<transfer_record> out;
  for (auto row : rows)
    out.push_back(sql::record_from_row(row));
  return out;
}

std::optional<transfer_record> find_by_key(pqxx::transaction_base& tx,
                                           const std::string& key) {
  auto rows = tx.exec_params("SELECT " EASYMO_LEDGER_TRANSFER_COLUMNS
                             " FROM ledger_transfers WHERE idempotency_key = $1",
                             key);
  if (rows.empty())
    return std::nullopt;
  return sql::record_from_row(rows[0]);
}

std::optional<transfer_record>
find_by_reference(pqxx::transaction_base& tx, const std::string& gateway,
                  const std::string& external_ref) {
  auto rows = tx.exec_params("SELECT " EASYMO_LEDGER_TRANSFER_COLUMNS
                             " FROM ledger_transfers WHERE gateway = $1"
                             " AND external_ref = $2",
                             gateway, external_ref);
  if (rows.empty())
    return std::nullopt;
  return sql::record_from_row(rows[0]);
}

std::optional<outcome> find_outcome(pqxx::transaction_base& tx,
                                    const std::string& key) {
  auto rows = tx.exec_params(sql::select_priors, text_array({key}));
  if (rows.empty())
    return std::nullopt;
  outcome out;
  out.key = key;
  out.transfer_id = rows[0][1].as<int64_t>();
  if (rows[0][0].as<std::string>() == "T")
    out.status = parse_transfer_status(rows[0][3].as<std::string>())
                   .value_or(transfer_status::pending);
  else
    out.error = parse_errc(rows[0][3].as<std::string>());
  return out;
}

} // namespace easymo::ledger::repo
