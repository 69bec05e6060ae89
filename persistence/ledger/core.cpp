#include "persistence/ledger/core.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cassert>
#include <iterator>

namespace easymo::ledger {

namespace {

// Names in the order of the enums; index 0 is unused where the enum starts
// at 1, so a cast indexes the table directly.
constexpr const char* errc_names[] = {
  "none",          "invalid_key",          "invalid_amount",
  "invalid_account", "same_account",       "invalid_reference",
  "invalid_metadata", "account_not_found", "currency_mismatch",
  "insufficient_funds", "daily_limit_exceeded", "duplicate_reference",
  "rejected_by_database", "idempotency_conflict", "transfer_not_found",
  "not_pending",   "unavailable",          "overloaded",
  "storage_failed", "balance_overflow",
};
static_assert(std::size(errc_names)
              == static_cast<size_t>(errc::balance_overflow) + 1);

constexpr const char* account_kind_names[] = {"", "wallet", "clearing", "fees",
                                              "revenue"};
constexpr const char* transfer_kind_names[] = {
  "", "topup", "withdrawal", "p2p", "payment", "fee", "refund", "adjustment"};
constexpr const char* status_names[] = {"", "pending", "posted", "voided"};

template <class Enum, size_t N>
const char* name_of(Enum x, const char* const (&names)[N]) {
  auto i = static_cast<size_t>(x);
  assert(i > 0 && i < N);
  return i < N ? names[i] : "?";
}

template <class Enum, size_t N>
std::optional<Enum> parse_name(std::string_view text,
                               const char* const (&names)[N]) {
  for (size_t i = 1; i < N; ++i)
    if (text == names[i])
      return static_cast<Enum>(i);
  return std::nullopt;
}

bool printable(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char ch) {
    return static_cast<unsigned char>(ch) >= 0x20 && ch != 0x7f;
  });
}

// Whether `x + delta` fits in int64 (delta may be negative). Amounts are
// bounded, balances are not: a clearing account may run far negative and a
// revenue account far positive, so a sum must be checked, never wrapped.
bool fits(int64_t x, int64_t delta) {
  int64_t sum = 0;
  return !__builtin_add_overflow(x, delta, &sum);
}

// Whether applying the request's amount keeps every field it touches in
// range: the hold (held transfers) or both balances (posted ones).
bool fits_transfer(const account_state& debit, const account_state& credit,
                   int64_t amount, bool held) {
  if (held)
    return fits(debit.held, amount);
  return fits(debit.balance, -amount) && fits(credit.balance, amount);
}

} // namespace

// -- errors -------------------------------------------------------------------

const char* to_string(errc code) {
  auto i = static_cast<size_t>(code);
  return i < std::size(errc_names) ? errc_names[i] : "unknown";
}

errc parse_errc(std::string_view name) {
  for (size_t i = 1; i < std::size(errc_names); ++i)
    if (name == errc_names[i])
      return static_cast<errc>(i);
  return errc::none;
}

caf::error make_error(errc code, std::string context) {
  assert(code != errc::none);
  return caf::error{static_cast<uint8_t>(code), error_category,
                    caf::make_message(std::move(context))};
}

std::string render_error(uint8_t code, caf::atom_value,
                         const caf::message& context) {
  std::string out = "ledger:";
  out += to_string(static_cast<errc>(code));
  if (context.match_elements<std::string>()
      && !context.get_as<std::string>(0).empty())
    out += " (" + context.get_as<std::string>(0) + ")";
  return out;
}

errc code_of(const caf::error& err) {
  // An empty caf::error has no category to read (0.17 dereferences null).
  if (!err || err.category() != error_category)
    return errc::none;
  return static_cast<errc>(err.code());
}

// -- vocabulary ---------------------------------------------------------------

const char* to_string(account_kind x) {
  return name_of(x, account_kind_names);
}

const char* to_string(transfer_kind x) {
  return name_of(x, transfer_kind_names);
}

const char* to_string(transfer_status x) {
  return name_of(x, status_names);
}

std::optional<account_kind> parse_account_kind(std::string_view text) {
  return parse_name<account_kind>(text, account_kind_names);
}

std::optional<transfer_kind> parse_transfer_kind(std::string_view text) {
  return parse_name<transfer_kind>(text, transfer_kind_names);
}

std::optional<transfer_status> parse_transfer_status(std::string_view text) {
  return parse_name<transfer_status>(text, status_names);
}

bool allows_negative(account_kind kind) {
  return kind != account_kind::wallet;
}

bool valid(const account_spec& spec) {
  bool needs_owner = spec.kind == account_kind::wallet
                     || spec.kind == account_kind::clearing;
  return needs_owner != spec.owner.empty()
         && spec.owner.size() <= owner_chars_max && printable(spec.owner);
}

bool same_intent(const transfer_request& a, const transfer_request& b) {
  return a.key == b.key && a.kind == b.kind && a.debit == b.debit
         && a.credit == b.credit && a.amount == b.amount && a.cur == b.cur
         && a.gateway == b.gateway && a.external_ref == b.external_ref;
}

