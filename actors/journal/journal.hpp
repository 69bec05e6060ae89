// The journal actor: group commit of webhook events (see protocol.hpp).
//
// Requests queue up; a batch leaves the queue when it holds
// `batch_rows_max` rows or its oldest request has waited `batch_delay_max`,
// and at most `batches_inflight_max` batches are out at once (limiter, then
// the db pool). While batches are out the queue keeps filling, so under load
// each commit carries many requests and the fsync cost is shared.
#pragma once

#include "actors/journal/protocol.hpp"
#include "actors/journal/store.hpp"
#include "actors/ratelimit/protocol.hpp"
#include "persistence/db/protocol.hpp"
#include "runtime/config.hpp"
#include "runtime/metrics.hpp"
#include "runtime/supervisor/protocol.hpp"

#include <caf/actor_clock.hpp>
#include <caf/response_promise.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/timespan.hpp>

#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>

namespace easymo::journal {

struct journal_options {
  /// Rows (events plus one audit row per request) per transaction. A batch
  /// holds whole requests, so one request larger than this is a batch alone.
  size_t batch_rows_max = 256;
  /// How long the oldest queued request may wait for company.
  caf::timespan batch_delay_max = std::chrono::milliseconds(1);
  /// Batches between leaving the queue and their COMMIT.
  size_t batches_inflight_max = 2;
  /// Requests waiting for a batch; beyond it appends are refused
  /// (overloaded, so the ingress answers 503) and audit-only rows dropped.
  size_t queue_requests_max = 10'000;
  /// Upper bound on one commit, queueing in the pool included.
  caf::timespan commit_timeout = std::chrono::seconds(15);
  /// Upper bound on the limiter's answer; past it the batch goes unlimited.
  caf::timespan limiter_timeout = std::chrono::milliseconds(500);
  /// Limits for inbound user messages (records with rate_limited set).
  ratelimit::policy limits;
  /// Turns a batch into the pool job that commits it; empty means
  /// store::commit. Tests replace it to see each batch a fake pool gets.
  std::function<db::job(std::shared_ptr<const store::commit_input>)> commit_job;
};

/// Who waits for an append: an actor (a response promise), an io thread (a
/// completion), or nobody (audit-only appends).
struct waiter {
  caf::response_promise rp;
  completion done;

  void answer(caf::expected<append_result> result);
};

struct pending_request {
  append_request req;
  waiter who;
  caf::actor_clock::time_point since;
};

/// A batch between the queue and its COMMIT.
struct batch {
  std::shared_ptr<store::commit_input> input;
  std::vector<waiter> waiters;
};

struct journal_state {
  journal_options opts;
  std::deque<pending_request> queue;
  size_t queued_rows = 0;
  size_t inflight = 0;
  bool timer_armed = false;
  // -- counters for (get_atom, info_atom) and tests --------------------------
  uint64_t batches = 0;
  uint64_t inserted = 0;
  uint64_t duplicates = 0;
  uint64_t throttled = 0;
  uint64_t failed_batches = 0;
  uint64_t refused = 0;
  uint64_t audits_dropped = 0;
  size_t largest_batch_rows = 0;
  /// easymo_inbound_events_total children by kind, looked up once.
  std::unordered_map<std::string, metrics::counter*> kind_counters;

  static inline const char* name = "journal";
};

using journal_actor = caf::stateful_actor<journal_state>;

/// The options the settings ask for (journal-* and ratelimit-* keys).
journal_options options_from(const settings& s);

/// The journal's child spec: it registers as directory::journal.
supervision::child_spec journal_child(journal_options opts);

/// Finds the pool (directory::db_pool), the limiter (directory::limiter, if
/// any) and the dispatcher (directory::dispatcher, if any) per batch, so
/// restarted services are picked up.
caf::behavior group_commit(journal_actor* self, journal_options opts);

} // namespace easymo::journal
