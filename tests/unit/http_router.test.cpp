// The router, the responder and the response helpers, without sockets.
//
// Requests are built by hand and answered through function responders, so
// these tests pin down routing, answer shapes and metric labels directly.

#include "protocols/http/metrics.hpp"
#include "protocols/http/router.hpp"
#include "runtime/log.hpp"
#include "runtime/metrics.hpp"

#include <boost/test/unit_test.hpp>

#include <optional>
#include <string>
#include <thread>

namespace http = easymo::http;
namespace bhttp = boost::beast::http;

namespace {

http::request_ptr make_request(bhttp::verb method, std::string target,
                               std::string listener) {
  auto req = std::make_shared<http::request>();
  req->message.method(method);
  req->message.target(target);
  req->listener = std::move(listener);
  req->id = http::make_request_id();
  req->received = std::chrono::steady_clock::now();
  return req;
}

// Routes one request and returns the answer it got.
std::optional<http::response> route(const http::router& r,
                                    http::request_ptr req) {
  std::optional<http::response> answer;
  r(std::move(req), http::responder{[&](http::response res) {
      answer = std::move(res);
    }});
  return answer;
}

double requests(const std::string& listener, const std::string& route,
                const std::string& status) {
  return easymo::metrics::registry::global()
    .counters("easymo_http_requests_total", "", {"listener", "route", "status"})
    .with({listener, route, status})
    .value();
}

http::router sample_router() {
  http::router r;
  r.add(bhttp::verb::get, "/items", [](http::request_ptr, http::responder res) {
    res(http::text_response(bhttp::status::ok, "list"));
  });
  r.add(bhttp::verb::post, "/items",
        [](http::request_ptr, http::responder res) {
          res(http::json_response(bhttp::status::created, {{"id", 7}}));
        });
  return r;
}

struct quiet_logs {
  quiet_logs() { easymo::log::configure(easymo::log::level::off); }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(http_router, quiet_logs)

BOOST_AUTO_TEST_CASE(exact_path_and_method_select_the_handler) {
  auto r = sample_router();
  auto got = route(r, make_request(bhttp::verb::get, "/items", "r_exact"));
  BOOST_REQUIRE(got);
  BOOST_TEST(got->body() == "list");
  got = route(r, make_request(bhttp::verb::post, "/items", "r_exact"));
  BOOST_REQUIRE(got);
  BOOST_TEST(got->result_int() == 201u);
  BOOST_TEST(got->body() == R"({"id":7})");
  // Exact matching: neither a prefix nor a trailing slash matches.
  got = route(r, make_request(bhttp::verb::get, "/items/", "r_exact"));
  BOOST_TEST(got->result_int() == 404u);
  got = route(r, make_request(bhttp::verb::get, "/item", "r_exact"));
  BOOST_TEST(got->result_int() == 404u);
}

BOOST_AUTO_TEST_CASE(query_string_is_ignored_for_matching) {
  auto r = sample_router();
  auto got = route(r, make_request(bhttp::verb::get,
                                   "/items?hub.mode=subscribe&x=%3F", "r_q"));
  BOOST_REQUIRE(got);
  BOOST_TEST(got->body() == "list");
  BOOST_TEST(requests("r_q", "/items", "200") == 1);
}

BOOST_AUTO_TEST_CASE(unknown_path_is_404_json) {
  auto r = sample_router();
  auto got = route(r, make_request(bhttp::verb::get, "/secret?id=1", "r_404"));
  BOOST_REQUIRE(got);
  BOOST_TEST(got->result_int() == 404u);
  BOOST_TEST((*got)[bhttp::field::content_type] == "application/json");
  BOOST_TEST(nlohmann::json::parse(got->body())["error"] == "not found");
  BOOST_TEST(requests("r_404", "(unmatched)", "404") == 1);
  // The raw path never becomes a label value.
  BOOST_TEST(easymo::metrics::registry::global().render().find("/secret")
             == std::string::npos);
}

BOOST_AUTO_TEST_CASE(wrong_method_is_405_with_allow) {
  auto r = sample_router();
  auto got = route(r, make_request(bhttp::verb::put, "/items", "r_405"));
  BOOST_REQUIRE(got);
  BOOST_TEST(got->result_int() == 405u);
  BOOST_TEST((*got)[bhttp::field::allow] == "GET, POST");
  BOOST_TEST(nlohmann::json::parse(got->body())["error"]
             == "method not allowed");
  BOOST_TEST(r.allowed("/items") == "GET, POST");
  BOOST_TEST(r.allowed("/nothing") == "");
  BOOST_TEST(requests("r_405", "/items", "405") == 1);
}

BOOST_AUTO_TEST_CASE(adding_a_route_twice_replaces_its_handler) {
  auto r = sample_router();
  r.add(bhttp::verb::get, "/items", [](http::request_ptr, http::responder res) {
    res(http::text_response(bhttp::status::ok, "replaced"));
  });
  auto got = route(r, make_request(bhttp::verb::get, "/items", "r_twice"));
  BOOST_TEST(got->body() == "replaced");
  BOOST_TEST(r.allowed("/items") == "GET, POST");
}

BOOST_AUTO_TEST_CASE(copies_share_the_route_table) {
  http::router r;
  http::handler as_handler = r;
  r.add(bhttp::verb::get, "/late", [](http::request_ptr, http::responder res) {
    res(http::text_response(bhttp::status::ok, "late"));
  });
  std::optional<http::response> answer;
  as_handler(make_request(bhttp::verb::get, "/late", "r_copy"),
             http::responder{[&](http::response res) { answer = res; }});
  BOOST_REQUIRE(answer);
  BOOST_TEST(answer->body() == "late");
}

BOOST_AUTO_TEST_CASE(latency_is_recorded_per_route) {
  auto r = sample_router();
  route(r, make_request(bhttp::verb::get, "/items?a", "r_latency"));
  route(r, make_request(bhttp::verb::get, "/items?b", "r_latency"));
  auto& h = easymo::metrics::registry::global()
              .histograms("easymo_http_request_duration_seconds", "",
                          {"listener", "route"})
              .with({"r_latency", "/items"});
  BOOST_TEST(h.count() == 2u);
}

BOOST_AUTO_TEST_CASE(responder_answers_once) {
  int calls = 0;
  std::string body;
  http::responder res{[&](http::response r) {
    ++calls;
    body = r.body();
  }};
  auto copy = res;
  BOOST_TEST(!copy.answered());
  res(http::text_response(bhttp::status::ok, "first"));
  copy(http::text_response(bhttp::status::ok, "second"));
  BOOST_TEST(calls == 1);
  BOOST_TEST(body == "first");
  BOOST_TEST(copy.answered());
}

BOOST_AUTO_TEST_CASE(dropped_responder_answers_500_on_the_dropping_thread) {
  std::optional<http::response> answer;
  std::thread::id answered_on;
  {
    http::responder res{[&](http::response r) {
      answered_on = std::this_thread::get_id();
      answer = std::move(r);
    }};
    std::thread{[held = res] {}}.join();
    BOOST_TEST(!answer); // A copy still lives here.
  }
  BOOST_REQUIRE(answer);
  BOOST_TEST(answer->result_int() == 500u);
  BOOST_TEST((answered_on == std::this_thread::get_id()));
  BOOST_TEST(nlohmann::json::parse(answer->body()).contains("error"));
}

BOOST_AUTO_TEST_CASE(helpers_build_complete_answers) {
  auto json = http::json_error(bhttp::status::bad_request, "bad \"input\"");
  BOOST_TEST(json[bhttp::field::content_type] == "application/json");
  BOOST_TEST(json[bhttp::field::content_length]
             == std::to_string(json.body().size()));
  BOOST_TEST(nlohmann::json::parse(json.body())["error"] == "bad \"input\"");
  // Invalid UTF-8 from client input must not throw while building the answer.
  auto odd = http::json_error(bhttp::status::bad_request, "\xff\xfe");
  BOOST_TEST(odd.result_int() == 400u);
  auto text = http::text_response(bhttp::status::ok, "# metrics",
                                  "text/plain; version=0.0.4");
  BOOST_TEST(text[bhttp::field::content_type] == "text/plain; version=0.0.4");
  BOOST_TEST(text[bhttp::field::content_length] == "9");
}

BOOST_AUTO_TEST_CASE(request_path_drops_the_query) {
  auto req = make_request(bhttp::verb::get, "/a/b?c=d?e", "r_path");
  BOOST_TEST(req->path() == "/a/b");
  auto bare = make_request(bhttp::verb::get, "/plain", "r_path");
  BOOST_TEST(bare->path() == "/plain");
}

BOOST_AUTO_TEST_CASE(request_ids_are_short_hex_and_distinct) {
  auto a = http::make_request_id();
  auto b = http::make_request_id();
  BOOST_TEST(a.size() == 12u);
  BOOST_TEST(a.find_first_not_of("0123456789abcdef") == std::string::npos);
  BOOST_TEST(a != b);
}

BOOST_AUTO_TEST_SUITE_END()
