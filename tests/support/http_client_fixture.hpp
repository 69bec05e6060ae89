// Runs an http::client on io threads of its own and turns its callbacks into
// values a test can wait for, with a generous bound so a bug hangs no one.
#pragma once

#include "protocols/http/client.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <future>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace easymo::test {

struct call_outcome {
  std::optional<http::client_error> error;
  http::client_response response;

  /// "ok", or the error's name: readable in a failed BOOST_CHECK_EQUAL.
  std::string result() const {
    return error ? std::string{http::to_string(*error)} : std::string{"ok"};
  }
};

/// How long a test waits for a callback before declaring a hang.
constexpr std::chrono::seconds callback_wait_max{10};

class client_fixture {
  // Declared first: the io_context must outlive the client and its threads.
  boost::asio::io_context ioc_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type>
    guard_;
  std::vector<std::thread> threads_;

public:
  explicit client_fixture(http::client_options opts = {},
                          size_t io_threads = 1)
    : guard_(boost::asio::make_work_guard(ioc_)) {
    client.emplace(ioc_, std::move(opts));
    for (size_t i = 0; i < io_threads; ++i)
      threads_.emplace_back([this] { ioc_.run(); });
  }

  ~client_fixture() {
    client.reset();
    guard_.reset();
    for (auto& t : threads_)
      t.join();
  }

  client_fixture(const client_fixture&) = delete;
  client_fixture& operator=(const client_fixture&) = delete;

  /// Starts a call; the future holds its outcome.
  std::future<call_outcome> start(http::client_request req) {
    auto promise = std::make_shared<std::promise<call_outcome>>();
    auto fut = promise->get_future();
    client->send(std::move(req), [promise](std::optional<http::client_error> err,
                                           http::client_response res) {
      promise->set_value(call_outcome{err, std::move(res)});
    });
    return fut;
  }

  /// Waits for a started call; throws if it never completes.
  static call_outcome wait(std::future<call_outcome>& fut) {
    if (fut.wait_for(callback_wait_max) != std::future_status::ready)
      throw std::runtime_error("http client callback never came");
    return fut.get();
  }

  call_outcome call(http::client_request req) {
    auto fut = start(std::move(req));
    return wait(fut);
  }

  /// A GET with a label, the shape most tests need.
  call_outcome get(const std::string& url,
                   std::chrono::milliseconds timeout = {}) {
    http::client_request req;
    req.url = url;
    req.label = "test.get";
    req.timeout = timeout;
    return call(std::move(req));
  }

  boost::asio::io_context& ioc() { return ioc_; }

  std::optional<http::client> client;
};

} // namespace easymo::test
