// Which way of writing a journal batch is faster here: the multi-row INSERT
// over unnest() that store::commit uses, or COPY into a temporary table and
// INSERT ... SELECT from it. Both insert the same webhook-sized jsonb rows
// with ON CONFLICT (wamid, kind) DO NOTHING RETURNING and one audit row per
// request, on one connection, commit after commit (fsync on).
//
//   build/tools/bench/journal_insert_bench [seconds per case]
// Needs EASYMO_TEST_DATABASE_URL (a scratch database is created and dropped).
#include "actors/journal/store.hpp"
#include "protocols/whatsapp/parse.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/pg.hpp"

#include <pqxx/pqxx>

#include <chrono>
#include <cstdio>
#include <functional>
#include <string>

using namespace easymo;
using clock_type = std::chrono::steady_clock;

namespace {

// One request per 2 events (a typical small webhook), `rows` events a batch.
journal::store::commit_input make_batch(size_t events, const std::string& payload,
                                        uint64_t& serial) {
  journal::store::commit_input in;
  for (size_t i = 0; i < events; i += 2) {
    journal::append_request req;
    for (size_t j = i; j < std::min(events, i + 2); ++j) {
      journal::record r;
      r.key = "wamid.bench." + std::to_string(serial++);
      r.kind = "text";
      r.wa_id = "250788" + std::to_string(100000 + serial % 900000);
      r.payload = payload;
      req.records.push_back(std::move(r));
    }
    req.audit.request_id = "bench";
    req.audit.events = static_cast<uint32_t>(req.records.size());
    in.requests.push_back(std::move(req));
    in.latency_ms.push_back(1);
  }
  return in;
}

void commit_with_copy(pqxx::connection_base& c, const journal::store::commit_input& in) {
  pqxx::work tx{c};
  {
    pqxx::stream_to s{tx, "journal_in",
                      std::vector<std::string>{"wamid", "kind", "wa_id", "status", "payload"}};
    for (auto& req : in.requests)
      for (auto& r : req.records)
        s << std::make_tuple(r.key, r.kind, r.wa_id, std::string{"received"}, r.payload);
    s.complete();
  }
  tx.exec("INSERT INTO inbound_events (wamid, kind, wa_id, status, payload) "
          "SELECT wamid, kind, wa_id, status, payload FROM journal_in "
          "ORDER BY wamid, kind ON CONFLICT (wamid, kind) DO NOTHING "
          "RETURNING id, wamid, kind");
  {
    pqxx::stream_to s{tx, "webhook_audit_log",
                      std::vector<std::string>{"request_id", "http_status", "signature_valid",
                                               "body_bytes", "events", "duplicates",
                                               "rejected", "rate_limited", "latency_ms"}};
    for (auto& req : in.requests)
      s << std::make_tuple(req.audit.request_id, 200, true, 100, req.records.size(), 0, 0, 0, 1);
    s.complete();
  }
  tx.commit();
}

double rows_per_second(pqxx::connection& c, size_t events, const std::string& payload,
                       std::chrono::seconds span,
                       const std::function<void(pqxx::connection_base&,
                                                const journal::store::commit_input&)>& run) {
  static uint64_t serial = 0;
  size_t rows = 0;
  auto start = clock_type::now();
  while (clock_type::now() - start < span) {
    auto in = make_batch(events, payload, serial);
    run(c, in);
    rows += events;
  }
  std::chrono::duration<double> took = clock_type::now() - start;
  return static_cast<double>(rows) / took.count();
}

} // namespace

int main(int argc, char** argv) {
  std::chrono::seconds span{argc > 1 ? std::atoi(argv[1]) : 5};
  test::scoped_database db{"bench_journal"};
  pqxx::connection c{db.url()};
  pqxx::nontransaction{c}.exec(
    "CREATE TEMP TABLE journal_in (wamid text, kind text, wa_id text, "
    "status text, payload jsonb) ON COMMIT DELETE ROWS");
  auto parsed = whatsapp::parse_webhook(test::read_fixture("whatsapp/text.json"));
  auto payload = parsed.body.events.at(0).payload;
  std::printf("payload_bytes=%zu seconds_per_case=%lld\n", payload.size(),
              static_cast<long long>(span.count()));
  for (size_t events : {16, 64, 256}) {
    auto unnest = rows_per_second(c, events, payload, span, journal::store::commit);
    auto copy = rows_per_second(c, events, payload, span, commit_with_copy);
    std::printf("batch_events=%zu unnest_rows_per_s=%.0f copy_rows_per_s=%.0f\n",
                events, unnest, copy);
  }
}
