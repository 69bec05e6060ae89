// A seeded load of random transfers against the ledger actor, for the
// property test and tools/bench/ledger.
//
// Each client is an actor that keeps `window` requests in flight (like many
// WhatsApp sessions at once, each waiting for its own answer) and draws its
// operations from its own seeded generator: p2p transfers, top-ups and
// withdrawals, many of which overdraw or exceed the review threshold, fees,
// currency mismatches, retries of an earlier key, a key sent twice at once,
// and keys shared by all clients so that races cross batches and
// transactions. It records every answer per key for the checks afterwards.
#pragma once

#include "actors/ledger/protocol.hpp"

#include <caf/actor_system.hpp>

#include <pqxx/pqxx>

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace easymo::test {

/// The accounts a load runs over.
struct ledger_world {
  std::vector<int64_t> rwf_wallets;
  std::vector<int64_t> eur_wallets;
  int64_t momo = 0;    // clearing, RWF
  int64_t revolut = 0; // clearing, EUR
  int64_t fees = 0;    // fees, RWF
};

/// Creates the accounts: `wallets` RWF wallets and a quarter as many in EUR.
ledger_world make_world(pqxx::connection_base& c, size_t wallets);

/// One answer the ledger gave for a key.
struct observation {
  bool ok = false;
  int64_t transfer_id = 0;
  ledger::transfer_status status = ledger::transfer_status::posted;
  ledger::errc error = ledger::errc::none;
  bool replayed = false;
};

struct load_report {
  /// Every answer that is a result (a transfer or a refusal), per key.
  std::map<std::string, std::vector<observation>> seen;
  /// The request each key stands for.
  std::map<std::string, ledger::transfer_request> requests;
  uint64_t sent = 0;
  /// Operating errors (unavailable, overloaded...); the request was re-sent.
  uint64_t retried = 0;
  /// Requests still failing after every retry; their outcome is unknown.
  uint64_t given_up = 0;
  /// Answers that were results.
  uint64_t answered = 0;

  void merge(load_report&& other);
};

struct load_options {
  uint64_t seed = 1;
  /// Requests in total over all clients (retries of operating errors are
  /// extra); the run also ends at `deadline`.
  size_t transfers = 1000;
  std::chrono::steady_clock::time_point deadline
    = std::chrono::steady_clock::time_point::max();
  size_t clients = 8;
  /// Requests each client keeps in flight.
  size_t window = 32;
};

/// Runs the clients to completion (blocking the calling thread, which must
/// not be an actor) and returns their merged reports.
load_report run_load(caf::actor_system& sys, const ledger::ledger_actor& ledger,
                     const ledger_world& world, const load_options& opts);

/// Problems in `report` on its own: a key answered differently twice, or a
/// key that two answers claim to have posted fresh.
std::vector<std::string> inconsistent_answers(const load_report& report);

/// Problems between `report` and the database: a key whose answers differ
/// from what is stored, or a stored transfer no client was told about.
std::vector<std::string> answers_vs_database(const load_report& report,
                                             pqxx::connection_base& c);

} // namespace easymo::test
