// Deterministic tests of the ledger actor's group commit, on CAF's test
// coordinator with a fake db pool.
//
// The fake pool keeps each job's response promise instead of running it, so
// a test sees exactly when a batch leaves the ledger (a job appears), answers
// it with the outcomes it chooses, and drives timers with advance_time: no
// database, no sleeping.
#define CAF_SUITE ledger_batching

#include "actors/ledger/ledger.hpp"
#include "persistence/db/protocol.hpp"
#include "tests/support/fake_pool.hpp"

#include <caf/test/dsl.hpp>

#include <nlohmann/json.hpp>

using namespace caf;
using namespace easymo;
using ledger::errc;
using ledger::transfer_status;

namespace {

using easymo::test::answer_atom;
using easymo::test::fail_atom;
using easymo::test::fake_pool;
using easymo::test::fake_pool_actor;

ledger::transfer_request make_request(int i, int64_t amount = 100) {
  ledger::transfer_request req;
  req.key = "k-" + std::to_string(i);
  req.debit = 1;
  req.credit = 2;
  req.amount = amount;
  return req;
}

ledger::outcome posted(int i) {
  ledger::outcome out;
  out.key = "k-" + std::to_string(i);
  out.transfer_id = 100 + i;
  return out;
}

struct fixture : test_coordinator_fixture<> {
  actor pool = sys.spawn(fake_pool);
  ledger::ledger_actor ledger;

  // The fixture's run() also fires every pending timeout, the batch timer
  // and request timeouts included; these tests move time only on purpose.
  void drain() {
    sched.run();
  }

  // Unanswered jobs keep promises that point back at the ledger, which
  // points at the pool: without an explicit stop the system would wait for
  // that cycle forever.
  ~fixture() {
    anon_send_exit(pool, exit_reason::kill);
    if (ledger)
      anon_send_exit(ledger, exit_reason::kill);
    drain();
  }

  void start(size_t batch_max, size_t in_flight_max, size_t queue_max = 100) {
    ledger::ledger_options opts;
    opts.batch_transfers_max = batch_max;
    opts.batch_delay_max = std::chrono::milliseconds(5);
    opts.batches_in_flight_max = in_flight_max;
    opts.queue_transfers_max = queue_max;
    ledger = sys.spawn(ledger::ledger, pool, opts);
    drain();
  }

  std::vector<response_promise>& jobs() {
    return deref<fake_pool_actor>(pool).state.jobs;
  }

  ledger::ledger_state& state() {
    return deref<ledger::ledger_actor::stateful_base<ledger::ledger_state>>(
             ledger)
      .state;
  }

  void send_requests(int first, int n) {
    for (int i = first; i < first + n; ++i)
      self->send(ledger, make_request(i));
    drain();
  }

  // Answers job `index` with `outs`, as a worker would.
  void answer(size_t index, std::vector<ledger::outcome> outs) {
    self->send(pool, answer_atom::value, index,
              db::job_result{std::any{std::move(outs)}});
    drain();
  }

  std::vector<ledger::transfer_receipt> receipts(int n) {
    std::vector<ledger::transfer_receipt> out;
    for (int i = 0; i < n; ++i)
      self->receive([&](ledger::transfer_receipt& r) { out.push_back(r); },
                    [&](error& err) { CAF_FAIL(sys.render(err)); });
    return out;
  }

