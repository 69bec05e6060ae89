// The reconciliation actor (see protocol.hpp). Its clock is injected, so
// tests freeze the wall time, move it to 06:00 Kigali and watch the run
// start, on CAF's deterministic test coordinator.
#pragma once

#include "actors/payments/settle.hpp"
#include "actors/reconciliation/protocol.hpp"
#include "runtime/clock.hpp"
#include "runtime/config.hpp"
#include "runtime/supervisor/protocol.hpp"

#include <caf/stateful_actor.hpp>
#include <caf/typed_response_promise.hpp>

#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace easymo::reconciliation {

struct options {
  /// The gateways reconciled, in order.
  std::vector<std::string> gateways;
  int at_hour = 6;
  int at_minute = 0;
  std::string time_zone = "Africa/Kigali";
  std::chrono::seconds retry_interval = std::chrono::minutes(30);
  size_t attempts_max = 48;
  /// How long one gateway may take to produce a day.
  caf::timespan gateway_timeout = std::chrono::minutes(5);
  /// Empty: alerts are logged only.
  std::string slack_url;
  std::chrono::milliseconds slack_timeout = std::chrono::seconds(10);
  wall_clock clock = system_wall_clock();
  /// pool and ledger as for payments; `gateway` is the Slack caller.
  payments::services svc;
  /// Fixed gateway actors by gateway name (tests); else the directory's.
  std::map<std::string, caf::actor> gateway_actors;
};

/// The reconciliation settings of `s`: every enabled gateway that can be
/// read (momo_ussd only with a momo-report-url).
options options_from(const settings& s);

/// One (day, gateway) to reconcile, and who waits for its stored row.
struct job {
  std::string day;
  std::string gateway;
  std::vector<std::function<void(const nlohmann::json&)>> waiters;
};

struct counters {
  uint64_t scheduled = 0;
  uint64_t runs = 0;
  uint64_t complete = 0;
  uint64_t incomplete = 0;
  uint64_t alerts = 0;
  uint64_t alert_failures = 0;
};

struct state {
  options opts;
  std::deque<job> queue;
  /// The job being run, if any: one at a time, so a month's backfill does
  /// not load every gateway at once.
  std::optional<job> current;
  /// When the next daily run is due.
  wall_time next_run;
  counters count;

  static inline const char* name = "reconciliation";
};

using actor = caf::stateful_actor<state>;

caf::behavior reconciler(actor* self, options opts);

supervision::child_spec reconciliation_child(options opts);

// -- internal to the actor's files ---------------------------------------------

/// Queues (day, gateway); `waiter` (if any) gets the stored row.
void enqueue(actor* self, const std::string& day, const std::string& gateway,
             std::function<void(const nlohmann::json&)> waiter = {});

/// Runs one job to its stored row, then `done` with that row.
void run_job(actor* self, const job& j,
             std::function<void(const nlohmann::json&)> done);

/// Posts owed alerts (also after a failed post, on the retry loop).
void send_owed_alerts(actor* self);

} // namespace easymo::reconciliation
