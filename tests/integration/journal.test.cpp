// The journal against a real PostgreSQL on a real actor system: events and
// audit rows land in one transaction, redeliveries (8 identical copies at
// once, in one batch or in concurrent batches) are stored and dispatched
// once, a database that is down yields errors and never a success, and the
// replay query returns exactly the committed-but-unprocessed events.
#include "actors/journal/journal.hpp"
#include "actors/journal/store.hpp"
#include "persistence/db/pool.hpp"
#include "persistence/migrations.hpp"
#include "protocols/whatsapp/parse.hpp"
#include "runtime/directory.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/pg.hpp"

#include <boost/test/unit_test.hpp>
#include <caf/all.hpp>
#include <pqxx/pqxx>

using namespace easymo;
using namespace easymo::journal;
using namespace std::chrono_literals;

namespace {

struct counting_dispatcher_state {
  std::vector<committed_event> events;
  static inline const char* name = "test.dispatcher";
};

using counting_dispatcher = caf::stateful_actor<counting_dispatcher_state>;

caf::behavior count_dispatched(counting_dispatcher* self) {
  return {
    [self](dispatch_batch& b) {
      for (auto& e : b.events)
        self->state.events.push_back(e);
    },
    [self](caf::get_atom) { return self->state.events.size(); },
  };
}

record text_event(const std::string& key, const std::string& user = "250788123456") {
  record r;
  r.key = key;
  r.kind = "text";
  r.wa_id = user;
  r.payload = R"({"message":{"id":")" + key + R"(","type":"text"}})";
  r.rate_limited = true;
  return r;
}

append_request request_of(std::vector<record> records, const std::string& id) {
  append_request req;
  req.audit.request_id = id;
  req.audit.events = static_cast<uint32_t>(records.size());
  req.audit.body_bytes = 100;
  req.records = std::move(records);
  return req;
}

struct system_fixture {
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  std::vector<caf::actor> owned;
  caf::actor dispatcher;

  system_fixture() {
    cfg.set("scheduler.max-threads", 2);
    sys = std::make_unique<caf::actor_system>(cfg);
    dispatcher = sys->spawn(count_dispatched);
    directory::put(*sys, directory::dispatcher, dispatcher);
  }

  ~system_fixture() {
    directory::erase_all(*sys, {directory::db_pool, directory::dispatcher,
                                directory::journal, directory::limiter});
    for (auto& a : owned)
      caf::anon_send_exit(a, caf::exit_reason::kill);
    caf::anon_send_exit(dispatcher, caf::exit_reason::kill);
  }

  caf::actor start(const std::string& url, journal_options opts = {},
                   size_t pool_size = 4) {
    db::pool_options po;
    po.url = url;
    po.size = pool_size;
    po.retry_backoff_min = 50ms;
    po.retry_backoff_max = 500ms;
    auto pool = sys->spawn(db::pool, po);
    owned.push_back(pool);
    directory::put(*sys, directory::db_pool, pool);
    BOOST_REQUIRE(test::eventually([&] { return connected(pool) == pool_size; }));
    auto j = sys->spawn(group_commit, std::move(opts));
    owned.push_back(j);
    return j;
  }

  size_t connected(const caf::actor& pool) {
    caf::scoped_actor self{*sys};
    size_t n = 0;
    self->request(pool, 5s, caf::get_atom::value, db::health_atom::value)
      .receive([&](db::pool_health& h) { n = h.connected; },
               [&](caf::error&) {});
    return n;
  }

  // Sends every request at once (from one event-based actor, so they really
  // are concurrent), then returns the answers in request order.
  std::vector<caf::expected<append_result>>
  append_all(const caf::actor& j, std::vector<append_request> reqs) {
    auto out = std::make_shared<std::vector<caf::expected<append_result>>>(
      reqs.size(), caf::error{});
    auto left = std::make_shared<size_t>(reqs.size());
    caf::scoped_actor self{*sys};
    auto waiter = caf::actor{self};
    sys->spawn([=](caf::event_based_actor* client) mutable {
      for (size_t i = 0; i < reqs.size(); ++i) {
        auto done = [=](caf::expected<append_result> r) {
          (*out)[i] = std::move(r);
          if (--*left == 0)
            client->send(waiter, caf::ok_atom::value);
        };
        client->request(j, 20s, std::move(reqs[i]))
          .then([=](append_result& r) { done(r); },
                [=](caf::error& e) { done(std::move(e)); });
      }
    });
    self->receive([](caf::ok_atom) {});
    return std::move(*out);
  }

