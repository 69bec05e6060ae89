// Nothing acknowledged is lost: signed webhooks with unique wamids go to the
// real easymod from several keep-alive connections at once, easymod is
// killed with SIGKILL in the middle of the load, restarted, and every wamid
// that got a 200 must be in inbound_events. Requests cut off by the crash
// may or may not have been committed; Meta would redeliver them, so they are
// sent again and each must then be stored exactly once.
#include "tests/support/daemon.hpp"
#include "tests/support/pg.hpp"
#include "tests/support/raw_http.hpp"
#include "tests/support/webhook.hpp"

#include <boost/test/unit_test.hpp>
#include <pqxx/pqxx>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

using namespace easymo;
using namespace std::chrono_literals;

namespace {

const std::string secret = "system-test-app-secret";
constexpr int senders = 6;

struct ledger_of_acks {
  std::mutex mtx;
  std::set<std::string> acked;
  std::set<std::string> sent;
};

// Sends webhooks (two messages each) on one connection until the daemon
// goes away; records every wamid sent and every wamid acknowledged.
void send_until_dead(uint16_t port, int sender, ledger_of_acks& book,
                     std::atomic<bool>& stop) {
  try {
    test::raw_client c{port};
    for (int n = 0; !stop.load(); ++n) {
      auto base = "wamid.DUR." + std::to_string(sender) + "." + std::to_string(n);
      std::vector<test::text_message> msgs{{base + ".a", "2507880" + std::to_string(10000 + n)},
                                           {base + ".b", "2507881" + std::to_string(10000 + n)}};
      {
        std::lock_guard guard{book.mtx};
        for (auto& m : msgs)
          book.sent.insert(m.wamid);
      }
      if (!c.send(test::signed_request_text(test::text_webhook(msgs), secret)))
        return;
      auto res = c.read_response(10s);
      if (res.result_int() == 200) {
        std::lock_guard guard{book.mtx};
        for (auto& m : msgs)
          book.acked.insert(m.wamid);
      }
    }
  } catch (const std::exception&) {
    // The connection died with the daemon: stop sending.
  }
}

std::set<std::string> stored(const std::string& url) {
  pqxx::connection c{url};
  pqxx::read_transaction tx{c};
  std::set<std::string> out;
  for (auto row : tx.exec("SELECT wamid FROM inbound_events WHERE wamid LIKE 'wamid.DUR.%'"))
    out.insert(row[0].as<std::string>());
  return out;
}

} // namespace

BOOST_AUTO_TEST_CASE(every_acknowledged_wamid_survives_sigkill_under_load) {
  test::scoped_database db{"sys_durability", false};
  test::daemon::options o;
  o.database_url = db.url();
  o.label = "durability";
  o.env["EASYMO_WHATSAPP_APP_SECRET"] = secret;
  test::daemon d{o};
  d.start();
  BOOST_REQUIRE_MESSAGE(d.wait_ready(), d.log());

  ledger_of_acks book;
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  for (int i = 0; i < senders; ++i)
    threads.emplace_back(send_until_dead, d.http_port(), i, std::ref(book), std::ref(stop));
  // Kill once a fair amount has been acknowledged, in the middle of the load.
  BOOST_REQUIRE(test::eventually([&] {
    std::lock_guard guard{book.mtx};
    return book.acked.size() >= 4000;
  }, 60s));
  d.crash();
  stop = true;
  for (auto& t : threads)
    t.join();
  BOOST_TEST_MESSAGE("sent " << book.sent.size() << " wamids, " << book.acked.size()
                             << " acknowledged before SIGKILL");

  d.start();
  BOOST_REQUIRE_MESSAGE(d.wait_ready(), d.log());
  auto after_crash = stored(db.url());
  size_t missing = 0;
  for (auto& wamid : book.acked)
    missing += after_crash.count(wamid) == 0 ? 1 : 0;
  BOOST_CHECK_EQUAL(missing, 0u);
  // Some requests were in flight: sent, not acknowledged.
  BOOST_CHECK_GT(book.sent.size(), book.acked.size());

  // Meta redelivers whatever was not acknowledged; each is stored once.
  std::vector<std::string> unacked;
  for (auto& wamid : book.sent)
    if (!book.acked.count(wamid))
      unacked.push_back(wamid);
  for (auto& wamid : unacked) {
    auto r = test::post_webhook(d.http_port(), test::text_webhook({{wamid}}), secret);
    BOOST_REQUIRE(r);
    BOOST_CHECK_EQUAL(r->status, 200);
  }
  pqxx::connection c{db.url()};
  pqxx::read_transaction tx{c};
  BOOST_CHECK_EQUAL(tx.exec1("SELECT count(*) FROM inbound_events WHERE wamid LIKE "
                             "'wamid.DUR.%'")[0]
                      .as<size_t>(),
                    book.sent.size());
}
