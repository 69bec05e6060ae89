// Payment intents in PostgreSQL (0022_payment_intents.sql): functions over a
// transaction the caller owns. They block (libpqxx), so the daemon runs them
// only inside db pool jobs.
#pragma once

#include "persistence/ledger/money.hpp"

#include <caf/meta/type_name.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pqxx {
class transaction_base;
} // namespace pqxx

namespace easymo::payments {

enum class direction : uint8_t { collection = 1, disbursement };

const char* to_string(direction d);

/// One row of payment_intents.
struct intent {
  int64_t id = 0;
  std::string gateway;
  direction dir = direction::collection;
  std::string wa_id;
  std::string msisdn;
  int64_t amount = 0;
  ledger::currency cur = ledger::currency::RWF;
  std::string reference;
  std::string gateway_ref;
  std::string status = "created";
  std::string gateway_status;
  std::string reason;
  std::string checkout_url;
  int64_t transfer_id = 0;
  int64_t refund_transfer_id = 0;
  int32_t checks = 0;
  std::string correlation_id;
  /// RFC 3339 UTC, as stored.
  std::string created_at;
  bool expired = false; // expires_at has passed (computed by the query).
  /// insert_or_find found it already stored: a start retried under the
  /// caller's own reference (not a column).
  bool replayed = false;

  bool open() const { return status == "created" || status == "pending"; }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, intent& x) {
  return f(caf::meta::type_name("payment_intent"), x.id, x.gateway, x.dir,
           x.wa_id, x.msisdn, x.amount, x.cur, x.reference, x.gateway_ref,
           x.status, x.gateway_status, x.reason, x.checkout_url, x.transfer_id,
           x.refund_transfer_id, x.checks, x.correlation_id, x.created_at,
           x.expired, x.replayed);
}

/// The ledger idempotency key of the intent's money movement: a retry, a
/// second callback and an operator's confirmation all produce the same key.
std::string transfer_key(const std::string& gateway, const std::string& ref);

/// The key of the refund of a failed disbursement.
std::string refund_key(const std::string& gateway, const std::string& ref);

namespace repo {

/// Stores a new intent that expires after `ttl`; returns it with its id
/// and created_at. When the gateway already has an intent with x's
/// reference (a start retried under the caller's own reference), that one
/// is returned with `replayed` set and nothing is written; one for another
/// user, direction, amount or currency is refused (std::logic_error).
intent insert_or_find(pqxx::transaction_base& tx, intent x,
                      std::chrono::seconds ttl);

std::optional<intent> by_reference(pqxx::transaction_base& tx,
                                   const std::string& gateway,
                                   const std::string& reference);

std::optional<intent> by_gateway_ref(pqxx::transaction_base& tx,
                                     const std::string& gateway,
                                     const std::string& gateway_ref);

/// Claims up to `limit` open intents of `gateway` whose check is due: each
/// gets checks + 1 and its next check pushed back by `interval` doubled per
/// earlier check (capped at 16x), in the same statement, so that two nodes
/// polling at once never claim the same row (SKIP LOCKED).
std::vector<intent> claim_due(pqxx::transaction_base& tx,
                              const std::string& gateway, size_t limit,
                              std::chrono::seconds interval);

/// The gateway has the payment: status pending, with its reference and
/// checkout page. Only a created or pending intent changes.
void mark_pending(pqxx::transaction_base& tx, int64_t id,
                  const std::string& gateway_ref,
                  const std::string& checkout_url,
                  const std::string& gateway_status);

/// Verified at the gateway and moved in the ledger. Any unsettled intent
/// (expired ones too: a late success still counts) becomes succeeded;
/// returns whether this call changed it.
bool mark_succeeded(pqxx::transaction_base& tx, int64_t id,
                    const std::string& gateway_ref, int64_t transfer_id,
                    const std::string& gateway_status);

/// Failed at the gateway or refused by the ledger; `refund_transfer_id` is
/// the refund of a disbursement's debit (0: none).
bool mark_failed(pqxx::transaction_base& tx, int64_t id,
                 const std::string& reason, const std::string& gateway_status,
                 int64_t refund_transfer_id);

/// We stopped asking: an open intent past its expiry becomes expired.
bool mark_expired(pqxx::transaction_base& tx, int64_t id);

/// Records the ledger debit of a disbursement.
void set_transfer(pqxx::transaction_base& tx, int64_t id, int64_t transfer_id);

/// Open or expired USSD intents of `msisdn` for `amount` created before
/// `before` (RFC 3339), oldest first: the candidates a statement line
/// confirms.
std::vector<intent> ussd_candidates(pqxx::transaction_base& tx,
                                    const std::string& msisdn, int64_t amount,
                                    ledger::currency cur,
                                    const std::string& before);

/// The intents of `gateway` created on `day` (Africa/Kigali, YYYY-MM-DD).
std::vector<intent> of_day(pqxx::transaction_base& tx,
                           const std::string& gateway, const std::string& day);

} // namespace repo

} // namespace easymo::payments
