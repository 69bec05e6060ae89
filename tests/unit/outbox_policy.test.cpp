// The outbox's pure rules: what each attempt outcome does to a row (sent,
// retry with which delay, dead with which reason), the backoff bounds over
// many seeded draws, and the status-report contract (parse_status, the row
// id in biz_opaque_callback_data).
#include "actors/outbox/policy.hpp"
#include "actors/outbox/protocol.hpp"

#include <boost/test/unit_test.hpp>

#include <set>

using namespace easymo::outbox;
using std::chrono::milliseconds;

namespace {

retry_options opts() {
  retry_options o;
  o.attempts_max = 5;
  o.backoff_min = milliseconds{500};
  o.backoff_max = milliseconds{8'000};
  o.pair_backoff_max = milliseconds{60'000};
  return o;
}

attempt_result result(outcome what) {
  attempt_result r;
  r.what = what;
  return r;
}

} // namespace

BOOST_AUTO_TEST_CASE(accepted_is_sent_and_permanent_failures_are_dead) {
  std::mt19937_64 rng{1};
  auto ok = result(outcome::accepted);
  ok.wamid = "wamid.X";
  auto d = decide(ok, 3, opts(), rng);
  BOOST_CHECK(d.what == decision::kind::sent);
  BOOST_CHECK_EQUAL(d.attempts, 3);
  for (auto [what, reason] :
       {std::pair{outcome::permanent, "permanent"},
        std::pair{outcome::malformed, "malformed"},
        std::pair{outcome::window_expired, "window_expired"},
        std::pair{outcome::window_missing, "window_missing"}}) {
    auto dead = decide(result(what), 1, opts(), rng);
    BOOST_CHECK(dead.what == decision::kind::dead);
    BOOST_CHECK_EQUAL(dead.reason, reason);
  }
}

BOOST_AUTO_TEST_CASE(retryable_outcomes_back_off_exponentially_with_jitter) {
  for (auto what : {outcome::throttled, outcome::transient, outcome::timeout,
                    outcome::transport, outcome::refused}) {
    for (uint64_t seed = 1; seed <= 200; ++seed) {
      std::mt19937_64 rng{seed};
      for (int32_t attempt = 1; attempt < 5; ++attempt) {
        auto d = decide(result(what), attempt, opts(), rng);
        BOOST_REQUIRE_MESSAGE(d.what == decision::kind::retry,
                              "seed " << seed << " attempt " << attempt);
        auto base = std::min<int64_t>(500LL << (attempt - 1), 8'000);
        BOOST_CHECK_GE(d.delay.count(), base / 2);
        BOOST_CHECK_LE(d.delay.count(), base);
        BOOST_CHECK_EQUAL(d.attempts, attempt);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(the_backoff_is_capped_and_jitter_varies) {
  std::set<int64_t> seen;
  for (uint64_t seed = 1; seed <= 50; ++seed) {
    std::mt19937_64 rng{seed};
    auto d = backoff(30, opts(), rng);
    BOOST_CHECK_GE(d.count(), 4'000);
    BOOST_CHECK_LE(d.count(), 8'000);
    seen.insert(d.count());
  }
  BOOST_CHECK_GT(seen.size(), 10u);
}

BOOST_AUTO_TEST_CASE(pair_rate_limit_waits_four_to_the_n_seconds) {
  std::mt19937_64 rng{7};
  int64_t expected[] = {1'000, 4'000, 16'000, 60'000 /* capped: 64 s */};
  for (int32_t attempt = 1; attempt <= 4; ++attempt) {
    auto d = decide(result(outcome::pair_limited), attempt, opts(), rng);
    BOOST_REQUIRE(d.what == decision::kind::retry);
    BOOST_CHECK_EQUAL(d.delay.count(), expected[attempt - 1]);
  }
}

BOOST_AUTO_TEST_CASE(attempts_run_out_into_the_dlq) {
  std::mt19937_64 rng{3};
  auto d = decide(result(outcome::throttled), 5, opts(), rng);
  BOOST_CHECK(d.what == decision::kind::dead);
  BOOST_CHECK_EQUAL(d.reason, "attempts_exhausted");
  auto pair = decide(result(outcome::pair_limited), 5, opts(), rng);
  BOOST_CHECK(pair.what == decision::kind::dead);
}

BOOST_AUTO_TEST_CASE(an_open_breaker_never_uses_up_attempts) {
  std::mt19937_64 rng{11};
  auto r = result(outcome::breaker_open);
  r.retry_after = milliseconds{20'000};
  // Even at the last attempt: nothing reached Meta.
  auto d = decide(r, 5, opts(), rng);
  BOOST_REQUIRE(d.what == decision::kind::retry);
  BOOST_CHECK_EQUAL(d.attempts, 4);
  BOOST_CHECK_GE(d.delay.count(), 20'000);
  BOOST_CHECK_LE(d.delay.count(), 30'000);
  r.retry_after = milliseconds{0}; // half open: at least the minimum
  auto soon = decide(r, 1, opts(), rng);
  BOOST_CHECK_EQUAL(soon.attempts, 0);
  BOOST_CHECK_GE(soon.delay.count(), 500);
}

BOOST_AUTO_TEST_CASE(parse_status_reads_meta_status_items) {
  auto r = parse_status(R"({"id":"wamid.HBgM","status":"delivered",
    "timestamp":"1718012403","recipient_id":"250788123456",
    "biz_opaque_callback_data":"42",
    "conversation":{"id":"c","origin":{"type":"service"}}})");
  BOOST_REQUIRE(r);
  BOOST_CHECK_EQUAL(r->wamid, "wamid.HBgM");
  BOOST_CHECK_EQUAL(r->status, "delivered");
  BOOST_CHECK_EQUAL(r->timestamp, 1718012403);
  BOOST_CHECK_EQUAL(r->recipient, "250788123456");
  BOOST_CHECK_EQUAL(r->errors, "[]");
  BOOST_CHECK_EQUAL(*row_id_of(*r), 42);

  auto failed = parse_status(R"({"id":"wamid.F","status":"failed",
    "timestamp":1718012404,"recipient_id":"250788123456",
    "errors":[{"code":131026,"title":"Message undeliverable"}]})");
  BOOST_REQUIRE(failed);
  BOOST_CHECK_EQUAL(failed->timestamp, 1718012404);
  BOOST_CHECK(failed->errors.find("131026") != std::string::npos);
  BOOST_CHECK(!row_id_of(*failed));

  BOOST_CHECK(!parse_status("not json"));
  BOOST_CHECK(!parse_status(R"({"status":"sent"})"));
  BOOST_CHECK(!parse_status(R"({"id":"w","status":"deleted"})"));
  BOOST_CHECK(!parse_status(R"(["id"])"));
}

BOOST_AUTO_TEST_CASE(parse_status_reads_the_payload_the_journal_stores) {
  // protocols/whatsapp/parse.cpp keeps the item with its change's metadata.
  auto r = parse_status(R"({"status":{"id":"wamid.W","status":"read",
    "timestamp":"1718012405","recipient_id":"250788123456",
    "biz_opaque_callback_data":"7"},
    "metadata":{"phone_number_id":"106540352242922"}})");
  BOOST_REQUIRE(r);
  BOOST_CHECK_EQUAL(r->wamid, "wamid.W");
  BOOST_CHECK_EQUAL(r->status, "read");
  BOOST_CHECK_EQUAL(*row_id_of(*r), 7);
  BOOST_CHECK(!parse_status(R"({"status":{"status":"read"},"metadata":{}})"));
}

BOOST_AUTO_TEST_CASE(only_positive_decimal_callback_data_names_a_row) {
  status_report r;
  for (auto [data, ok] : {std::pair{"17", true}, std::pair{"0", false},
                          std::pair{"-3", false}, std::pair{"17a", false},
                          std::pair{"", false}, std::pair{"campaign:9", false}}) {
    r.biz_opaque_callback_data = data;
    BOOST_CHECK_MESSAGE(row_id_of(r).has_value() == ok, data);
  }
}
