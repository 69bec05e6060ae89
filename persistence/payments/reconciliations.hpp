// Reconciliation's reads and writes (0023_payment_reconciliations.sql), over
// a transaction the caller owns; run inside db pool jobs.
#pragma once

#include "persistence/ledger/money.hpp"
#include "persistence/payments/intents.hpp"

#include <caf/meta/type_name.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace pqxx {
class transaction_base;
} // namespace pqxx

namespace easymo::payments {

/// A reference to ask the gateway about, and which way the money went (MoMo
/// keeps collections and disbursements apart).
struct recon_ref {
  std::string reference;
  direction dir = direction::collection;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, recon_ref& x) {
  return f(caf::meta::type_name("recon_ref"), x.reference, x.dir);
}

/// A ledger transfer of a gateway as reconciliation sees it.
struct ledger_entry {
  /// The transfer's external_ref: what the gateway calls the payment.
  std::string reference;
  std::string key;
  std::string kind;
  int64_t amount = 0;
  ledger::currency cur = ledger::currency::RWF;
  /// posted, pending, voided, or refunded (a withdrawal given back).
  std::string status;
};

/// One stored reconciliation, as the admin API lists it.
struct recon_row {
  std::string day;
  std::string gateway;
  std::string status;
  int32_t attempts = 0;
};

namespace repo {

/// What to ask a per-reference gateway (MoMo, PayDunya) about for `day`:
/// the gateway references of the day's intents, and those of the day's
/// ledger transfers of that gateway.
std::vector<recon_ref> refs_of_day(pqxx::transaction_base& tx,
                                   const std::string& gateway,
                                   const std::string& day);

/// The ledger side of (`gateway`, `day`): its transfers created that day
/// (Africa/Kigali), and any transfer whose external_ref is in `refs` (the
/// gateway's records may be dated on another day than our transfer).
std::vector<ledger_entry> ledger_side(pqxx::transaction_base& tx,
                                      const std::string& gateway,
                                      const std::string& day,
                                      const std::vector<std::string>& refs);

struct complete_result {
  size_t gateway_records = 0;
  size_t ledger_records = 0;
  size_t matched = 0;
  size_t confirmed = 0;
  /// A JSON array, one object per mismatch.
  nlohmann::json mismatches = nlohmann::json::array();
  std::chrono::system_clock::time_point started;
};

/// Stores (or replaces) a complete run. Returns whether a Slack alert is
/// owed: there are mismatches and no alert went out for the same ones.
bool store_complete(pqxx::transaction_base& tx, const std::string& day,
                    const std::string& gateway, const complete_result& r);

/// Stores (or replaces) an incomplete run: no mismatch count, the error,
/// one more attempt, and the next one after `retry` unless `attempts_max`
/// is reached (then it waits for an operator).
void store_incomplete(pqxx::transaction_base& tx, const std::string& day,
                      const std::string& gateway, const std::string& error,
                      std::chrono::seconds retry, size_t attempts_max,
                      std::chrono::system_clock::time_point started);

/// Incomplete days due for another attempt, oldest first.
std::vector<recon_row> due_retries(pqxx::transaction_base& tx, size_t limit);

/// Complete days with mismatches whose alert has not gone out.
std::vector<recon_row> owed_alerts(pqxx::transaction_base& tx, size_t limit);

void mark_alerted(pqxx::transaction_base& tx, const std::string& day,
                  const std::string& gateway);

/// The stored runs of [from, to], newest day first, as JSON objects.
nlohmann::json list(pqxx::transaction_base& tx, const std::string& from,
                    const std::string& to);

/// One stored run, as list() shows it; null when there is none.
nlohmann::json find(pqxx::transaction_base& tx, const std::string& day,
                    const std::string& gateway);

} // namespace repo

} // namespace easymo::payments
