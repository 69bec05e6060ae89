// The delivery half of the end-to-end path, measured alone: rows committed
// the way sessions commit them (batches, then a committed notification)
// leave through the dispatcher, breaker:whatsapp and the http::client for
// the Graph API simulator (in this process, on an io thread of its own),
// at an offered rate, and the results are written back. The rows are
// inserted before the clock starts; only their announcements are timed.
//
//   outbox_bench --url <libpq conninfo> [--rate 10000] [--seconds 10]
//                [--batch 64] [--in-flight 64]
//
// Prints one line:
//   outbox_msgs_per_s=<accepted by the simulator per second>
//   p50_ms=<commit to arrival> p99_ms=<...>
//   cpu_us_per_msg=<this process's CPU time per message, simulator included>
// after checking that every row was sent exactly once and is marked 'sent'
// (exit 1 otherwise). Details go to stderr.
#include "actors/breaker/breaker.hpp"
#include "actors/outbox/outbox.hpp"
#include "persistence/db/pool.hpp"
#include "persistence/migrations.hpp"
#include "protocols/http/client.hpp"
#include "protocols/http/io_pool.hpp"
#include "protocols/whatsapp/graph.hpp"
#include "runtime/log.hpp"
#include "tests/support/graph_sim.hpp"
#include "tests/support/pg.hpp"

#include <caf/all.hpp>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include <algorithm>
#include <iostream>
#include <map>
#include <thread>

#include <sys/resource.h>

using namespace easymo;
using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

namespace {

struct bench_args {
  std::string url;
  double rate = 10'000;
  int seconds = 10;
  size_t batch = 64;
  size_t in_flight = 64;
};

bool parse_args(int argc, char** argv, bench_args& out) {
  std::map<std::string, std::string> kv;
  for (int i = 1; i + 1 < argc; i += 2)
    kv[argv[i]] = argv[i + 1];
  if (argc % 2 == 0 || kv.count("--url") == 0)
    return false;
  out.url = kv["--url"];
  if (kv.count("--rate"))
    out.rate = std::stod(kv["--rate"]);
  if (kv.count("--seconds"))
    out.seconds = std::stoi(kv["--seconds"]);
  if (kv.count("--batch"))
    out.batch = std::stoul(kv["--batch"]);
  if (kv.count("--in-flight"))
    out.in_flight = std::stoul(kv["--in-flight"]);
  return out.rate > 0 && out.seconds > 0 && out.batch > 0 && out.in_flight > 0;
}

std::string message_for(const std::string& to, size_t i) {
  return nlohmann::json{{"messaging_product", "whatsapp"},
                        {"to", to},
                        {"type", "text"},
                        {"text", {{"body", "Murakoze! Ubutumwa " + std::to_string(i)}}}}
    .dump();
}

// Inserts `n` rows in one transaction, as a session commit would.
std::vector<outbox::outbox_row> commit_batch(pqxx::connection& c, size_t first,
                                             size_t n) {
  auto rows = nlohmann::json::array();
  std::vector<outbox::outbox_row> out(n);
  for (size_t i = 0; i < n; ++i) {
    out[i].wa_id = "2507880" + std::to_string(10000 + (first + i) % 50000);
    out[i].message = message_for(out[i].wa_id, first + i);
    rows.push_back({{"wa_id", out[i].wa_id}, {"message", out[i].message}});
  }
  pqxx::work tx{c};
  auto res = tx.exec_params(
    "INSERT INTO outbox (wa_id, message, window_expires_at, status, attempts)"
    " SELECT wa_id, message::jsonb, now() + interval '1 day', 'sending', 1"
    " FROM jsonb_to_recordset($1::jsonb) AS x (wa_id text, message text)"
    " RETURNING id, (extract(epoch FROM window_expires_at) * 1000)::bigint",
    rows.dump());
  tx.commit();
  for (size_t i = 0; i < n; ++i) {
    out[i].id = res[static_cast<int>(i)][0].as<int64_t>();
    out[i].window_expires_at
      = caf::timestamp{std::chrono::milliseconds{res[static_cast<int>(i)][1].as<int64_t>()}};
  }
  return out;
}

// Inserts every row first, untimed: the sessions' commits are their cost,
// not the dispatcher's.
std::vector<outbox::outbox_row> prepare(const bench_args& a) {
  pqxx::connection c{a.url};
  auto total = static_cast<size_t>(a.rate * a.seconds);
  std::vector<outbox::outbox_row> rows;
  rows.reserve(total);
  for (size_t done = 0; done < total;) {
    auto n = std::min<size_t>(1000, total - done);
    auto batch = commit_batch(c, done, n);
    rows.insert(rows.end(), batch.begin(), batch.end());
    done += n;
  }
  return rows;
}

// Announces the rows at `rate` per second in batches, as committers would
// right after their COMMITs; returns when each row was announced.
std::map<int64_t, steady::time_point>
offer(const bench_args& a, caf::actor outbox,
      const std::vector<outbox::outbox_row>& rows) {
  std::map<int64_t, steady::time_point> committed_at;
  auto start = steady::now();
  for (size_t sent = 0; sent < rows.size();) {
    auto due = start + std::chrono::duration_cast<steady::duration>(
                         std::chrono::duration<double>(sent / a.rate));
    std::this_thread::sleep_until(due);
    auto n = std::min(a.batch, rows.size() - sent);
    outbox::committed msg;
    msg.rows.assign(rows.begin() + static_cast<ptrdiff_t>(sent),
                    rows.begin() + static_cast<ptrdiff_t>(sent + n));
    auto now = steady::now();
    for (auto& r : msg.rows)
      committed_at[r.id] = now;
    caf::anon_send(outbox, std::move(msg));
    sent += n;
  }
  std::chrono::duration<double> took = steady::now() - start;
  std::cerr << "announced " << rows.size() << " rows in " << took.count()
            << " s\n";
  return committed_at;
}

// CPU seconds this process used so far, all threads (the simulator's too).
double cpu_seconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  auto sec = [](const timeval& t) { return t.tv_sec + t.tv_usec / 1e6; };
  return sec(ru.ru_utime) + sec(ru.ru_stime);
}

} // namespace

