// The ledger's rules as pure code: no SQL, no actors, no clock.
//
// The repository locks the accounts a batch touches, reads them into
// `account_state`s and asks `decide` what each transfer does to them; the
// database then applies the deltas and its CHECK constraints refuse whatever
// this code might get wrong. Tests exercise every rule here without a
// database (tests/unit/ledger_core.test.cpp).
//
// Held transfers reserve their funds: a transfer above the review threshold is
// created `pending`, its amount moves into the debit account's `held` (so it
// can no longer be spent) and counts against the daily limit at once. Approval
// then cannot fail for lack of funds, and rejection simply releases the hold.
#pragma once

#include "persistence/ledger/money.hpp"

#include <caf/atom.hpp>
#include <caf/error.hpp>
#include <caf/meta/type_name.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace easymo::ledger {

// -- errors -------------------------------------------------------------------

/// Why a ledger request failed. Codes are stored (ledger_rejections.reason by
/// name) and travel in caf::errors of category "ledger": append only.
enum class errc : uint8_t {
  none = 0,
  // The request itself is malformed; nothing was stored.
  invalid_key = 1,
  invalid_amount,
  invalid_account,
  same_account,
  invalid_reference,
  invalid_metadata,
  // Refusals decided against the accounts; stored, so retries see them too.
  account_not_found,
  currency_mismatch,
  insufficient_funds,
  daily_limit_exceeded,
  duplicate_reference,
  rejected_by_database,
  // Answers of other requests.
  idempotency_conflict,
  transfer_not_found,
  not_pending,
  // Operating errors: nothing was decided, the caller may retry the same key.
  unavailable,
  overloaded,
  storage_failed,
  // A refusal decided against the accounts (stored): the transfer would take
  // a balance, a hold or a day's usage past what int64 holds.
  balance_overflow,
};

constexpr caf::atom_value error_category = caf::atom("ledger");

/// "insufficient_funds"; the names are what ledger_rejections stores.
const char* to_string(errc code);

/// The inverse of to_string; errc::none for an unknown name.
errc parse_errc(std::string_view name);

caf::error make_error(errc code, std::string context = {});

/// Renders ledger errors (register with add_error_category).
std::string render_error(uint8_t code, caf::atom_value category,
                         const caf::message& context);

/// The ledger errc of `err`, or errc::none when it is not a ledger error.
errc code_of(const caf::error& err);

// -- vocabulary ---------------------------------------------------------------

enum class account_kind : uint8_t { wallet = 1, clearing, fees, revenue };
enum class transfer_kind : uint8_t {
  topup = 1,
  withdrawal,
  p2p,
  payment,
  fee,
  refund,
  adjustment,
};
enum class transfer_status : uint8_t { pending = 1, posted, voided };

const char* to_string(account_kind x);
const char* to_string(transfer_kind x);
const char* to_string(transfer_status x);
std::optional<account_kind> parse_account_kind(std::string_view text);
std::optional<transfer_kind> parse_transfer_kind(std::string_view text);
std::optional<transfer_status> parse_transfer_status(std::string_view text);

/// Bounds of the request's text fields (the schema has the same CHECKs).
constexpr size_t key_chars_max = 200;
constexpr size_t reference_chars_max = 200;
constexpr size_t metadata_bytes_max = 4096;
constexpr size_t owner_chars_max = 64;

/// Which account a caller means; ensure_account gets or creates it.
struct account_spec {
  account_kind kind = account_kind::wallet;
  /// wa_id for a wallet, gateway name for clearing, empty for fees/revenue.
  std::string owner;
  currency cur = currency::RWF;
};

/// Clearing and system accounts may go negative; wallets never.
bool allows_negative(account_kind kind);

/// Whether `spec` is well formed (owner present exactly when it must be).
bool valid(const account_spec& spec);

/// One transfer: move `amount` minor units of `cur` from debit to credit.
struct transfer_request {
  /// Unique per intended transfer; a retry reuses it.
  std::string key;
  transfer_kind kind = transfer_kind::p2p;
  int64_t debit = 0;
  int64_t credit = 0;
  int64_t amount = 0;
  currency cur = currency::RWF;
  /// Set together, or both empty: the gateway and its own reference.
  std::string gateway;
  std::string external_ref;
  /// A JSON object as text; empty means {}.
  std::string metadata;
  std::string correlation_id;
};

