// The reconciliation actor on CAF's deterministic test coordinator, with an
// injected wall clock, a fake db pool (it keeps each job and the test
// answers it with the value the real job would return), a fake gateway
// actor and a fake Slack caller. Time moves only when the test moves it:
// the wall clock and CAF's clock together, as they move in production.
#define CAF_SUITE reconciliation_schedule

#include "actors/breaker/call.hpp"
#include "actors/payments/protocol.hpp"
#include "actors/reconciliation/reconciliation.hpp"
#include "persistence/db/protocol.hpp"
#include "tests/support/fake_pool.hpp"

#include <caf/test/dsl.hpp>

#include <date/date.h>

using namespace caf;
using namespace easymo;
using namespace std::chrono_literals;

namespace {

using easymo::test::answer_atom;
using easymo::test::fake_pool;
using easymo::test::fake_pool_actor;
using easymo::test::fake_pool_state;

struct fake_gateway_state {
  std::vector<std::string> days;
  std::vector<response_promise> asks;
  static inline const char* name = "fake_gateway";
};

behavior fake_gateway(stateful_actor<fake_gateway_state>* self) {
  return {
    [=](payments::reconcile_atom, std::string& day,
        std::vector<payments::recon_ref>&) -> result<payments::gateway_day> {
      self->state.days.push_back(day);
      self->state.asks.push_back(self->make_response_promise());
      return delegated<payments::gateway_day>{};
    },
    [=](answer_atom, size_t i, payments::gateway_day& d) {
      self->state.asks.at(i).deliver(std::move(d));
    },
    [=](answer_atom, size_t i, error& e) { self->state.asks.at(i).deliver(e); },
  };
}

struct fake_slack_state {
  std::vector<std::string> bodies;
  static inline const char* name = "fake_slack";
};

behavior fake_slack(stateful_actor<fake_slack_state>* self) {
  return {
    [=](breaker::call_atom, http::client_request& req) {
      self->state.bodies.push_back(req.body);
      return http::client_response{200, {}, "ok"};
    },
  };
}

wall_time utc(int y, unsigned m, unsigned d, int hh, int mm) {
  return date::sys_days{date::year{y} / m / d} + std::chrono::hours{hh}
         + std::chrono::minutes{mm};
}

struct fixture : test_coordinator_fixture<> {
  std::shared_ptr<wall_time> now = std::make_shared<wall_time>(
    utc(2026, 11, 20, 3, 59)); // 05:59 in Kigali
  actor pool = sys.spawn(fake_pool);
  actor gateway = sys.spawn(fake_gateway);
  actor slack = sys.spawn(fake_slack);
  actor recon;

  fixture() {
    reconciliation::options o;
    o.gateways = {"revolut"};
    o.slack_url = "http://slack.test/hook";
    o.clock = [now = now] { return *now; };
    o.svc.pool = pool;
    o.svc.gateway = slack;
    o.gateway_actors["revolut"] = gateway;
    recon = sys.spawn(reconciliation::reconciler, o);
    sched.run();
  }

  ~fixture() {
    for (auto& a : {recon, pool, gateway, slack})
      anon_send_exit(a, exit_reason::kill);
    sched.run();
  }

  // Moves both clocks, then runs what became due.
  void pass(timespan d) {
    *now += std::chrono::duration_cast<wall_time::duration>(d);
    advance_time(d);
    sched.run();
  }

  reconciliation::state& st() {
    return deref<reconciliation::actor>(recon).state;
  }
  fake_pool_state& db() { return deref<fake_pool_actor>(pool).state; }
  fake_gateway_state& gw() {
    return deref<stateful_actor<fake_gateway_state>>(gateway).state;
  }

  size_t job_index(const std::string& label) {
    auto& ls = db().labels;
    for (size_t i = ls.size(); i-- > 0;)
      if (ls[i] == label)
        return i;
    CAF_FAIL("no job " << label);
    return 0;
  }