int main(int argc, char** argv) {
  bench_args a;
  if (!parse_args(argc, argv, a)) {
    std::cerr << "usage: outbox_bench --url <conninfo> [--rate 10000]"
                 " [--seconds 10] [--batch 64] [--in-flight 64]\n";
    return 64;
  }
  log::configure(log::level::error);
  {
    pqxx::connection c{a.url};
    std::vector<migrations::migration> all;
    migrations::outcome done;
    if (auto err = migrations::load(EASYMO_SOURCE_DIR "/persistence/migrations", all);
        err || (err = migrations::apply(c, all, done))) {
      std::cerr << "migrations: " << *err << "\n";
      return 1;
    }
  }
  test::graph_sim::options so;
  so.keep_bodies = false;
  test::graph_sim sim{so};
  http::io_pool io{1, "bench-out"};
  http::client_options co;
  co.connections_per_host_max = a.in_flight;
  auto client = std::make_shared<http::client>(io.context(), co);
  io.start();
  caf::actor_system_config cfg;
  cfg.set("scheduler.policy", caf::atom("sharing"));
  caf::actor_system sys{cfg};
  db::pool_options po;
  po.url = a.url;
  auto pool = sys.spawn(db::pool, po);
  breaker::breaker_options bo;
  bo.transport = breaker::client_transport(client);
  auto brk = caf::actor_cast<caf::actor>(sys.spawn(breaker::breaker, bo));
  outbox::outbox_options oo;
  oo.endpoint = {sim.base_url(), "v21.0", "106540352242922"};
  oo.token = sim.token();
  oo.sends_in_flight_max = a.in_flight;
  // Only announcements drive sending: the sweep must not find the
  // prepared rows first.
  oo.sweep_interval = std::chrono::hours(1);
  auto rows = prepare(a);
  auto ob = caf::actor_cast<caf::actor>(sys.spawn(outbox::outbox, pool, brk, oo));
  std::this_thread::sleep_for(1s); // the pool connects

  auto cpu_began = cpu_seconds();
  auto began = steady::now();
  auto committed_at = offer(a, ob, rows);
  auto total = committed_at.size();
  test::eventually([&] { return sim.counts().accepted >= total; }, 60s);
  auto cpu_used = cpu_seconds() - cpu_began;
  auto recs = sim.requests();
  steady::time_point last = began;
  std::vector<double> latency_ms;
  for (auto& r : recs) {
    auto it = committed_at.find(std::stoll(r.callback_data));
    if (it == committed_at.end() || r.status != 200)
      continue;
    last = std::max(last, r.received);
    latency_ms.push_back(
      std::chrono::duration<double, std::milli>(r.received - it->second).count());
  }
  pqxx::connection c{a.url};
  auto all_sent = test::eventually([&] {
    pqxx::read_transaction tx{c};
    return tx.exec1("SELECT count(*) FROM outbox WHERE status = 'sent'")[0]
             .as<size_t>()
           == total;
  });
  auto counts = sim.counts();
  std::sort(latency_ms.begin(), latency_ms.end());
  std::chrono::duration<double> span = last - began;
  std::cerr << "offered " << total << " messages at " << a.rate << "/s; accepted "
            << counts.accepted << ", duplicates " << counts.duplicates
            << ", all marked sent: " << (all_sent ? "yes" : "no") << "\n";
  for (auto& x : {pool, brk, ob})
    caf::anon_send_exit(x, caf::exit_reason::kill);
  client->shutdown();
  if (latency_ms.size() != total || counts.duplicates != 0 || !all_sent)
    return 1;
  auto pct = [&](double p) {
    return latency_ms[std::min(latency_ms.size() - 1,
                               static_cast<size_t>(p * latency_ms.size()))];
  };
  std::printf("outbox_msgs_per_s=%.0f p50_ms=%.1f p99_ms=%.1f cpu_us_per_msg=%.0f\n",
              total / span.count(), pct(0.50), pct(0.99),
              cpu_used * 1e6 / static_cast<double>(total));
  return 0;
}