// -- policy and decisions -----------------------------------------------------

int64_t policy::review_threshold(currency c) const {
  return major_to_minor(review_threshold_major, c);
}

int64_t policy::daily_limit(currency c) const {
  return major_to_minor(daily_limit_major, c);
}

errc validate(const transfer_request& req) {
  if (req.key.empty() || req.key.size() > key_chars_max || !printable(req.key))
    return errc::invalid_key;
  if (req.amount <= 0 || req.amount > amount_minor_max)
    return errc::invalid_amount;
  if (req.debit <= 0 || req.credit <= 0)
    return errc::invalid_account;
  if (req.debit == req.credit)
    return errc::same_account;
  if (req.gateway.empty() != req.external_ref.empty()
      || req.gateway.size() > owner_chars_max
      || req.external_ref.size() > reference_chars_max)
    return errc::invalid_reference;
  if (!req.metadata.empty()) {
    if (req.metadata.size() > metadata_bytes_max)
      return errc::invalid_metadata;
    auto json = nlohmann::json::parse(req.metadata, nullptr, false);
    if (!json.is_object())
      return errc::invalid_metadata;
  }
  return errc::none;
}

decision decide(const transfer_request& req, account_state& debit,
                account_state& credit, const policy& pol) {
  assert(validate(req) == errc::none);
  assert(debit.id == req.debit && credit.id == req.credit);
  decision out;
  if (debit.cur != req.cur || credit.cur != req.cur) {
    out.error = errc::currency_mismatch;
    return out;
  }
  if (!debit.allow_negative && debit.available() < req.amount) {
    out.error = errc::insufficient_funds;
    return out;
  }
  bool held = req.amount > pol.review_threshold(req.cur);
  if (!fits_transfer(debit, credit, req.amount, held)) {
    out.error = errc::balance_overflow;
    return out;
  }
  bool limited = debit.kind == account_kind::wallet;
  if (limited) {
    auto limit = debit.daily_limit.value_or(pol.daily_limit(req.cur));
    if (req.amount > limit - debit.day_debited) {
      out.error = errc::daily_limit_exceeded;
      return out;
    }
    debit.day_debited += req.amount;
    out.debit.day_debited = debit.day_debited;
  }
  out.debit.account = debit.id;
  out.credit.account = credit.id;
  if (held) {
    out.status = transfer_status::pending;
    out.debit.held = req.amount;
    debit.held += req.amount;
    return out;
  }
  out.status = transfer_status::posted;
  out.debit.balance = -req.amount;
  out.credit.balance = req.amount;
  debit.balance -= req.amount;
  credit.balance += req.amount;
  return out;
}

decision approve_held(const transfer_record& t, account_state& debit,
                      account_state& credit) {
  assert(t.status == transfer_status::pending);
  // The hold was taken when the transfer was created; a held amount that is
  // not there means the row was changed behind the ledger's back.
  assert(debit.held >= t.amount);
  decision out;
  if (!fits(credit.balance, t.amount) || !fits(debit.balance, -t.amount)) {
    out.error = errc::balance_overflow;
    out.status = transfer_status::pending;
    return out;
  }
  out.status = transfer_status::posted;
  out.debit = {debit.id, -t.amount, -t.amount, std::nullopt};
  out.credit = {credit.id, t.amount, 0, std::nullopt};
  debit.balance -= t.amount;
  debit.held -= t.amount;
  credit.balance += t.amount;
  return out;
}

decision reject_held(const transfer_record& t, account_state& debit,
                     bool same_day) {
  assert(t.status == transfer_status::pending);
  assert(debit.held >= t.amount);
  decision out;
  out.status = transfer_status::voided;
  out.debit = {debit.id, 0, -t.amount, std::nullopt};
  debit.held -= t.amount;
  // Today's usage gives the amount back; yesterday's has already reset.
  if (same_day && debit.kind == account_kind::wallet) {
    debit.day_debited = std::max<int64_t>(0, debit.day_debited - t.amount);
    out.debit.day_debited = debit.day_debited;
  }
  return out;
}

std::vector<int64_t> lock_order(const std::vector<transfer_request>& reqs) {
  std::vector<int64_t> ids;
  ids.reserve(reqs.size() * 2);
  for (auto& req : reqs) {
    ids.push_back(req.debit);
    ids.push_back(req.credit);
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

std::vector<std::string> lock_names(const std::vector<transfer_request>& reqs) {
  std::vector<std::string> names;
  names.reserve(reqs.size());
  for (auto& req : reqs) {
    // Prefixes keep a key from ever sharing a name with a reference.
    names.push_back("key:" + req.key);
    if (!req.gateway.empty())
      names.push_back("ref:" + req.gateway + ":" + req.external_ref);
  }
  return names;
}

} // namespace easymo::ledger
