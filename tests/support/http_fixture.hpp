// Shared fixture of the HTTP server tests: a server on 127.0.0.1 with an
// ephemeral port, two io threads and one-second timeouts, a router with a
// few routes, and a place where handlers park responders so the test thread
// can answer them later, from any thread and in any order.
//
// Listener names are unique per test so metric assertions only see their
// own test. Time is never asserted as performance; upper bounds only catch
// hangs.
#pragma once

#include "protocols/http/server.hpp"
#include "runtime/log.hpp"
#include "runtime/metrics.hpp"
#include "tests/support/raw_http.hpp"

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace easymo::test {

namespace http = easymo::http;
namespace bhttp = boost::beast::http;
using namespace std::chrono_literals;

constexpr std::chrono::milliseconds short_timeout = 1s;
// What a deadline of `short_timeout` may take on a loaded machine.
constexpr std::chrono::milliseconds deadline_slack = 1500ms;
constexpr long deadline_max_ms = (short_timeout + deadline_slack).count();

inline long ms_since(std::chrono::steady_clock::time_point began) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
           std::chrono::steady_clock::now() - began)
    .count();
}

inline http::server_options test_options(std::string name) {
  http::server_options opts;
  opts.name = std::move(name);
  opts.read_timeout = short_timeout;
  opts.idle_timeout = short_timeout;
  opts.write_timeout = short_timeout;
  return opts;
}

inline double rejected(const std::string& listener, const std::string& reason) {
  return easymo::metrics::registry::global()
    .counters("easymo_http_rejected_total", "", {"listener", "reason"})
    .with({listener, reason})
    .value();
}

inline double requests(const std::string& listener, const std::string& route,
                       const std::string& status) {
  return easymo::metrics::registry::global()
    .counters("easymo_http_requests_total", "", {"listener", "route", "status"})
    .with({listener, route, status})
    .value();
}

// Collects responders that handlers keep, so the test thread can answer
// them later, from another thread and in any order.
class parked {
public:
  void add(http::request_ptr req, http::responder res) {
    std::lock_guard guard{mtx_};
    items_.push_back({std::move(req), std::move(res)});
    cv_.notify_all();
  }

  // Waits until `n` requests are parked; false after wait_max.
  bool wait_for(std::size_t n) {
    std::unique_lock guard{mtx_};
    return cv_.wait_for(guard, wait_max, [&] { return items_.size() >= n; });
  }

  std::size_t size() {
    std::lock_guard guard{mtx_};
    return items_.size();
  }

  std::pair<http::request_ptr, http::responder> take(std::size_t i) {
    std::lock_guard guard{mtx_};
    return items_.at(i);
  }

  void clear() {
    std::lock_guard guard{mtx_};
    items_.clear();
  }

private:
  std::mutex mtx_;
  std::condition_variable cv_;
  std::vector<std::pair<http::request_ptr, http::responder>> items_;
};

inline http::response ok_text(const std::string& text) {
  return http::text_response(bhttp::status::ok, text);
}

struct server_fixture {
  http::io_pool pool{2};
  std::unique_ptr<http::server> srv;
  http::router routes;
  parked held;

  server_fixture() {
    // EASYMO_TEST_LOG=1 shows the server's debug log when a test fails.
    easymo::log::configure(std::getenv("EASYMO_TEST_LOG")
                             ? easymo::log::level::debug
                             : easymo::log::level::off);
    routes.add(bhttp::verb::get, "/hello",
               [](http::request_ptr, http::responder res) {
                 res(ok_text("hello"));
               });
    routes.add(bhttp::verb::post, "/echo",
               [](http::request_ptr req, http::responder res) {
                 res(ok_text(req->body()));
               });
    routes.add(bhttp::verb::get, "/park",
               [this](http::request_ptr req, http::responder res) {
                 held.add(std::move(req), std::move(res));
               });
  }

  ~server_fixture() {
    srv.reset();
    pool.stop();
    pool.join();
  }

  void start(http::server_options opts) {
    srv = std::make_unique<http::server>(pool, std::move(opts), routes);
    pool.start();
  }

  std::uint16_t port() const { return srv->port(); }

  // Polls `pred` until it holds or wait_max passes.
  template <class Pred>
  static bool eventually(Pred pred) {
    auto deadline = std::chrono::steady_clock::now() + wait_max;
    while (!pred()) {
      if (std::chrono::steady_clock::now() > deadline)
        return false;
      std::this_thread::sleep_for(5ms);
    }
    return true;
  }
};

inline void check_json_error(const raw_response& res, unsigned status) {
  BOOST_TEST(res.result_int() == status);
  BOOST_TEST(res[bhttp::field::content_type] == "application/json");
  BOOST_TEST(res.has_content_length());
  auto body = nlohmann::json::parse(res.body());
  BOOST_TEST(body.contains("error"));
  BOOST_TEST(body["error"].is_string());
}

} // namespace easymo::test
