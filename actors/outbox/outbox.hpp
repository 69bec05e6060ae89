// The outbox dispatcher (contract in protocol.hpp).
//
// Rows flow through three stages, each bounded:
//   ready    claimed rows waiting for a send slot: committed rows, which
//            arrive claimed (queue_rows_max; more go back to pending for
//            the sweep), and swept ones (the sweep waits while it holds a
//            batch)
//   sending  HTTP calls through breaker:<gateway> (sends_in_flight_max)
//   results  outcomes waiting for their group commit (flushed at
//            batch_rows_max or after flush_delay_max; the sweep waits
//            while four batches wait, so a slow database slows sending
//            down instead of growing memory)
// A periodic sweep (re-armed delayed_send) claims due pending rows and rows
// left in 'sending' by a dead dispatcher, and refreshes the depth gauges.
//
// Every row this dispatcher has claimed and not yet written back is in
// `owned`, which the sweep excludes, so the dispatcher never races itself.
#pragma once

#include "actors/breaker/protocol.hpp"
#include "actors/outbox/policy.hpp"
#include "actors/outbox/protocol.hpp"
#include "actors/outbox/repository.hpp"
#include "protocols/whatsapp/graph.hpp"
#include "runtime/config.hpp"
#include "runtime/supervisor/protocol.hpp"

#include <caf/actor.hpp>
#include <caf/stateful_actor.hpp>

#include <chrono>
#include <deque>
#include <functional>
#include <random>
#include <unordered_set>
#include <vector>

namespace easymo::outbox {

/// Defaults that match config/easymo.example.ini.
struct outbox_options {
  whatsapp::graph_endpoint endpoint;
  /// The Graph API bearer token (secret: never logged).
  std::string token;
  /// The breaker to send through.
  std::string gateway = "whatsapp";
  /// Deadline of one HTTP call.
  std::chrono::milliseconds request_timeout{10'000};
  size_t sends_in_flight_max = 64;
  /// Rows per sweep and per result flush.
  size_t batch_rows_max = 256;
  /// How long a lone result waits for companions before its flush.
  caf::timespan flush_delay_max = std::chrono::milliseconds(2);
  /// Result flushes (transactions) running at once.
  size_t flushes_in_flight_max = 2;
  /// Committed rows waiting to be sent before new ones go back to pending.
  size_t queue_rows_max = 20'000;
  caf::timespan sweep_interval = std::chrono::seconds(1);
  /// After this long in 'sending', a row is presumed orphaned by a crash.
  caf::timespan sending_stale_after = std::chrono::minutes(2);
  /// Pause before a failed result flush is tried again.
  caf::timespan flush_retry_delay = std::chrono::seconds(1);
  retry_options retry;
  /// Bound on one database job.
  caf::timespan db_timeout = std::chrono::seconds(15);
  /// Wall clock for the 24-hour window; tests move it.
  std::function<caf::timestamp()> now = [] { return caf::make_timestamp(); };
  /// Seeds the backoff jitter; 0 seeds from std::random_device.
  uint64_t jitter_seed = 0;
};

/// The outbox settings of `s` (endpoint and token included; in sandbox mode
/// the endpoint is the local sink on the admin listener).
outbox_options options_from(const settings& s);

struct outbox_counters {
  uint64_t committed = 0;
  uint64_t dropped = 0;
  uint64_t swept = 0;
  uint64_t resent = 0;
  uint64_t attempts = 0;
  uint64_t sent = 0;
  uint64_t retried = 0;
  uint64_t dead = 0;
  uint64_t statuses = 0;
  uint64_t statuses_applied = 0;
  uint64_t flushes = 0;
  uint64_t flush_failures = 0;
  int64_t pending_depth = -1;
  int64_t dlq_depth = -1;
};

struct outbox_state {
  outbox_options opts;
  /// Fixed collaborators (tests); when null they are looked up in the
  /// directory for every use, so restarted ones are picked up.
  caf::actor pool;
  caf::actor breaker;
  std::deque<repo::claimed_row> ready;
  std::unordered_set<int64_t> owned;
  size_t sends_in_flight = 0;
  bool sweeping = false;
  std::vector<repo::row_result> results;
  std::vector<status_report> reports;
  size_t flushes_in_flight = 0;
  bool flush_timer_armed = false;
  /// An exit was requested: finish the calls in flight, write everything
  /// back, then quit.
  bool stopping = false;
  caf::error stop_reason;
  std::mt19937_64 rng;
  outbox_counters counters;

  static inline const char* name = "outbox";
};

using outbox_pointer = outbox_actor::stateful_pointer<outbox_state>;

/// The dispatcher; `pool` and `breaker` may be null (see outbox_state).
outbox_actor::behavior_type outbox(outbox_pointer self, caf::actor pool,
                                   caf::actor breaker, outbox_options opts);

/// A permanent child that starts the dispatcher as directory::outbox.
supervision::child_spec outbox_child(outbox_options opts);

} // namespace easymo::outbox
