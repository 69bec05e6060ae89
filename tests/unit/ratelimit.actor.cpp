// The in-process rate limiter on CAF's test coordinator: token buckets per
// key and per policy, refilled by virtual time (advance_time), with the
// Retry-After they report, and the bound on how many buckets it keeps.
// Messages are drained with sched.run(): the fixture's run() would also fire
// the periodic sweep timer, which re-arms itself, forever.
#define CAF_SUITE ratelimit

#include "actors/ratelimit/local.hpp"

#include <caf/test/dsl.hpp>

using caf::actor;
using namespace easymo::ratelimit;
using namespace std::chrono_literals;

namespace {

// The default WhatsApp policy: 10 messages a minute per user.
policy per_user(double global_per_second = 0) {
  return {"wa", {10.0 / 60, 10}, {global_per_second, global_per_second}};
}

struct fixture : test_coordinator_fixture<> {
  std::vector<actor> limiters;

  actor spawn_limiter(local_options opts = {}) {
    limiters.push_back(sys.spawn(local_limiter, opts));
    return limiters.back();
  }

  // The base destructor calls run(), which fires timers regardless of the
  // virtual time; a live limiter would re-arm its sweep forever.
  ~fixture() {
    for (auto& a : limiters)
      caf::anon_send_exit(a, caf::exit_reason::kill);
    sched.run();
  }

  std::vector<decision> check(const actor& limiter, const policy& p,
                              std::vector<std::string> keys) {
    self->send(limiter, check_request{p, std::move(keys)});
    sched.run();
    std::vector<decision> out;
    self->receive([&](check_reply& r) { out = std::move(r.decisions); });
    return out;
  }

  size_t allowed(const std::vector<decision>& ds) {
    return static_cast<size_t>(
      std::count_if(ds.begin(), ds.end(), [](auto& d) { return d.allowed; }));
  }

  local_state& state(const actor& a) {
    return deref<local_actor>(a).state;
  }
};

} // namespace

CAF_TEST(retry after rounds up to whole seconds) {
  CAF_CHECK_EQUAL(retry_after_seconds({false, 1}), 1u);
  CAF_CHECK_EQUAL(retry_after_seconds({false, 1000}), 1u);
  CAF_CHECK_EQUAL(retry_after_seconds({false, 1001}), 2u);
  CAF_CHECK_EQUAL(retry_after_seconds({false, 0}), 1u);
}

CAF_TEST_FIXTURE_SCOPE(ratelimit_tests, fixture)

CAF_TEST(a user gets a burst of ten then one message every six seconds) {
  auto rl = spawn_limiter();
  auto first = check(rl, per_user(), std::vector<std::string>(12, "250788123456"));
  CAF_CHECK_EQUAL(allowed(first), 10u);
  CAF_CHECK(!first[10].allowed);
  // An empty bucket refills one token in 6 s.
  CAF_CHECK_EQUAL(first[10].retry_after_ms, 6000u);
  advance_time(3s);
  auto half = check(rl, per_user(), {"250788123456"});
  CAF_CHECK(!half[0].allowed);
  CAF_CHECK_EQUAL(half[0].retry_after_ms, 3000u);
  advance_time(3s);
  CAF_CHECK(check(rl, per_user(), {"250788123456"})[0].allowed);
  CAF_CHECK(!check(rl, per_user(), {"250788123456"})[0].allowed);
}

CAF_TEST(users have separate buckets) {
  auto rl = spawn_limiter();
  check(rl, per_user(), std::vector<std::string>(10, "250788000001"));
  CAF_CHECK(!check(rl, per_user(), {"250788000001"})[0].allowed);
  CAF_CHECK(check(rl, per_user(), {"250788000002"})[0].allowed);
}

CAF_TEST(the global bucket caps all users together) {
  auto rl = spawn_limiter();
  std::vector<std::string> users;
  for (int i = 0; i < 8; ++i)
    users.push_back("2507880000" + std::to_string(10 + i));
  auto ds = check(rl, per_user(5), users);
  CAF_CHECK_EQUAL(allowed(ds), 5u);
  CAF_CHECK_EQUAL(ds[5].retry_after_ms, 200u);
  advance_time(1s);
  CAF_CHECK_EQUAL(allowed(check(rl, per_user(5), users)), 5u);
}

CAF_TEST(a refusal by one bucket does not spend the other) {
  auto rl = spawn_limiter();
  // Empty the global bucket (one token a second) with another user.
  auto p = per_user(1);
  CAF_CHECK(check(rl, p, {"250788999999"})[0].allowed);
  // Refused by the global bucket ten times in a row...
  for (int i = 0; i < 10; ++i)
    CAF_CHECK(!check(rl, p, {"250788123456"})[0].allowed);
  // ...the user's own bucket is still full: ten admissions over ten seconds.
  for (int i = 0; i < 10; ++i) {
    advance_time(1s);
    CAF_CHECK(check(rl, p, {"250788123456"})[0].allowed);
  }
}

CAF_TEST(a disabled rule never limits) {
  auto rl = spawn_limiter();
  policy off{"off", {0, 0}, {0, 0}};
  CAF_CHECK_EQUAL(allowed(check(rl, off, std::vector<std::string>(100, "k"))),
                  100u);
  CAF_CHECK_EQUAL(state(rl).buckets.size(), 0u);
}

CAF_TEST(full buckets are swept and the table stays bounded) {
  local_options opts;
  opts.buckets_max = 3;
  opts.sweep_interval = 60s;
  auto rl = spawn_limiter(opts);
  check(rl, per_user(), {"a", "b", "c"});
  CAF_CHECK_EQUAL(state(rl).buckets.size(), 3u);
  // Every bucket is short of one token: a fourth key cannot get its own.
  auto d = check(rl, per_user(), {"d", "d"});
  CAF_CHECK(d[0].allowed && d[1].allowed);
  CAF_CHECK_EQUAL(state(rl).untracked, 2u);
  // After the refill the periodic sweep forgets the full buckets.
  advance_time(60s);
  sched.run();
  CAF_CHECK_EQUAL(state(rl).buckets.size(), 0u);
  CAF_CHECK_EQUAL(allowed(check(rl, per_user(), std::vector<std::string>(11, "d"))),
                  10u);
}

CAF_TEST_FIXTURE_SCOPE_END()
