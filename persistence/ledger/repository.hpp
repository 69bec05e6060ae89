// The ledger in PostgreSQL: functions over a transaction the caller owns and
// commits. They block (libpqxx), so in the daemon they run only inside db pool
// jobs; tests and tools may call them on a connection of their own.
//
// How a batch is posted (post_batch), all in the caller's transaction:
//  1. Requests that fail validate() are answered at once and not stored.
//  2. Advisory locks on every key and gateway reference, in hash order, so a
//     request racing another with the same key waits for it (ledger_lock_names).
//  3. Keys seen before get their first outcome back (replayed = true).
//  4. The accounts of the new requests are locked in ascending id order
//     (SELECT ... ORDER BY id FOR NO KEY UPDATE), then read.
//  5. The core decides each request in order against those states.
//  6. The accepted transfers are written: their rows, the review rows of the
//     held ones, and one UPDATE per account with its net change, all in one
//     round trip inside one SAVEPOINT. Should the database refuse any of it
//     (a CHECK constraint caught a bug), that savepoint rolls back and each
//     transfer is written again inside a SAVEPOINT of its own, with its own
//     account updates, so only the refused ones roll back and are answered
//     rejected_by_database; the others stand. (Savepoints are
//     pqxx::subtransactions: pqxx closes a transaction on any error.)
//     Either way every row change is one audit row; an account's audit row
//     shares its txid with the transfers that moved it.
//  7. Refusals decided against the accounts are stored in ledger_rejections,
//     so a retry gets the same answer.
// Every write sets easymo.correlation_id first, so the audit rows carry it.
#pragma once

#include "persistence/ledger/core.hpp"

#include <optional>
#include <string>
#include <vector>

namespace pqxx {
class transaction_base;
class dbtransaction;
} // namespace pqxx

namespace easymo::ledger {

/// An account's money as stored.
struct account_balance {
  int64_t id = 0;
  account_kind kind = account_kind::wallet;
  std::string owner;
  currency cur = currency::RWF;
  int64_t balance = 0;
  /// Reserved by transfers held for review.
  int64_t held = 0;

  int64_t available() const { return balance - held; }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, account_balance& x) {
  return f(caf::meta::type_name("account_balance"), x.id, x.kind, x.owner,
           x.cur, x.balance, x.held);
}

} // namespace easymo::ledger

namespace easymo::ledger::repo {

/// Upper bound of movements(): a WhatsApp list shows ten.
constexpr size_t movements_max = 100;

/// Returns the account's id, creating it on first use. Safe under races: two
/// transactions creating the same account end with one row.
int64_t ensure_account(pqxx::transaction_base& tx, const account_spec& spec);

/// The account's id if it exists.
std::optional<int64_t> find_account(pqxx::transaction_base& tx,
                                    const account_spec& spec);

/// Posts `reqs` (see the steps above) and answers each, in request order.
std::vector<outcome> post_batch(pqxx::dbtransaction& tx,
                                const std::vector<transfer_request>& reqs,
                                const policy& pol);

/// post_batch with one request.
outcome post(pqxx::dbtransaction& tx, const transfer_request& req,
             const policy& pol);

/// Turns a held transfer into a posted one. Approving a posted transfer again
/// answers it as replayed; a voided one is errc::not_pending.
outcome approve(pqxx::transaction_base& tx, int64_t transfer_id,
                const std::string& admin, const std::string& correlation_id);

/// Voids a held transfer and releases its hold. Rejecting a voided transfer
/// again answers it as replayed; a posted one is errc::not_pending.
outcome reject(pqxx::transaction_base& tx, int64_t transfer_id,
               const std::string& admin, const std::string& note,
               const std::string& correlation_id);

std::optional<account_balance> balance(pqxx::transaction_base& tx,
                                       int64_t account);

/// The account's last `limit` transfers (any status), newest first.
std::vector<transfer_record> movements(pqxx::transaction_base& tx,
                                       int64_t account, size_t limit);

std::optional<transfer_record> find_by_key(pqxx::transaction_base& tx,
                                           const std::string& key);

std::optional<transfer_record>
find_by_reference(pqxx::transaction_base& tx, const std::string& gateway,
                  const std::string& external_ref);

/// What the key came to, transfer or stored refusal; nothing if never seen.
std::optional<outcome> find_outcome(pqxx::transaction_base& tx,
                                    const std::string& key);

/// A PostgreSQL array literal of `xs`, to pass as one text[] parameter.
std::string text_array(const std::vector<std::string>& xs);

/// A PostgreSQL array literal of `xs`, to pass as one bigint[] parameter.
std::string bigint_array(const std::vector<int64_t>& xs);

} // namespace easymo::ledger::repo
