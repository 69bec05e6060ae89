// The Redis limiter against the real Redis started by tools/test: the same
// bucket arithmetic as the local limiter, buckets shared by two limiters (two
// nodes), the EVAL fallback after SCRIPT FLUSH, idle buckets that expire, and
// admission without limits while Redis is unreachable.
#include "actors/ratelimit/redis.hpp"
#include "persistence/redis/connection.hpp"
#include "tests/support/redis.hpp"

#include <boost/test/unit_test.hpp>
#include <caf/all.hpp>

using namespace easymo;
using namespace easymo::ratelimit;
using namespace std::chrono_literals;

namespace {

struct fixture {
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  std::vector<caf::actor> limiters;
  std::string prefix = test::unique_name("easymo-test") + ":";

  fixture() {
    cfg.set("scheduler.max-threads", 2);
    sys = std::make_unique<caf::actor_system>(cfg);
  }

  ~fixture() {
    for (auto& l : limiters)
      caf::anon_send_exit(l, caf::exit_reason::kill);
  }

  caf::actor limiter(const std::string& url = test::redis_url()) {
    redis_options opts;
    opts.url = url;
    opts.prefix = prefix;
    limiters.push_back(sys->spawn<caf::detached>(redis_limiter, opts));
    return limiters.back();
  }

  std::vector<decision> check(const caf::actor& l, const policy& p,
                              std::vector<std::string> keys) {
    caf::scoped_actor self{*sys};
    std::vector<decision> out;
    self->request(l, 5s, check_request{p, std::move(keys)})
      .receive([&](check_reply& r) { out = std::move(r.decisions); },
               [&](caf::error& e) { BOOST_FAIL(sys->render(e)); });
    return out;
  }

  redis::connection admin() {
    redis::endpoint where;
    BOOST_REQUIRE(!redis::parse_url(test::redis_url(), where));
    return redis::connection{where, 1000ms};
  }
};

size_t allowed(const std::vector<decision>& ds) {
  return static_cast<size_t>(
    std::count_if(ds.begin(), ds.end(), [](auto& d) { return d.allowed; }));
}

const policy per_user{"wa", {10.0 / 60, 10}, {0, 0}};

} // namespace

BOOST_FIXTURE_TEST_SUITE(ratelimit_redis, fixture)

BOOST_AUTO_TEST_CASE(ten_a_minute_per_user_with_retry_after) {
  auto l = limiter();
  auto ds = check(l, per_user, std::vector<std::string>(12, "250788123456"));
  BOOST_CHECK_EQUAL(allowed(ds), 10u);
  BOOST_CHECK(!ds[11].allowed);
  // An empty bucket refills one token in about 6 s (Redis time moved on a
  // little between the calls).
  BOOST_CHECK_GT(ds[11].retry_after_ms, 5500u);
  BOOST_CHECK_LE(ds[11].retry_after_ms, 6000u);
  BOOST_CHECK(check(l, per_user, {"250788000009"})[0].allowed);
}

BOOST_AUTO_TEST_CASE(two_nodes_draw_from_the_same_buckets) {
  auto node_a = limiter();
  auto node_b = limiter();
  BOOST_CHECK_EQUAL(allowed(check(node_a, per_user, std::vector<std::string>(6, "u1"))), 6u);
  BOOST_CHECK_EQUAL(allowed(check(node_b, per_user, std::vector<std::string>(6, "u1"))), 4u);
  policy global{"g", {0, 0}, {1, 3}};
  BOOST_CHECK_EQUAL(allowed(check(node_a, global, {"a", "b"})), 2u);
  BOOST_CHECK_EQUAL(allowed(check(node_b, global, {"c", "d"})), 1u);
}

BOOST_AUTO_TEST_CASE(a_refusal_by_the_global_bucket_spends_nothing) {
  auto l = limiter();
  policy both{"both", {10.0 / 60, 10}, {0.001, 1}};
  BOOST_CHECK(check(l, both, {"other"})[0].allowed);
  for (int i = 0; i < 5; ++i)
    BOOST_CHECK(!check(l, both, {"u2"})[0].allowed);
  auto conn = admin();
  // The user's bucket was never written: it is still full (absent).
  auto exists = conn.run({"EXISTS", prefix + "both:u2"});
  BOOST_CHECK_EQUAL(exists.integer, 0);
}

BOOST_AUTO_TEST_CASE(evalsha_falls_back_to_eval_after_script_flush) {
  auto l = limiter();
  BOOST_CHECK(check(l, per_user, {"u3"})[0].allowed);
  auto conn = admin();
  BOOST_REQUIRE(!conn.run({"SCRIPT", "FLUSH"}).is_error());
  auto ds = check(l, per_user, {"u3", "u3"});
  BOOST_CHECK_EQUAL(allowed(ds), 2u);
  auto known = conn.run({"SCRIPT", "EXISTS", bucket_script_sha1()});
  BOOST_REQUIRE_EQUAL(known.elements.size(), 1u);
  BOOST_CHECK_EQUAL(known.elements[0].integer, 1);
}

BOOST_AUTO_TEST_CASE(buckets_expire_once_they_would_be_full) {
  auto l = limiter();
  check(l, per_user, {"u4"});
  auto conn = admin();
  auto ttl = conn.run({"PTTL", prefix + "wa:u4"});
  // One token short refills in 6 s; the key lives about that long.
  BOOST_CHECK_GT(ttl.integer, 0);
  BOOST_CHECK_LE(ttl.integer, 60000);
}

BOOST_AUTO_TEST_CASE(an_unreachable_redis_admits_everything) {
  auto l = limiter("redis://127.0.0.1:1");
  auto ds = check(l, per_user, std::vector<std::string>(20, "u5"));
  BOOST_CHECK_EQUAL(allowed(ds), 20u);
}

BOOST_AUTO_TEST_CASE(urls_are_parsed_and_bad_ones_refused) {
  redis::endpoint e;
  BOOST_CHECK(!redis::parse_url("redis://:s3cret@10.0.0.5:6380", e));
  BOOST_CHECK_EQUAL(e.host, "10.0.0.5");
  BOOST_CHECK_EQUAL(e.port, 6380);
  BOOST_CHECK_EQUAL(e.password, "s3cret");
  BOOST_CHECK(!redis::parse_url("unix:///run/redis.sock", e));
  BOOST_CHECK_EQUAL(e.unix_path, "/run/redis.sock");
  auto err = redis::parse_url("http://:s3cret@x", e);
  BOOST_REQUIRE(err);
  BOOST_CHECK(err->find("s3cret") == std::string::npos);
  BOOST_CHECK(redis::parse_url("not a url", e));
}

BOOST_AUTO_TEST_SUITE_END()
