// The base of the gateway simulators: the project's own HTTP server
// (protocols/http) on 127.0.0.1 with an ephemeral port, a record of every
// request, and injectable faults for the next requests: an HTTP status
// (429 with Retry-After, 500, 503...) or a stall (the request is held and
// never answered, so the caller's deadline fires).
//
// A simulator subclass gets each request that no fault took, with the
// recorded copy of it, and answers through the responder.
#pragma once

#include "protocols/http/io_pool.hpp"
#include "protocols/http/server.hpp"

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace easymo::test {

/// A request as a simulator saw it; header names are lower case.
struct recorded_request {
  std::string method;
  std::string target;
  std::string path;
  std::map<std::string, std::string> headers;
  std::string body;

  std::string header(const std::string& lower_name) const;
  /// The query parameter `name` of the target, decoded; "" when absent.
  std::string query(const std::string& name) const;
};

class sim_server {
public:
  using handler = std::function<void(const recorded_request&, http::responder)>;

  /// Starts listening; `name` labels the listener's metrics.
  sim_server(std::string name, handler on_request);
  ~sim_server();

  sim_server(const sim_server&) = delete;
  sim_server& operator=(const sim_server&) = delete;

  uint16_t port() const;

  /// "http://127.0.0.1:<port><path>".
  std::string url(const std::string& path = "") const;

  /// The next `times` requests (whatever their path) are answered `status`
  /// with a JSON error body; a 429 carries Retry-After: 1.
  void fail_next(int status, size_t times = 1);

  /// The next `times` requests are held unanswered until the simulator
  /// goes away.
  void stall_next(size_t times = 1);

  /// Every request from now on is answered `status` (0: back to normal).
  void fail_all(int status);

  std::vector<recorded_request> requests() const;

  /// Requests whose path starts with `prefix`.
  size_t count(const std::string& prefix) const;

private:
  void on_request(http::request_ptr req, http::responder res);

  handler handler_;
  mutable std::mutex mtx_;
  std::deque<int> faults_;          // guarded by mtx_; 0 means stall
  int fail_all_ = 0;                // guarded by mtx_
  std::vector<recorded_request> seen_;  // guarded by mtx_
  std::vector<http::responder> stalled_; // guarded by mtx_
  http::io_pool io_{1, "easymo-sim"};
  std::unique_ptr<http::server> server_;
};

/// A JSON answer with `status`.
http::response json_answer(int status, const std::string& body);

/// Sends a request, as a gateway would, to `url` on 127.0.0.1 (the daemon's
/// callback or webhook URL); returns the answer's status, 0 when the URL is
/// not local or nothing answered.
int send_to(const std::string& url, const std::string& method,
            const std::string& body,
            const std::vector<std::pair<std::string, std::string>>& headers);

} // namespace easymo::test
