// The foundation against the real easymod binary and a real PostgreSQL:
// readiness, metrics, the admin API, supervision seen from outside, the exit
// codes (0 on SIGTERM, 70 when the root gives up, 78 on bad config, 1 when
// start-up cannot prepare the database).
#include "tests/support/daemon.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/pg.hpp"

#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <regex>

using namespace easymo;
using namespace std::chrono_literals;

namespace {

constexpr const char* admin_token = "system-test-admin-token";

test::daemon::options base_options(const std::string& url,
                                   const std::string& label) {
  test::daemon::options o;
  o.database_url = url;
  o.label = label;
  o.env["EASYMO_ADMIN_TOKEN"] = admin_token;
  return o;
}

test::header_list bearer() {
  return {{"Authorization", std::string{"Bearer "} + admin_token}};
}

int metric_families(const std::string& text) {
  int types = 0;
  std::istringstream in{text};
  std::string line;
  std::set<std::string> helps;
  while (std::getline(in, line)) {
    if (line.rfind("# TYPE ", 0) == 0)
      ++types;
    if (line.rfind("# HELP ", 0) == 0)
      helps.insert(line.substr(7, line.find(' ', 7) - 7));
  }
  return static_cast<int>(std::min<size_t>(types, helps.size()));
}

std::string write_temp(const std::string& name, const std::string& text) {
  auto path = std::filesystem::temp_directory_path()
              / (name + "-" + std::to_string(::getpid()) + ".ini");
  std::ofstream{path} << text;
  return path.string();
}

} // namespace

BOOST_AUTO_TEST_CASE(ready_metrics_and_an_orderly_sigterm) {
  test::scoped_database db{"sys_ready", false};
  test::daemon d{base_options(db.url(), "ready")};
  d.start();
  BOOST_REQUIRE_MESSAGE(d.wait_ready(), d.log());
  auto health = test::http_get(d.http_port(), "/healthz");
  BOOST_REQUIRE(health);
  BOOST_CHECK_EQUAL(health->status, 200);
  auto ready = test::http_get(d.http_port(), "/readyz");
  BOOST_REQUIRE(ready);
  BOOST_CHECK_EQUAL(nlohmann::json::parse(ready->body)["status"], "ready");
  auto metrics = test::http_get(d.http_port(), "/metrics");
  BOOST_REQUIRE(metrics);
  BOOST_CHECK_EQUAL(metrics->status, 200);
  BOOST_CHECK(metrics->headers["content-type"].find("text/plain") == 0);
  BOOST_CHECK_GE(metric_families(metrics->body), 10);
  BOOST_CHECK(metrics->body.find("easymo_http_requests_total{") != std::string::npos);
  BOOST_CHECK(metrics->body.find("easymo_db_pool_connected") != std::string::npos);

  auto code = d.stop(SIGTERM, 10s);
  BOOST_REQUIRE_MESSAGE(code.has_value(), "easymod did not stop within 10 s");
  BOOST_CHECK_EQUAL(*code, 0);
  pqxx::connection c{db.url()};
  pqxx::read_transaction tx{c};
  auto row = tx.exec1("SELECT exit_code, stopped_at IS NOT NULL FROM node_starts "
                      "ORDER BY id DESC LIMIT 1");
  BOOST_CHECK_EQUAL(row[0].as<int>(), 0);
  BOOST_CHECK(row[1].as<bool>());
}

BOOST_AUTO_TEST_CASE(sigint_stops_too) {
  test::scoped_database db{"sys_sigint", false};
  test::daemon d{base_options(db.url(), "sigint")};
  d.start();
  BOOST_REQUIRE_MESSAGE(d.wait_ready(), d.log());
  auto code = d.stop(SIGINT, 10s);
  BOOST_REQUIRE(code);
  BOOST_CHECK_EQUAL(*code, 0);
}

