// Reading a day from gateways that cannot list it (MoMo, PayDunya): one
// status call per reference, a bounded number at a time, all or nothing.
// A day with one unanswered call is reported as an error, never as a day
// with fewer payments, because reconciliation must not mistake "could not
// look" for "nothing there".
#pragma once

#include "actors/payments/protocol.hpp"

#include <caf/event_based_actor.hpp>

#include <functional>
#include <optional>
#include <vector>

namespace easymo::payments {

/// Status calls in flight at once while reading a day.
constexpr size_t fetch_in_flight_max = 8;

/// The outcome of one status call: a record, nothing (the gateway does not
/// know the reference), or an error.
using one_fn = std::function<void(caf::expected<std::optional<gateway::record>>)>;

/// Starts the status call of one reference.
using fetch_fn = std::function<void(const recon_ref&, one_fn)>;

/// Fetches every reference with `fetch`, at most fetch_in_flight_max at
/// once, and continues with all records found, or with the first error.
void fetch_all(caf::event_based_actor* self, std::vector<recon_ref> refs,
               fetch_fn fetch,
               std::function<void(caf::expected<gateway_day>)> done);

} // namespace easymo::payments
