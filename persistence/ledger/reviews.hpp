// Transfers held for review, as the admin API lists them. Read-only; the
// decisions themselves go through the ledger actor (approve_atom /
// reject_atom), which owns every write.
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>

namespace pqxx {
class transaction_base;
} // namespace pqxx

namespace easymo::ledger::repo {

/// Bound of open_reviews(): a page an operator reads.
constexpr size_t reviews_page_max = 200;

/// The open reviews, oldest first, at most `limit` (capped at
/// reviews_page_max), as a JSON array of {transfer_id, key, kind, amount,
/// currency, display, debit_account, credit_account, debit_owner,
/// credit_owner, gateway, external_ref, reason, created_at}.
nlohmann::json open_reviews(pqxx::transaction_base& tx, size_t limit);

} // namespace easymo::ledger::repo