BOOST_AUTO_TEST_CASE(the_admin_api_needs_its_token_and_shows_the_tree) {
  test::scoped_database db{"sys_admin", false};
  test::daemon d{base_options(db.url(), "admin")};
  d.start();
  BOOST_REQUIRE_MESSAGE(d.wait_ready(), d.log());
  auto anon = test::http_get(d.admin_port(), "/admin/tree");
  BOOST_REQUIRE(anon);
  BOOST_CHECK_EQUAL(anon->status, 401);
  BOOST_CHECK(nlohmann::json::parse(anon->body).contains("error"));
  auto wrong = test::http_get(d.admin_port(), "/admin/tree",
                              {{"Authorization", "Bearer nope"}});
  BOOST_REQUIRE(wrong);
  BOOST_CHECK_EQUAL(wrong->status, 401);
  auto tree = test::http_get(d.admin_port(), "/admin/tree", bearer());
  BOOST_REQUIRE(tree);
  BOOST_REQUIRE_EQUAL(tree->status, 200);
  auto json = nlohmann::json::parse(tree->body);
  BOOST_CHECK_EQUAL(json["name"], "root");
  auto text = json.dump();
  BOOST_CHECK(text.find("\"persistence\"") != std::string::npos);
  BOOST_CHECK(text.find("\"db_pool\"") != std::string::npos);
  BOOST_CHECK(text.find("\"mailbox\"") != std::string::npos);
  // The admin listener is not the public one.
  auto on_public = test::http_get(d.http_port(), "/admin/tree", bearer());
  BOOST_REQUIRE(on_public);
  BOOST_CHECK_EQUAL(on_public->status, 404);
  d.stop(SIGTERM);
}

BOOST_AUTO_TEST_CASE(a_killed_actor_is_restarted_and_counted) {
  test::scoped_database db{"sys_restart", false};
  test::daemon d{base_options(db.url(), "restart")};
  d.start();
  BOOST_REQUIRE_MESSAGE(d.wait_ready(), d.log());
  auto killed = test::http_post(d.admin_port(), "/admin/kill",
                                R"({"actor":"db.pool"})", bearer());
  BOOST_REQUIRE(killed);
  BOOST_CHECK_EQUAL(killed->status, 202);
  BOOST_CHECK(test::eventually([&] {
    auto m = test::http_get(d.http_port(), "/metrics");
    return m && std::regex_search(
                  m->body, std::regex{R"(easymo_supervisor_restarts_total\{supervisor="persistence",child="db_pool"\} 1)"});
  }));
  BOOST_CHECK(d.wait_ready(10s));
  auto unknown = test::http_post(d.admin_port(), "/admin/kill",
                                 R"({"actor":"nobody"})", bearer());
  BOOST_REQUIRE(unknown);
  BOOST_CHECK_EQUAL(unknown->status, 404);
  auto bad = test::http_post(d.admin_port(), "/admin/kill", "{", bearer());
  BOOST_REQUIRE(bad);
  BOOST_CHECK_EQUAL(bad->status, 400);
  d.stop(SIGTERM);
}

