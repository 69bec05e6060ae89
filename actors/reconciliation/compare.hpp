// Reconciliation's rules as pure code: a gateway's records of a day against
// the ledger's transfers of that gateway, matched by reference, amount and
// currency. Tested without a database (tests/unit/reconciliation_compare).
//
//   missing_in_ledger   the gateway completed a payment the ledger has no
//                       transfer for (money taken, never credited)
//   missing_in_gateway  the ledger moved or holds money the gateway has no
//                       record of
//   amount_mismatch     both know the reference, not the same amount or
//                       currency
//   status_mismatch     both know it, but the ledger moved money the gateway
//                       did not complete (or gave back money it did)
// A gateway record that is pending or failed with no transfer, and a voided
// or refunded transfer the gateway never saw, agree: nothing moved.
#pragma once

#include "persistence/payments/reconciliations.hpp"
#include "protocols/gateway/common.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace easymo::reconciliation {

enum class mismatch_kind {
  missing_in_gateway,
  missing_in_ledger,
  amount_mismatch,
  status_mismatch,
};

const char* to_string(mismatch_kind k);

struct mismatch {
  mismatch_kind kind = mismatch_kind::missing_in_gateway;
  std::string reference;
  std::optional<gateway::record> at_gateway;
  std::optional<payments::ledger_entry> in_ledger;
};

struct comparison {
  size_t matched = 0;
  /// Sorted by reference, then kind: a re-run yields the same list.
  std::vector<mismatch> mismatches;
};

comparison compare(const std::vector<gateway::record>& gateway_side,
                   const std::vector<payments::ledger_entry>& ledger_side);

nlohmann::json to_json(const mismatch& m);

nlohmann::json to_json(const std::vector<mismatch>& ms);

/// The Slack text of a day's mismatches: a headline, then one line per
/// mismatch (the first `lines_max`), then where to see the rest.
std::string alert_text(const std::string& day, const std::string& gateway,
                       const nlohmann::json& mismatches, size_t lines_max = 20);

} // namespace easymo::reconciliation
