// The ledger actor: typed transfer requests in, outcomes out, and group
// commit in between.
//
// PostgreSQL here takes about 8,500 one-row commits per second but far more
// rows per second in batches (ARCHITECTURE.md), and every commit waits for an
// fsync. So concurrent transfer requests are queued and posted together, one
// transaction per batch, through the db pool's detached workers: the actor
// itself never blocks. A batch goes out when it is full
// (batch_transfers_max), when its first request has waited batch_delay_max,
// or as soon as a running batch finishes and requests are waiting. At most
// batches_in_flight_max batches run at once; the queue is bounded too.
#pragma once

#include "actors/ledger/protocol.hpp"
#include "runtime/config.hpp"
#include "runtime/supervisor/protocol.hpp"

#include <caf/actor.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_response_promise.hpp>

#include <chrono>
#include <vector>

namespace easymo::ledger {

/// Defaults that match config/easymo.example.ini.
struct ledger_options {
  policy pol;
  /// Transfers per transaction: more amortises the commit, fewer bounds the
  /// time rows stay locked.
  size_t batch_transfers_max = 256;
  /// How long a lone request waits for companions before its batch goes out.
  caf::timespan batch_delay_max = std::chrono::milliseconds(2);
  /// Batches (transactions) running at once, each on one pool connection.
  size_t batches_in_flight_max = 2;
  /// Requests waiting for a batch before new ones are refused (overloaded).
  size_t queue_transfers_max = 10'000;
  /// Bound on one database job, batch or read.
  caf::timespan db_timeout = std::chrono::seconds(15);
};

/// The ledger settings of `s`.
ledger_options options_from(const settings& s);

struct queued_transfer {
  transfer_request req;
  caf::typed_response_promise<transfer_receipt> rp;
};

struct ledger_counters {
  uint64_t requests = 0;
  uint64_t posted = 0;
  uint64_t held = 0;
  uint64_t refused = 0;
  uint64_t replayed = 0;
  /// Requests answered with an operating error (database down, timeout...).
  uint64_t failed = 0;
  uint64_t batches = 0;
  uint64_t batched_transfers = 0;
  size_t largest_batch = 0;
};

struct ledger_state {
  ledger_options opts;
  /// A fixed pool (tests); when null the directory's db pool is looked up
  /// for every job, so a restarted pool is picked up.
  caf::actor pool;
  std::vector<queued_transfer> queue;
  size_t in_flight = 0;
  bool timer_armed = false;
  ledger_counters counters;

  static inline const char* name = "ledger";
};

using ledger_pointer = ledger_actor::stateful_pointer<ledger_state>;

/// The ledger; `pool` may be null (see ledger_state::pool).
ledger_actor::behavior_type ledger(ledger_pointer self, caf::actor pool,
                                   ledger_options opts);

/// A permanent child that starts the ledger and registers it as
/// directory::ledger.
supervision::child_spec ledger_child(ledger_options opts);

} // namespace easymo::ledger