  size_t dispatched() {
    caf::scoped_actor self{*sys};
    size_t n = 0;
    self->request(dispatcher, 5s, caf::get_atom::value)
      .receive([&](size_t x) { n = x; }, [](caf::error&) {});
    return n;
  }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(journal_db, system_fixture)

BOOST_AUTO_TEST_CASE(events_and_audit_rows_commit_together) {
  test::scoped_database db{"journal_commit"};
  auto j = start(db.url());
  auto rejected = text_event("sha256:abc");
  rejected.kind = "rejected.message";
  rejected.status = event_status::rejected;
  rejected.rate_limited = false;
  auto got = append_all(j, {request_of({text_event("wamid.C1"), rejected}, "req-1"),
                            request_of({text_event("wamid.C2")}, "req-2")});
  BOOST_REQUIRE(got[0] && got[1]);
  BOOST_CHECK_EQUAL(got[0]->inserted, 2u);
  BOOST_CHECK_EQUAL(got[1]->inserted, 1u);
  pqxx::connection c{db.url()};
  pqxx::nontransaction tx{c};
  auto row = tx.exec1("SELECT kind, wa_id, status, payload->'message'->>'id' "
                      "FROM inbound_events WHERE wamid = 'wamid.C1'");
  BOOST_CHECK_EQUAL(row[0].as<std::string>(), "text");
  BOOST_CHECK_EQUAL(row[1].as<std::string>(), "250788123456");
  BOOST_CHECK_EQUAL(row[2].as<std::string>(), "received");
  BOOST_CHECK_EQUAL(row[3].as<std::string>(), "wamid.C1");
  BOOST_CHECK_EQUAL(tx.exec1("SELECT status FROM inbound_events WHERE kind = "
                             "'rejected.message'")[0].as<std::string>(),
                    "rejected");
  auto audit = tx.exec1("SELECT http_status, signature_valid, events, "
                        "duplicates, body_bytes FROM webhook_audit_log "
                        "WHERE request_id = 'req-1'");
  BOOST_CHECK_EQUAL(audit[0].as<int>(), 200);
  BOOST_CHECK(audit[1].as<bool>());
  BOOST_CHECK_EQUAL(audit[2].as<int>(), 2);
  BOOST_CHECK_EQUAL(audit[3].as<int>(), 0);
  BOOST_CHECK_EQUAL(audit[4].as<int>(), 100);
  // The rejected item is stored, not dispatched.
  BOOST_CHECK(test::eventually([&] { return dispatched() == 2; }));
}

BOOST_AUTO_TEST_CASE(eight_copies_in_one_batch_are_stored_and_dispatched_once) {
  test::scoped_database db{"journal_copies"};
  journal_options opts;
  opts.batch_delay_max = 20ms; // gathers all eight into one transaction
  auto j = start(db.url(), opts);
  std::vector<append_request> reqs;
  for (int i = 0; i < 8; ++i)
    reqs.push_back(request_of({text_event("wamid.SAME")}, "copy-" + std::to_string(i)));
  auto got = append_all(j, std::move(reqs));
  uint32_t inserted = 0;
  uint32_t duplicates = 0;
  for (auto& g : got) {
    BOOST_REQUIRE(g);
    inserted += g->inserted;
    duplicates += g->duplicates;
  }
  BOOST_CHECK_EQUAL(inserted, 1u);
  BOOST_CHECK_EQUAL(duplicates, 7u);
  BOOST_CHECK_EQUAL(test::scalar(db.url(), "SELECT count(*) FROM inbound_events"), 1);
  BOOST_CHECK_EQUAL(test::scalar(db.url(), "SELECT sum(duplicates) FROM webhook_audit_log"), 7);
  BOOST_CHECK(test::eventually([&] { return dispatched() == 1; }));
  BOOST_CHECK_EQUAL(dispatched(), 1u);
}

BOOST_AUTO_TEST_CASE(copies_in_concurrent_batches_meet_at_the_unique_key) {
  test::scoped_database db{"journal_race"};
  journal_options opts;
  opts.batch_rows_max = 2; // one request per batch...
  opts.batches_inflight_max = 4; // ...on four connections at once
  opts.batch_delay_max = 0ms;
  auto j = start(db.url(), opts);
  for (int round = 0; round < 20; ++round) {
    std::vector<append_request> reqs;
    for (int i = 0; i < 8; ++i)
      reqs.push_back(request_of({text_event("wamid.R" + std::to_string(round))},
                                "r" + std::to_string(i)));
    uint32_t inserted = 0;
    for (auto& g : append_all(j, std::move(reqs))) {
      BOOST_REQUIRE(g);
      inserted += g->inserted;
    }
    BOOST_CHECK_EQUAL(inserted, 1u);
  }
  BOOST_CHECK_EQUAL(test::scalar(db.url(), "SELECT count(*) FROM inbound_events"), 20);
  BOOST_CHECK(test::eventually([&] { return dispatched() == 20; }));
}

BOOST_AUTO_TEST_CASE(overlapping_batches_in_opposite_orders_do_not_deadlock) {
  test::scoped_database db{"journal_order"};
  journal_options opts;
  opts.batch_rows_max = 40;
  opts.batches_inflight_max = 4;
  opts.batch_delay_max = 0ms;
  auto j = start(db.url(), opts);
  for (int round = 0; round < 10; ++round) {
    std::vector<record> up;
    std::vector<record> down;
    for (int i = 0; i < 30; ++i) {
      up.push_back(text_event("wamid.O" + std::to_string(round) + "." + std::to_string(i)));
      down.push_back(text_event("wamid.O" + std::to_string(round) + "." + std::to_string(29 - i)));
    }
    auto got = append_all(j, {request_of(up, "up"), request_of(down, "down")});
    BOOST_REQUIRE_MESSAGE(got[0] && got[1], "a batch failed (deadlock?)");
    BOOST_CHECK_EQUAL(got[0]->inserted + got[1]->inserted, 30u);
  }
}

BOOST_AUTO_TEST_CASE(a_database_that_is_down_never_yields_success) {
  test::private_server server{"journal-down"};
  pqxx::connection admin{server.url()};
  {
    std::vector<migrations::migration> all;
    BOOST_REQUIRE(!migrations::load(EASYMO_SOURCE_DIR "/persistence/migrations", all));
    migrations::outcome out;
    BOOST_REQUIRE(!migrations::apply(admin, all, out));
  }
  auto j = start(server.url(), {}, 2);
  BOOST_REQUIRE(append_all(j, {request_of({text_event("wamid.UP")}, "up")})[0]);
  server.stop();
  auto got = append_all(j, {request_of({text_event("wamid.DOWN")}, "down")});
  BOOST_REQUIRE(!got[0]);
  BOOST_CHECK(got[0].error().category() == error_category);
  server.start();
  // Once the pool reconnects, the same event commits (Meta's redelivery).
  BOOST_CHECK(test::eventually(
    [&] {
      auto again = append_all(j, {request_of({text_event("wamid.DOWN")}, "again")});
      return again[0] && again[0]->inserted == 1;
    },
    20s));
}

BOOST_AUTO_TEST_CASE(a_nul_character_in_a_message_does_not_poison_the_batch) {
  test::scoped_database db{"journal_nul"};
  auto j = start(db.url());
  auto parsed = whatsapp::parse_webhook(
    R"({"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":{"messages":[{"from":"250788123456","id":"wamid.NUL","timestamp":"1","type":"text","text":{"body":"a\u0000b \\u0000"}}]}}]}]})");
  BOOST_REQUIRE(parsed.ok());
  auto& e = parsed.body.events.at(0);
  record r{e.key, e.kind, e.wa_id, e.payload, event_status::received, true};
  auto got = append_all(j, {request_of({r, text_event("wamid.NEIGHBOUR")}, "nul")});
  BOOST_REQUIRE(got[0]);
  BOOST_CHECK_EQUAL(got[0]->inserted, 2u);
  pqxx::connection c{db.url()};
  pqxx::nontransaction tx{c};
  auto body = tx.exec1("SELECT payload->'message'->'text'->>'body' FROM "
                       "inbound_events WHERE wamid = 'wamid.NUL'")[0]
                .as<std::string>();
  BOOST_CHECK_EQUAL(body, "a\xEF\xBF\xBD" "b \\u0000");
}

BOOST_AUTO_TEST_CASE(the_replay_reads_only_unprocessed_events_in_order) {
  test::scoped_database db{"journal_replay"};
  auto j = start(db.url());
  auto throttled = text_event("wamid.T");
  throttled.status = event_status::throttled;
  std::vector<record> recs{text_event("wamid.P1"), throttled, text_event("wamid.P2"),
                           text_event("wamid.P3")};
  BOOST_REQUIRE(append_all(j, {request_of(recs, "replay")})[0]);
  pqxx::connection c{db.url()};
  {
    pqxx::work tx{c};
    tx.exec("UPDATE inbound_events SET status = 'processed', processed_at = now() "
            "WHERE wamid = 'wamid.P2'");
    tx.commit();
  }
  auto first = store::fetch_unprocessed(c, 0, 1);
  BOOST_REQUIRE_EQUAL(first.size(), 1u);
  BOOST_CHECK_EQUAL(first[0].key, "wamid.P1");
  auto rest = store::fetch_unprocessed(c, first[0].id, 100);
  BOOST_REQUIRE_EQUAL(rest.size(), 1u);
  BOOST_CHECK_EQUAL(rest[0].key, "wamid.P3");
  BOOST_CHECK(rest[0].payload.find("wamid.P3") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(the_sweep_reads_only_events_older_than_its_age) {
  test::scoped_database db{"journal_sweep"};
  auto j = start(db.url());
  std::vector<record> recs{text_event("wamid.OLD"), text_event("wamid.NEW")};
  BOOST_REQUIRE(append_all(j, {request_of(recs, "sweep")})[0]);
  pqxx::connection c{db.url()};
  {
    pqxx::work tx{c};
    tx.exec("UPDATE inbound_events SET received_at = now() - interval '5 minutes'"
            " WHERE wamid = 'wamid.OLD'");
    tx.commit();
  }
  auto stuck = store::fetch_unprocessed(c, 0, 100, std::chrono::minutes(2));
  BOOST_REQUIRE_EQUAL(stuck.size(), 1u);
  BOOST_CHECK_EQUAL(stuck[0].key, "wamid.OLD");
  BOOST_CHECK_EQUAL(store::fetch_unprocessed(c, 0, 100).size(), 2u);
}

BOOST_AUTO_TEST_SUITE_END()