  void answer_job(const std::string& label, std::any value) {
    self->send(pool, answer_atom::value, job_index(label),
               db::job_result{std::move(value)});
    sched.run();
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(reconciliation_schedule_tests, fixture)

CAF_TEST(the first run is armed for the next six oclock in kigali) {
  CAF_CHECK_EQUAL(rfc3339_utc(st().next_run), "2026-11-20T04:00:00Z");
  CAF_CHECK(!st().current);
  pass(59s);
  CAF_CHECK(!st().current);
  CAF_CHECK(gw().days.empty());
}

CAF_TEST(at six the previous day runs and the next run moves a day on) {
  pass(60s);
  CAF_REQUIRE(st().current);
  CAF_CHECK_EQUAL(st().current->day, "2026-11-19");
  CAF_CHECK_EQUAL(st().current->gateway, "revolut");
  CAF_CHECK_EQUAL(rfc3339_utc(st().next_run), "2026-11-21T04:00:00Z");
  CAF_CHECK_EQUAL(st().count.scheduled, 1u);
  // The plan job went to the pool; answered, the gateway is asked for the day.
  answer_job("reconciliation.plan", std::vector<payments::recon_ref>{});
  CAF_REQUIRE_EQUAL(gw().days.size(), 1u);
  CAF_CHECK_EQUAL(gw().days[0], "2026-11-19");
  pass(24h);
  CAF_CHECK_EQUAL(st().count.scheduled, 2u);
  CAF_CHECK_EQUAL(st().queue.size(), 1u); // 2026-11-20 waits its turn.
}

CAF_TEST(a timer that fires before the wall clock waits for the rest) {
  // CAF's clock runs ahead of the wall clock by 10 minutes.
  advance_time(61s);
  sched.run();
  CAF_CHECK(!st().current);
  pass(1s);
  CAF_CHECK(!st().current); // the wall clock says 05:59:01
  pass(60s);
  CAF_REQUIRE(st().current);
  CAF_CHECK_EQUAL(st().current->day, "2026-11-19");
}

CAF_TEST(mismatches are stored and alerted through the slack caller) {
  pass(60s);
  answer_job("reconciliation.plan", std::vector<payments::recon_ref>{});
  gateway::record rec;
  rec.reference = "ord-1";
  rec.amount = 500;
  rec.cur = ledger::currency::EUR;
  rec.status = gateway::pay_status::succeeded;
  self->send(gateway, answer_atom::value, size_t{0},
             payments::gateway_day{{rec}, 0});
  sched.run();
  // The store job compares and answers whether an alert is owed, and the row.
  nlohmann::json row{{"day", "2026-11-19"},
                     {"gateway", "revolut"},
                     {"status", "complete"},
                     {"mismatches",
                      {{{"kind", "missing_in_ledger"}, {"reference", "ord-1"}}}}};
  answer_job("reconciliation.store", std::make_pair(true, row.dump()));
  auto& bodies = deref<stateful_actor<fake_slack_state>>(slack).state.bodies;
  CAF_REQUIRE_EQUAL(bodies.size(), 1u);
  CAF_CHECK(bodies[0].find("missing_in_ledger ord-1") != std::string::npos);
  CAF_CHECK_EQUAL(st().count.complete, 1u);
  CAF_CHECK_EQUAL(st().count.alerts, 1u);
  CAF_CHECK(!st().current);
}

CAF_TEST(a gateway that fails leaves the day incomplete) {
  pass(60s);
  answer_job("reconciliation.plan", std::vector<payments::recon_ref>{});
  self->send(gateway, answer_atom::value, size_t{0},
             make_error(sec::request_timeout));
  sched.run();
  CAF_CHECK_EQUAL(st().count.incomplete, 1u);
  CAF_CHECK_EQUAL(db().labels.back(), "reconciliation.incomplete");
  answer_job("reconciliation.incomplete",
             nlohmann::json{{"status", "incomplete"}}.dump());
  CAF_CHECK(!st().current);
  CAF_CHECK_EQUAL(st().count.complete, 0u);
}

CAF_TEST_FIXTURE_SCOPE_END()
