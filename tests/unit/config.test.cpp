// The config loader: the example file is complete and valid, and every kind
// of mistake yields one line that names the key.
#include "runtime/config.hpp"
#include "runtime/log.hpp"

#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

using namespace easymo;

namespace {

const std::string example = EASYMO_SOURCE_DIR "/config/easymo.example.ini";

struct temp_ini {
  std::string path;
  explicit temp_ini(const std::string& text) {
    path = (std::filesystem::temp_directory_path()
            / ("easymo-cfg-" + std::to_string(::getpid()) + "-"
               + std::to_string(++counter()) + ".ini"))
             .string();
    std::ofstream{path} << text;
  }
  ~temp_ini() { std::filesystem::remove(path); }
  static int& counter() {
    static int n = 0;
    return n;
  }
};

// An environment for load(): a null-terminated array of "K=V" strings.
struct fake_env {
  std::vector<std::string> vars;
  std::vector<char*> ptrs;
  explicit fake_env(std::vector<std::string> xs) : vars(std::move(xs)) {
    for (auto& v : vars)
      ptrs.push_back(v.data());
    ptrs.push_back(nullptr);
  }
  char** get() { return ptrs.data(); }
};

std::optional<std::string> load(app_config& cfg, const std::string& ini,
                                std::vector<std::string> env = {}) {
  temp_ini file{ini};
  fake_env e{std::move(env)};
  return cfg.load(file.path, e.get());
}

} // namespace

BOOST_AUTO_TEST_CASE(the_example_file_loads_and_documents_every_key) {
  app_config cfg;
  fake_env env{{}};
  auto err = cfg.load(example, env.get());
  BOOST_REQUIRE_MESSAGE(!err, err.value_or(""));
  std::ifstream in{example};
  std::stringstream text;
  text << in.rdbuf();
  auto body = text.str();
  for (auto& full : cfg.easymo_keys()) {
    auto key = full.substr(std::string{"easymo."}.size());
    std::regex line{"(^|\\n);? ?" + key + "="};
    BOOST_CHECK_MESSAGE(std::regex_search(body, line),
                        "config/easymo.example.ini does not document " + full);
  }
}

BOOST_AUTO_TEST_CASE(values_from_the_file_are_applied) {
  app_config cfg;
  auto err = load(cfg, "[easymo]\nhttp-port=8181\ndrain-timeout=3s\n"
                       "log-level=\"warn\"\n");
  BOOST_REQUIRE_MESSAGE(!err, err.value_or(""));
  BOOST_CHECK_EQUAL(cfg.s.http_port, 8181);
  BOOST_CHECK(cfg.s.drain_timeout == std::chrono::seconds(3));
  BOOST_CHECK_EQUAL(cfg.s.log_level, "warn");
}

BOOST_AUTO_TEST_CASE(an_unknown_key_is_named) {
  app_config cfg;
  auto err = load(cfg, "[easymo]\nhttp-prot=8080\n");
  BOOST_REQUIRE(err);
  BOOST_CHECK_EQUAL(*err, "config: unknown key 'easymo.http-prot'");
}

