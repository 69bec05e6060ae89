// The reconciliation actor's contract.
//
// Every day at reconciliation-at (06:00 Africa/Kigali by default) it
// reconciles the previous day with each enabled gateway, one (day, gateway)
// at a time: the gateway's records through its actor and breaker, the
// ledger's transfers through the db pool, compare.hpp's rules in between,
// and the outcome stored in payment_reconciliations (one row per day and
// gateway: a re-run replaces it). Mismatches are posted to Slack through
// breaker:slack. A gateway that cannot be read leaves the day incomplete,
// retried every reconciliation-retry-interval.
//
// Messages it takes:
//   (run_atom, std::string from, std::string to)  -> std::string: JSON array
//        of the stored rows of every (day, gateway) in [from, to], once run
//   (list_atom, request_ptr, responder)   GET /admin/reconciliations?from=&to=
//   (run_atom, request_ptr, responder)    POST /admin/reconciliations/run
//                                         {"date": "2026-11-20", "to": ...}
//   (get_atom, info_atom)                 -> std::string
//   tick_atom, retry_atom                 its own timers
#pragma once

#include "runtime/http_messages.hpp"
#include "runtime/introspect.hpp"

#include <caf/atom.hpp>

namespace easymo::reconciliation {

using run_atom = caf::atom_constant<caf::atom("run")>;
using list_atom = caf::atom_constant<caf::atom("list")>;
using tick_atom = caf::atom_constant<caf::atom("tick")>;
using retry_atom = caf::atom_constant<caf::atom("retry")>;

/// The most days one request may run: a month. Longer backfills go day by
/// day (easymoctl reconcile does), so one HTTP request never waits for hours.
constexpr size_t days_per_request_max = 31;

} // namespace easymo::reconciliation
