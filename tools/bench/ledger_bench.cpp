// The ledger half of tools/bench/ledger: migrates a fresh database, funds a
// world of wallets, runs 8 load clients through the ledger actor (real db
// pool, group commit) for a fixed time, checks the ledger's invariants and
// the clients' answers, and prints one line:
//   transfers_per_s=<transfers written per second>
// Details go to stderr. Exits 1 when any check fails.
//
//   ledger_bench --url <libpq conninfo> [--seconds 20] [--clients 8]
//                [--window 32] [--seed 1] [--wallets 256]
#include "actors/ledger/ledger.hpp"
#include "persistence/db/pool.hpp"
#include "persistence/ledger/invariants.hpp"
#include "persistence/migrations.hpp"
#include "tests/support/ledger.hpp"
#include "tests/support/ledger_load.hpp"

#include <caf/all.hpp>
#include <pqxx/pqxx>

#include <cstdio>
#include <iostream>
#include <limits>
#include <map>
#include <string>
#include <thread>

using namespace easymo;
using namespace std::chrono_literals;

namespace {

struct bench_args {
  std::string url;
  int seconds = 20;
  size_t clients = 8;
  size_t window = 32;
  uint64_t seed = 1;
  size_t wallets = 256;
};

bool parse_args(int argc, char** argv, bench_args& out) {
  std::map<std::string, std::string> kv;
  for (int i = 1; i + 1 < argc; i += 2)
    kv[argv[i]] = argv[i + 1];
  if (argc % 2 == 0 || kv.count("--url") == 0)
    return false;
  out.url = kv["--url"];
  if (kv.count("--seconds"))
    out.seconds = std::stoi(kv["--seconds"]);
  if (kv.count("--clients"))
    out.clients = std::stoul(kv["--clients"]);
  if (kv.count("--window"))
    out.window = std::stoul(kv["--window"]);
  if (kv.count("--seed"))
    out.seed = std::stoull(kv["--seed"]);
  if (kv.count("--wallets"))
    out.wallets = std::stoul(kv["--wallets"]);
  return out.seconds > 0 && out.clients > 0 && out.window > 0;
}

// Gives every wallet money first, so that the timed run moves money instead
// of mostly refusing overdrafts. Returns the answers, which the checks
// afterwards expect like any other.
test::load_report fund(pqxx::connection& c, const test::ledger_world& w) {
  pqxx::work tx{c};
  std::vector<ledger::transfer_request> reqs;
  for (auto id : w.rwf_wallets)
    reqs.push_back(test::request("seed-" + std::to_string(id), w.momo, id,
                                 90'000, ledger::currency::RWF,
                                 ledger::transfer_kind::topup));
  for (auto id : w.eur_wallets)
    reqs.push_back(test::request("seed-" + std::to_string(id), w.revolut, id,
                                 9'000'000, ledger::currency::EUR,
                                 ledger::transfer_kind::topup));
  test::load_report answers;
  for (auto& out : ledger::repo::post_batch(tx, reqs, {})) {
    if (!out.ok())
      throw std::runtime_error("funding failed: " + out.key);
    answers.seen[out.key].push_back({true, out.transfer_id, out.status, {}, false});
  }
  tx.commit();
  return answers;
}

int report_problems(const char* what, const std::vector<std::string>& lines) {
  for (size_t i = 0; i < lines.size() && i < 10; ++i)
    std::cerr << what << ": " << lines[i] << "\n";
  return lines.empty() ? 0 : 1;
}

int run(const bench_args& args) {
  pqxx::connection conn{args.url};
  std::vector<migrations::migration> all;
  migrations::outcome migrated;
  if (auto err = migrations::load(EASYMO_SOURCE_DIR "/persistence/migrations", all))
    throw std::runtime_error(*err);
  if (auto err = migrations::apply(conn, all, migrated))
    throw std::runtime_error(*err);
  auto world = test::make_world(conn, args.wallets);
  auto funding = fund(conn, world);
  auto before = test::scalar(conn, "SELECT count(*) FROM ledger_transfers");

  caf::actor_system_config cfg;
  cfg.set("scheduler.max-threads", 2);
  cfg.set("scheduler.policy", caf::atom("sharing"));
  caf::actor_system sys{cfg};
  db::pool_options popts;
  popts.url = args.url;
  popts.size = 4;
  auto pool = sys.spawn(db::pool, popts);
  auto ledger = sys.spawn(ledger::ledger, pool, ledger::ledger_options{});
  test::load_options opts;
  opts.seed = args.seed;
  opts.clients = args.clients;
  opts.window = args.window;
  opts.transfers = std::numeric_limits<size_t>::max();
  // Let the pool connect before the clock starts.
  std::this_thread::sleep_for(500ms);
  auto started = std::chrono::steady_clock::now();
  opts.deadline = started + std::chrono::seconds(args.seconds);
  auto report = test::run_load(sys, ledger, world, opts);
  report.merge(std::move(funding));
  std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
  caf::anon_send_exit(ledger, caf::exit_reason::kill);
  caf::anon_send_exit(pool, caf::exit_reason::kill);

  auto written = test::scalar(conn, "SELECT count(*) FROM ledger_transfers") - before;
  std::cerr << "ledger: " << report.sent << " requests, " << report.answered
            << " answered, " << written << " transfers written, "
            << report.retried << " retried, in " << took.count() << " s\n";
  int failed = report.given_up == 0 ? 0 : 1;
  if (failed != 0)
    std::cerr << "ledger: " << report.given_up << " requests never succeeded\n";
  failed |= report_problems("answers", test::inconsistent_answers(report));
  failed |= report_problems("database", test::answers_vs_database(report, conn));
  failed |= report_problems("invariant", test::invariant_violations(conn));
  if (failed != 0)
    return 1;
  std::printf("transfers_per_s=%.0f\n", static_cast<double>(written) / took.count());
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  bench_args args;
  if (!parse_args(argc, argv, args)) {
    std::cerr << "usage: ledger_bench --url CONNINFO [--seconds N] [--clients N]"
                 " [--window N] [--seed N] [--wallets N]\n";
    return 64;
  }
  try {
    return run(args);
  } catch (const std::exception& e) {
    std::cerr << "ledger_bench: " << e.what() << "\n";
    return 1;
  }
}