/// A transfer as stored.
struct transfer_record {
  int64_t id = 0;
  std::string key;
  transfer_kind kind = transfer_kind::p2p;
  int64_t debit = 0;
  int64_t credit = 0;
  int64_t amount = 0;
  currency cur = currency::RWF;
  transfer_status status = transfer_status::posted;
  std::string gateway;
  std::string external_ref;
  std::string metadata;
  std::string correlation_id;
  std::string created_at;
};

/// What a request came to: a transfer (posted or held), or a refusal.
struct outcome {
  std::string key;
  errc error = errc::none;
  int64_t transfer_id = 0;
  transfer_status status = transfer_status::posted;
  /// The key had been seen before: this is the first request's answer.
  bool replayed = false;

  bool ok() const { return error == errc::none; }
};

/// The part of a transfer request that must match on a retry.
bool same_intent(const transfer_request& a, const transfer_request& b);

// -- policy and decisions -----------------------------------------------------

/// Limits, in major units of whatever currency a transfer uses.
struct policy {
  /// Transfers above this are held for review (`pending`).
  int64_t review_threshold_major = 100'000;
  /// Debits per wallet per day (Africa/Kigali), pending ones included.
  int64_t daily_limit_major = 1'000'000;

  int64_t review_threshold(currency c) const;
  int64_t daily_limit(currency c) const;
};

/// An account as the repository read it, under lock, for one batch.
struct account_state {
  int64_t id = 0;
  account_kind kind = account_kind::wallet;
  currency cur = currency::RWF;
  bool allow_negative = false;
  int64_t balance = 0;
  int64_t held = 0;
  /// NULL in the row: the policy's limit applies.
  std::optional<int64_t> daily_limit;
  /// Today's debits; zero when the row's usage_day is another day.
  int64_t day_debited = 0;

  int64_t available() const { return balance - held; }
};

/// What one decision does to one account; the repository adds balance and
/// held and stores day_debited.
struct account_change {
  int64_t account = 0;
  int64_t balance = 0;
  int64_t held = 0;
  /// Today's debits after the change, when they changed.
  std::optional<int64_t> day_debited;
};

struct decision {
  errc error = errc::none;
  transfer_status status = transfer_status::posted;
  account_change debit;
  account_change credit;
};

/// Checks the request alone: key, amount, accounts, reference, metadata.
errc validate(const transfer_request& req);

/// Decides a valid request against its two locked accounts and, when it is
/// accepted, applies the change to both states so the next transfer of the
/// batch sees it. A refusal leaves both untouched.
decision decide(const transfer_request& req, account_state& debit,
                account_state& credit, const policy& pol);

/// Approving a held transfer: the hold becomes a real debit (refused with
/// balance_overflow, states untouched, should the credit not fit).
decision approve_held(const transfer_record& t, account_state& debit,
                      account_state& credit);

/// Rejecting a held transfer: the hold and today's usage are released.
/// `same_day` says whether it was created on the debit account's usage day.
decision reject_held(const transfer_record& t, account_state& debit,
                     bool same_day);

/// The accounts of `reqs` in the one order every transaction locks them:
/// ascending ids, each once. Two transactions that lock in the same order can
/// wait for each other but never in a cycle, so they cannot deadlock.
std::vector<int64_t> lock_order(const std::vector<transfer_request>& reqs);

/// The advisory lock names of `reqs`: each key, and each gateway reference,
/// so that requests sharing either are serialised before any row lock.
std::vector<std::string> lock_names(const std::vector<transfer_request>& reqs);

// -- inspection ---------------------------------------------------------------

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, account_spec& x) {
  return f(caf::meta::type_name("account_spec"), x.kind, x.owner, x.cur);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, transfer_request& x) {
  return f(caf::meta::type_name("transfer_request"), x.key, x.kind, x.debit,
           x.credit, x.amount, x.cur, x.gateway, x.external_ref, x.metadata,
           x.correlation_id);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, transfer_record& x) {
  return f(caf::meta::type_name("transfer_record"), x.id, x.key, x.kind,
           x.debit, x.credit, x.amount, x.cur, x.status, x.gateway,
           x.external_ref, x.metadata, x.correlation_id, x.created_at);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, outcome& x) {
  return f(caf::meta::type_name("outcome"), x.key, x.error, x.transfer_id,
           x.status, x.replayed);
}

} // namespace easymo::ledger