BOOST_AUTO_TEST_CASE(an_unknown_key_in_a_caf_group_is_named) {
  app_config cfg;
  auto err = load(cfg, "[scheduler]\npolicyy='sharing'\n");
  BOOST_REQUIRE(err);
  BOOST_CHECK(err->find("'scheduler.policyy'") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_value_of_the_wrong_type_is_named) {
  app_config cfg;
  auto err = load(cfg, "[easymo]\nhttp-port=\"eighty\"\n");
  BOOST_REQUIRE(err);
  BOOST_CHECK_MESSAGE(err->find("bad value for 'easymo.http-port'")
                        != std::string::npos,
                      *err);
  app_config cfg2;
  auto err2 = load(cfg2, "[easymo]\nhttp-port=70000\n");
  BOOST_REQUIRE(err2);
  BOOST_CHECK(err2->find("'easymo.http-port'") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_semantically_bad_value_is_named) {
  app_config cfg;
  auto err = load(cfg, "[easymo]\nmode=\"production\"\n");
  BOOST_REQUIRE(err);
  BOOST_CHECK(err->find("'easymo.mode'") != std::string::npos);
  app_config cfg2;
  auto err2 = load(cfg2, "[easymo]\ndb-pool-size=0\n");
  BOOST_REQUIRE(err2);
  BOOST_CHECK(err2->find("'easymo.db-pool-size'") != std::string::npos);
  app_config cfg3;
  auto err3 = load(cfg3, "[easymo]\nhttp-trusted-proxies=\"10.0.0.2, lb.local\"\n");
  BOOST_REQUIRE(err3);
  BOOST_CHECK(err3->find("'easymo.http-trusted-proxies'") != std::string::npos);
  BOOST_CHECK(err3->find("lb.local") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_syntax_error_names_the_file) {
  app_config cfg;
  auto err = load(cfg, "[easymo\nhttp-port=1\n");
  BOOST_REQUIRE(err);
  BOOST_CHECK(err->find("syntax error") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(the_environment_overrides_the_file) {
  app_config cfg;
  auto err = load(cfg, "[easymo]\nhttp-port=8181\n",
                  {"EASYMO_HTTP_PORT=9999", "EASYMO_DATABASE_URL=host=/x"});
  BOOST_REQUIRE_MESSAGE(!err, err.value_or(""));
  BOOST_CHECK_EQUAL(cfg.s.http_port, 9999);
  BOOST_CHECK_EQUAL(cfg.s.database_url, "host=/x");
}

BOOST_AUTO_TEST_CASE(a_bad_environment_value_names_variable_and_key) {
  app_config cfg;
  auto err = load(cfg, "", {"EASYMO_ADMIN_PORT=lots"});
  BOOST_REQUIRE(err);
  BOOST_CHECK(err->find("EASYMO_ADMIN_PORT") != std::string::npos);
  BOOST_CHECK(err->find("'easymo.admin-port'") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(live_mode_requires_every_secret) {
  app_config cfg;
  auto err = load(cfg, "[easymo]\nmode=\"live\"\n",
                  {"EASYMO_WHATSAPP_APP_SECRET=abcdef",
                   "EASYMO_WHATSAPP_VERIFY_TOKEN=verify",
                   "EASYMO_ADMIN_TOKEN=admin-token"});
  BOOST_REQUIRE(err);
  BOOST_CHECK_MESSAGE(err->find("EASYMO_WHATSAPP_TOKEN") != std::string::npos,
                      *err);
  BOOST_CHECK(err->find("easymo.whatsapp-token") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(sandbox_mode_defaults_secrets) {
  app_config cfg;
  auto err = load(cfg, "");
  BOOST_REQUIRE_MESSAGE(!err, err.value_or(""));
  BOOST_CHECK(!cfg.s.whatsapp_app_secret.empty());
  BOOST_CHECK(!cfg.s.admin_token.empty());
}

BOOST_AUTO_TEST_CASE(a_secret_in_the_file_is_refused) {
  app_config cfg;
  auto err = load(cfg, "[easymo]\nadmin-token=\"hunter22\"\n");
  BOOST_REQUIRE(err);
  BOOST_CHECK(err->find("'easymo.admin-token' is a secret") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(secrets_from_the_environment_never_reach_the_log) {
  app_config cfg;
  auto err = load(cfg, "", {"EASYMO_ADMIN_TOKEN=s3cr3t-admin-value"});
  BOOST_REQUIRE(!err);
  auto line = log::format_line(log::level::info, "test",
                               "token is s3cr3t-admin-value",
                               {{"header", "Bearer s3cr3t-admin-value"}}, {});
  BOOST_CHECK(line.find("s3cr3t-admin-value") == std::string::npos);
  BOOST_CHECK(line.find("[redacted]") != std::string::npos);
  log::clear_secrets();
}