BOOST_AUTO_TEST_CASE(the_root_giving_up_exits_70) {
  test::scoped_database db{"sys_giveup", false};
  auto opts = base_options(db.url(), "giveup");
  opts.env["EASYMO_RESTART_INTENSITY"] = "2";
  opts.env["EASYMO_RESTART_PERIOD"] = "60s";
  test::daemon d{opts};
  d.start();
  BOOST_REQUIRE_MESSAGE(d.wait_ready(), d.log());
  for (int i = 0; i < 3 && d.running(); ++i) {
    // Wait until the restarted ingress answers again before the next kill.
    BOOST_REQUIRE(d.wait_ready(10s));
    auto res = test::http_post(d.admin_port(), "/admin/kill",
                               R"({"actor":"ingress"})", bearer());
    BOOST_REQUIRE(res);
  }
  auto code = d.wait_exit(20s);
  BOOST_REQUIRE_MESSAGE(code, "easymod did not exit after the root gave up");
  BOOST_CHECK_EQUAL(*code, 70);
  BOOST_CHECK(d.log().find("restart intensity exceeded") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(config_errors_exit_78_and_name_the_key) {
  test::scoped_database db{"sys_config", false};
  {
    auto ini = write_temp("bad-key", "[easymo]\nhttp-prot=8080\n");
    auto opts = base_options(db.url(), "config-key");
    opts.args = {"--config", ini};
    test::daemon d{opts};
    d.start();
    auto code = d.wait_exit(10s);
    BOOST_REQUIRE(code);
    BOOST_CHECK_EQUAL(*code, 78);
    BOOST_CHECK(d.log().find("easymo.http-prot") != std::string::npos);
  }
  {
    auto opts = base_options(db.url(), "config-live");
    opts.env["EASYMO_MODE"] = "live";
    test::daemon d{opts};
    d.start();
    auto code = d.wait_exit(10s);
    BOOST_REQUIRE(code);
    BOOST_CHECK_EQUAL(*code, 78);
    BOOST_CHECK(d.log().find("EASYMO_WHATSAPP_APP_SECRET") != std::string::npos);
  }
  {
    auto opts = base_options(db.url(), "config-arg");
    opts.args = {"--bogus"};
    test::daemon d{opts};
    d.start();
    auto code = d.wait_exit(10s);
    BOOST_REQUIRE(code);
    BOOST_CHECK_EQUAL(*code, 64);
  }
}

BOOST_AUTO_TEST_CASE(an_edited_applied_migration_stops_the_start) {
  test::scoped_database db{"sys_checksum", true};
  {
    pqxx::connection c{db.url()};
    pqxx::work tx{c};
    tx.exec("UPDATE schema_migrations SET checksum = 'deadbeef' WHERE version = 1");
    tx.commit();
  }
  test::daemon d{base_options(db.url(), "checksum")};
  d.start();
  auto code = d.wait_exit(15s);
  BOOST_REQUIRE(code);
  BOOST_CHECK_EQUAL(*code, 1);
  BOOST_CHECK(d.log().find("was changed after it was applied") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(readiness_follows_the_database) {
  test::private_server server{"sys-readyz"};
  auto opts = base_options(server.url(), "readyz");
  opts.env["EASYMO_DB_RETRY_BACKOFF_MAX"] = "500ms";
  test::daemon d{opts};
  d.start();
  BOOST_REQUIRE_MESSAGE(d.wait_ready(), d.log());
  server.stop();
  BOOST_CHECK(test::eventually([&] {
    auto r = test::http_get(d.http_port(), "/readyz");
    return r && r->status == 503
           && nlohmann::json::parse(r->body).value("error", "")
                == "database unreachable";
  }));
  // Liveness does not depend on the database.
  auto health = test::http_get(d.http_port(), "/healthz");
  BOOST_REQUIRE(health);
  BOOST_CHECK_EQUAL(health->status, 200);
  server.start();
  BOOST_CHECK(d.wait_ready(20s));
  auto code = d.stop(SIGTERM, 10s);
  BOOST_REQUIRE(code);
  BOOST_CHECK_EQUAL(*code, 0);
}

BOOST_AUTO_TEST_CASE(an_unreachable_database_at_start_exits_1) {
  auto opts = base_options("host=127.0.0.1 port=" + std::to_string(test::free_port())
                             + " dbname=easymo user=easymo",
                           "nodb");
  opts.env["EASYMO_DB_STARTUP_TIMEOUT"] = "1s";
  test::daemon d{opts};
  d.start();
  auto code = d.wait_exit(20s);
  BOOST_REQUIRE(code);
  BOOST_CHECK_EQUAL(*code, 1);
  BOOST_CHECK(d.log().find("database unreachable") != std::string::npos);
}