  std::vector<errc> errors(int n) {
    std::vector<errc> out;
    for (int i = 0; i < n; ++i)
      self->receive([&](ledger::transfer_receipt&) { CAF_FAIL("no error"); },
                    [&](error& err) { out.push_back(ledger::code_of(err)); });
    return out;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(ledger_batching_tests, fixture)

CAF_TEST(a full batch goes out at once and every request gets its answer) {
  start(4, 1);
  send_requests(0, 4);
  CAF_REQUIRE_EQUAL(jobs().size(), 1u);
  CAF_CHECK_EQUAL(state().counters.largest_batch, 4u);
  CAF_CHECK(state().queue.empty());
  answer(0, {posted(0), posted(1), posted(2), posted(3)});
  auto got = receipts(4);
  for (int i = 0; i < 4; ++i) {
    CAF_CHECK_EQUAL(got[static_cast<size_t>(i)].transfer_id, 100 + i);
    CAF_CHECK_EQUAL(got[static_cast<size_t>(i)].key, "k-" + std::to_string(i));
  }
  CAF_CHECK_EQUAL(state().in_flight, 0u);
}

CAF_TEST(a partial batch waits for the delay and no longer) {
  start(4, 1);
  send_requests(0, 2);
  CAF_CHECK_EQUAL(jobs().size(), 0u);
  advance_time(std::chrono::milliseconds(4));
  drain();
  CAF_CHECK_EQUAL(jobs().size(), 0u);
  advance_time(std::chrono::milliseconds(1));
  drain();
  CAF_REQUIRE_EQUAL(jobs().size(), 1u);
  CAF_CHECK_EQUAL(state().counters.largest_batch, 2u);
  answer(0, {posted(0), posted(1)});
  CAF_CHECK_EQUAL(receipts(2).size(), 2u);
}

CAF_TEST(requests queue behind a running batch and leave when it ends) {
  start(4, 1);
  send_requests(0, 4);
  send_requests(4, 3);
  advance_time(std::chrono::milliseconds(50));
  drain();
  // The only slot is taken: the three wait, whatever the timer says.
  CAF_CHECK_EQUAL(jobs().size(), 1u);
  CAF_CHECK_EQUAL(state().queue.size(), 3u);
  answer(0, {posted(0), posted(1), posted(2), posted(3)});
  // They already waited a whole commit, so they go without the delay.
  CAF_REQUIRE_EQUAL(jobs().size(), 2u);
  CAF_CHECK_EQUAL(state().counters.batches, 2u);
  answer(1, {posted(4), posted(5), posted(6)});
  CAF_CHECK_EQUAL(receipts(7).size(), 7u);
}

CAF_TEST(two slots let two full batches run together) {
  start(2, 2);
  send_requests(0, 6);
  CAF_CHECK_EQUAL(jobs().size(), 2u);
  CAF_CHECK_EQUAL(state().queue.size(), 2u);
  answer(0, {posted(0), posted(1)});
  CAF_CHECK_EQUAL(jobs().size(), 3u);
}

CAF_TEST(a database failure answers every request of the batch) {
  start(2, 1);
  send_requests(0, 2);
  self->send(pool, fail_atom::value, size_t{0});
  drain();
  auto got = errors(2);
  CAF_CHECK(got[0] == errc::unavailable);
  CAF_CHECK(got[1] == errc::unavailable);
  CAF_CHECK_EQUAL(state().counters.failed, 2u);
  CAF_CHECK_EQUAL(state().in_flight, 0u);
}

CAF_TEST(invalid requests and a full queue are refused without a job) {
  start(2, 1, 2);
  self->send(ledger, make_request(0, 0));
  drain();
  CAF_CHECK(errors(1)[0] == errc::invalid_amount);
  CAF_CHECK_EQUAL(jobs().size(), 0u);
  send_requests(1, 2); // a batch, in flight
  send_requests(3, 2); // queued
  send_requests(5, 1); // over the bound
  CAF_CHECK(errors(1)[0] == errc::overloaded);
  CAF_CHECK_EQUAL(state().queue.size(), 2u);
}

CAF_TEST(refusals holds and replays reach the caller and the counters) {
  start(4, 1);
  send_requests(0, 4);
  auto refused = posted(1);
  refused.error = errc::insufficient_funds;
  auto held = posted(2);
  held.status = transfer_status::pending;
  auto replayed = posted(3);
  replayed.replayed = true;
  answer(0, {posted(0), refused, held, replayed});
  std::vector<errc> codes;
  std::vector<ledger::transfer_receipt> got;
  for (int i = 0; i < 4; ++i)
    self->receive([&](ledger::transfer_receipt& r) { got.push_back(r); },
                  [&](error& err) { codes.push_back(ledger::code_of(err)); });
  CAF_REQUIRE_EQUAL(codes.size(), 1u);
  CAF_CHECK(codes[0] == errc::insufficient_funds);
  CAF_REQUIRE_EQUAL(got.size(), 3u);
  CAF_CHECK(got[1].status == transfer_status::pending);
  CAF_CHECK(got[2].replayed);
  std::string info;
  self->send(ledger, get_atom::value, info_atom::value);
  drain();
  self->receive([&](std::string& text) { info = text; });
  auto json = nlohmann::json::parse(info);
  CAF_CHECK_EQUAL(json["posted"], 1);
  CAF_CHECK_EQUAL(json["refused"], 1);
  CAF_CHECK_EQUAL(json["held"], 1);
  CAF_CHECK_EQUAL(json["replayed"], 1);
  CAF_CHECK_EQUAL(json["batches"], 1);
}

CAF_TEST(reads without a pool answer unavailable at once) {
  ledger::ledger_options opts;
  auto lonely = sys.spawn(ledger::ledger, actor{}, opts);
  drain();
  self->send(lonely, get_atom::value, ledger::balance_atom::value, int64_t{1});
  drain();
  CAF_CHECK(errors(1)[0] == errc::unavailable);
}

CAF_TEST_FIXTURE_SCOPE_END()
