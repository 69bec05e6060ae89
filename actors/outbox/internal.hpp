// Internal to actors/outbox: the pieces of the dispatcher that its .cpp
// files share. dispatch.cpp moves rows (send, decide), flush.cpp
// writes results back and sweeps, admin.cpp answers the admin routes.
#pragma once

#include "actors/outbox/outbox.hpp"
#include "runtime/metrics.hpp"

namespace easymo::outbox::detail {

struct outbox_metrics {
  metrics::counter& sent;
  metrics::counter_family& attempts;
  metrics::histogram& latency;
  metrics::gauge& depth;
  metrics::gauge& dlq_depth;
  metrics::counter& resent;
  metrics::counter_family& dead;
  metrics::counter_family& reports;
  metrics::counter& dropped;

  /// easymo_outbound_attempts_total{outcome}, looked up once.
  metrics::counter& attempt(outcome o);

  static outbox_metrics& get();
};

/// The db pool and the breaker to use now (null when none runs).
caf::actor pool_of(outbox_pointer self);
caf::actor breaker_of(outbox_pointer self);

/// Results waiting for a flush beyond this stop the sweep.
bool backlogged(const outbox_state& st);

/// Starts sends while slots are free, releases everything when stopping,
/// quits when done.
void pump(outbox_pointer self);

/// Queues an outcome for the next flush.
void add_result(outbox_pointer self, repo::row_result r);

/// Queues a status report for the next flush.
void add_report(outbox_pointer self, status_report r);

/// Starts flushes while buffered outcomes wait and slots are free.
void flush(outbox_pointer self);

/// The flush timer fired.
void on_flush_due(outbox_pointer self);

/// Claims due and stale rows; `rearm` keeps the periodic timer going
/// (false for an extra sweep, e.g. after a DLQ replay).
void sweep(outbox_pointer self, bool rearm);

/// Starts the orderly stop: claimed rows go back to pending, results are
/// flushed, calls in flight finish.
void begin_stop(outbox_pointer self, caf::error reason);

/// Quits once stopping and nothing is left in flight or unwritten.
void maybe_quit(outbox_pointer self);

void answer_counts(outbox_pointer self, http::responder res);
void answer_dlq(outbox_pointer self, const http::request& req,
                http::responder res);
void answer_replay(outbox_pointer self, const http::request& req,
                   http::responder res);

} // namespace easymo::outbox::detail
