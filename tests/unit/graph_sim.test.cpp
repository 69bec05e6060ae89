// The Graph API simulator through the real http::client: the bodies it
// answers, what it records, duplicates by biz_opaque_callback_data, every
// fault kind (counted and by percentage), stalls, dropped connections and
// the /_sim/ control API the standalone process is driven through.
#include "protocols/whatsapp/graph.hpp"
#include "tests/support/graph_sim.hpp"
#include "tests/support/http_client_fixture.hpp"

#include <boost/test/unit_test.hpp>

using namespace easymo;
using namespace std::chrono_literals;
using json = nlohmann::json;

namespace {

std::string message(const std::string& to, const std::string& data = "") {
  json body{{"messaging_product", "whatsapp"},
            {"to", to},
            {"type", "text"},
            {"text", {{"body", "Murakoze"}}}};
  if (!data.empty())
    body["biz_opaque_callback_data"] = data;
  return body.dump();
}

struct sim_fixture {
  test::graph_sim sim;
  test::client_fixture client;

  http::client_request send_request(const std::string& body,
                                    std::chrono::milliseconds timeout = 5s) {
    whatsapp::graph_endpoint ep{sim.base_url(), "v21.0", "1065"};
    return whatsapp::messages_request(ep, sim.token(), body, timeout);
  }

  test::call_outcome send(const std::string& body,
                          std::chrono::milliseconds timeout = 5s) {
    return client.call(send_request(body, timeout));
  }

