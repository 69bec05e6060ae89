// The journal-* and ratelimit-* settings: defaults, validation, and how they
// become the journal's options and the message policy; and the scheduler
// policy the ingress's throughput depends on.
#include "actors/journal/journal.hpp"
#include "runtime/config.hpp"

#include <boost/test/unit_test.hpp>

#include <vector>

using namespace easymo;

namespace {

std::optional<std::string> load_env(app_config& cfg, std::vector<std::string> vars) {
  std::vector<char*> env;
  for (auto& v : vars)
    env.push_back(v.data());
  env.push_back(nullptr);
  return cfg.load("", env.data());
}

} // namespace

BOOST_AUTO_TEST_CASE(defaults_give_ten_a_minute_and_small_fast_batches) {
  app_config cfg;
  BOOST_REQUIRE(!load_env(cfg, {}));
  auto opts = journal::options_from(cfg.s);
  BOOST_CHECK_EQUAL(opts.batch_rows_max, 256u);
  BOOST_CHECK(opts.batch_delay_max == std::chrono::milliseconds(1));
  BOOST_CHECK_EQUAL(opts.batches_inflight_max, 2u);
  BOOST_CHECK_EQUAL(opts.limits.name, "wa");
  BOOST_CHECK_CLOSE(opts.limits.per_key.per_second * 60, 10.0, 1e-9);
  BOOST_CHECK_EQUAL(opts.limits.per_key.burst, 10.0);
  BOOST_CHECK_EQUAL(opts.limits.global.per_second, 1000.0);
  // The commit may wait for a reconnect and then run a whole statement.
  BOOST_CHECK(opts.commit_timeout > cfg.s.db_query_timeout);
}

BOOST_AUTO_TEST_CASE(the_environment_sets_journal_and_limits) {
  app_config cfg;
  BOOST_REQUIRE(!load_env(cfg, {"EASYMO_JOURNAL_BATCH_ROWS_MAX=64",
                                "EASYMO_JOURNAL_BATCH_DELAY_MAX=5ms",
                                "EASYMO_RATELIMIT_USER_PER_MINUTE=0"}));
  auto opts = journal::options_from(cfg.s);
  BOOST_CHECK_EQUAL(opts.batch_rows_max, 64u);
  BOOST_CHECK(opts.batch_delay_max == std::chrono::milliseconds(5));
  BOOST_CHECK(!opts.limits.per_key.enabled());
  BOOST_CHECK(opts.limits.global.enabled());
}

BOOST_AUTO_TEST_CASE(the_scheduler_shares_by_default) {
  app_config cfg;
  BOOST_REQUIRE(!load_env(cfg, {}));
  BOOST_CHECK(caf::get_or(cfg, "scheduler.policy", caf::atom("stealing"))
              == caf::atom("sharing"));
}

BOOST_AUTO_TEST_CASE(bad_journal_and_limit_values_are_named) {
  std::pair<const char*, const char*> cases[] = {
    {"EASYMO_JOURNAL_BATCH_ROWS_MAX=0", "journal-batch-rows-max"},
    {"EASYMO_JOURNAL_BATCHES_INFLIGHT_MAX=5", "journal-batches-inflight-max"},
    {"EASYMO_JOURNAL_QUEUE_REQUESTS_MAX=0", "journal-queue-requests-max"},
    {"EASYMO_RATELIMIT_USER_PER_MINUTE=-1", "ratelimit-user-per-minute"},
    {"EASYMO_RATELIMIT_GLOBAL_PER_SECOND=fast", "ratelimit-global-per-second"},
  };
  for (auto& [var, key] : cases) {
    app_config cfg;
    auto err = load_env(cfg, {var});
    BOOST_REQUIRE_MESSAGE(err, var);
    BOOST_CHECK_MESSAGE(err->find(key) != std::string::npos, *err);
  }
}