  test::call_outcome control(boost::beast::http::verb method,
                             const std::string& path, std::string body = {}) {
    http::client_request req;
    req.method = method;
    req.url = sim.base_url() + path;
    req.body = std::move(body);
    req.label = "test.sim";
    return client.call(std::move(req));
  }
};

int64_t code_of(const test::call_outcome& out) {
  return whatsapp::error_code_of(out.response.body);
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(graph_sim_tests, sim_fixture)

BOOST_AUTO_TEST_CASE(accepts_like_meta_and_records) {
  auto out = send(message("250788123456", "11"));
  BOOST_REQUIRE_EQUAL(out.result(), "ok");
  BOOST_REQUIRE_EQUAL(out.response.status, 200);
  auto body = json::parse(out.response.body);
  BOOST_CHECK_EQUAL(body["messaging_product"], "whatsapp");
  BOOST_CHECK_EQUAL(body["contacts"][0]["input"], "250788123456");
  auto wamid = body["messages"][0]["id"].get<std::string>();
  BOOST_CHECK_EQUAL(wamid.rfind("wamid.", 0), 0u);
  auto recs = sim.requests_to("250788123456");
  BOOST_REQUIRE_EQUAL(recs.size(), 1u);
  BOOST_CHECK_EQUAL(recs[0].wamid, wamid);
  BOOST_CHECK_EQUAL(recs[0].callback_data, "11");
  BOOST_CHECK_EQUAL(recs[0].type, "text");
  BOOST_CHECK(recs[0].body.find("Murakoze") != std::string::npos);
  BOOST_CHECK(sim.requests_to("250700000000").empty());
}

BOOST_AUTO_TEST_CASE(duplicates_are_counted_by_callback_data) {
  send(message("250788123456", "5"));
  send(message("250788123456", "6"));
  send(message("250788123456", "5"));
  BOOST_CHECK_EQUAL(sim.copies_of("5"), 2u);
  BOOST_CHECK_EQUAL(sim.copies_of("6"), 1u);
  BOOST_CHECK_EQUAL(sim.counts().duplicates, 1u);
  // A copy that was refused never reached the user: not a duplicate.
  sim.fail_next(1, test::graph_fault::throttle());
  send(message("250788123456", "6"));
  BOOST_CHECK_EQUAL(sim.counts().duplicates, 1u);
}

BOOST_AUTO_TEST_CASE(bad_tokens_and_bodies_are_refused_as_meta_would) {
  auto req = send_request(message("250788123456"));
  req.headers[0].second = "Bearer wrong";
  auto out = client.call(std::move(req));
  BOOST_CHECK_EQUAL(out.response.status, 401);
  BOOST_CHECK_EQUAL(code_of(out), 190);
  auto bad = json::parse(message("250788123456"));
  bad["text"]["body"] = std::string(4097, 'x');
  auto refused = send(bad.dump());
  BOOST_CHECK_EQUAL(refused.response.status, 400);
  BOOST_CHECK_EQUAL(code_of(refused), 131009);
  BOOST_CHECK_EQUAL(sim.counts().refused, 2u);
  BOOST_CHECK_EQUAL(sim.counts().accepted, 0u);
}

BOOST_AUTO_TEST_CASE(counted_faults_answer_the_next_requests_then_stop) {
  sim.fail_next(2, test::graph_fault::throttle());
  sim.fail_next(1, test::graph_fault::pair_limit());
  sim.fail_next(1, test::graph_fault::server_error(503));
  sim.fail_next(1, test::graph_fault::permanent(131026));
  sim.fail_next(1, test::graph_fault::auth());
  std::vector<std::pair<int, int64_t>> got;
  for (int i = 0; i < 7; ++i) {
    auto out = send(message("250788123456"));
    got.emplace_back(out.response.status, code_of(out));
  }
  std::vector<std::pair<int, int64_t>> want{{429, 130429}, {429, 130429},
                                            {429, 131056}, {503, 131016},
                                            {400, 131026}, {401, 190},
                                            {200, 0}};
  BOOST_CHECK(got == want);
  BOOST_CHECK_EQUAL(sim.counts().faulted, 6u);
  BOOST_CHECK_EQUAL(sim.counts().accepted, 1u);
}

BOOST_AUTO_TEST_CASE(percentage_faults) {
  sim.fail_percent(100, test::graph_fault::server_error());
  for (int i = 0; i < 5; ++i)
    BOOST_CHECK_EQUAL(send(message("250788123456")).response.status, 500);
  sim.fail_percent(0, test::graph_fault::server_error());
  BOOST_CHECK_EQUAL(send(message("250788123456")).response.status, 200);
  sim.fail_percent(50, test::graph_fault::server_error());
  int failed = 0;
  for (int i = 0; i < 100; ++i)
    failed += send(message("250788123456")).response.status == 500;
  // A seeded generator: far from both ends, whatever the seed.
  BOOST_CHECK_GT(failed, 20);
  BOOST_CHECK_LT(failed, 80);
}

BOOST_AUTO_TEST_CASE(stalls_time_out_and_drops_close_the_connection) {
  sim.fail_next(1, test::graph_fault::stall());
  auto stalled = send(message("250788123456", "1"), 300ms);
  BOOST_CHECK_EQUAL(stalled.result(), "timeout");
  BOOST_CHECK_EQUAL(sim.counts().stalled, 1u);
  // Released, the stalled message counts as accepted (Meta took it late).
  sim.release_stalled();
  BOOST_CHECK_EQUAL(sim.copies_of("1"), 1u);

  sim.fail_next(1, test::graph_fault::drop());
  auto dropped = send(message("250788123456"));
  BOOST_CHECK_EQUAL(dropped.result(), "closed");
  BOOST_CHECK_EQUAL(sim.counts().dropped, 1u);
  BOOST_CHECK_EQUAL(send(message("250788123456")).response.status, 200);
}

BOOST_AUTO_TEST_CASE(the_control_api_injects_faults_and_reports) {
  using boost::beast::http::verb;
  auto set = control(verb::post, "/_sim/faults",
                     R"({"kind":"permanent","code":100,"count":1})");
  BOOST_CHECK_EQUAL(set.response.status, 204);
  BOOST_CHECK_EQUAL(code_of(send(message("250788123456"))), 100);
  send(message("250788000001", "9"));
  auto counts = json::parse(control(verb::get, "/_sim/counts").response.body);
  BOOST_CHECK_EQUAL(counts["requests"], 2);
  BOOST_CHECK_EQUAL(counts["faulted"], 1);
  auto reqs = json::parse(
    control(verb::get, "/_sim/requests?to=250788000001").response.body);
  BOOST_REQUIRE_EQUAL(reqs["requests"].size(), 1u);
  BOOST_CHECK_EQUAL(reqs["requests"][0]["biz_opaque_callback_data"], "9");
  BOOST_CHECK_EQUAL(control(verb::post, "/_sim/faults", R"({"kind":"nope"})")
                      .response.status,
                    400);
  control(verb::post, "/_sim/faults", R"({"kind":"server_error","percent":100})");
  BOOST_CHECK_EQUAL(send(message("250788123456")).response.status, 500);
  control(verb::post, "/_sim/faults/clear");
  BOOST_CHECK_EQUAL(send(message("250788123456")).response.status, 200);
  BOOST_CHECK_EQUAL(control(verb::post, "/_sim/reset").response.status, 204);
  BOOST_CHECK_EQUAL(sim.counts().requests, 0u);
}

BOOST_AUTO_TEST_SUITE_END()
