// A Graph API simulator for tests and benchmarks, on the project's own HTTP
// server (protocols/http). It speaks the real request and response JSON of
// POST /{version}/{phone_number_id}/messages (protocols/whatsapp/
// graph_answers.hpp): it checks the bearer token, the body shape and Meta's
// limits, answers accepted messages with a fresh wamid, and answers faults
// with Meta's error bodies and HTTP statuses.
//
// It records every request (thread-safe; bodies optional, for long
// benchmarks), counts duplicates by biz_opaque_callback_data (a message
// accepted twice is a duplicate the user would see), and can be told to
// answer the next N requests, or a percentage of them, with a fault:
// throttling (429/130429), the pair rate limit (429/131056), 5xx, a
// permanent error, a bad token, a stall (no answer until released) or a
// dropped connection.
//
// The same control is reachable over HTTP under /_sim/ (see
// graph_sim_control.cpp), which the standalone easymo-graph-sim uses.
#pragma once

#include "protocols/http/io_pool.hpp"
#include "protocols/http/responder.hpp"
#include "protocols/http/server.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace easymo::test {

struct graph_fault {
  enum class kind { throttle, pair_limit, server_error, permanent, auth, stall, drop };
  kind what = kind::server_error;
  /// server_error: 500 (code 131000) or 503 (code 131016).
  int http_status = 500;
  /// permanent: Meta's code (131026 undeliverable, 100 invalid parameter...).
  int64_t code = 131026;

  static graph_fault throttle();
  static graph_fault pair_limit();
  static graph_fault server_error(int http_status = 500);
  static graph_fault permanent(int64_t code = 131026);
  static graph_fault auth();
  static graph_fault stall();
  static graph_fault drop();
};

/// "throttle", "pair_limit", "server_error", "permanent", "auth", "stall",
/// "drop" (with optional "status" and "code"), as the control API takes it.
std::optional<graph_fault> fault_from_json(const nlohmann::json& spec);

struct sim_record {
  std::string to;
  std::string type;
  std::string callback_data;
  /// The request body; empty when bodies are not kept.
  std::string body;
  /// The wamid answered, for accepted messages.
  std::string wamid;
  /// The HTTP status answered; 0 while stalled, -1 when dropped.
  int status = 0;
  /// When the request arrived (latency measurements).
  std::chrono::steady_clock::time_point received;
};

struct sim_counts {
  size_t requests = 0;
  size_t accepted = 0;
  /// Refused for a bad token or body (a bug on the sender's side).
  size_t refused = 0;
  /// Answered with an injected error.
  size_t faulted = 0;
  size_t stalled = 0;
  size_t dropped = 0;
  /// Accepted copies beyond the first, per biz_opaque_callback_data.
  size_t duplicates = 0;
};

class graph_sim {
public:
  struct options {
    std::string token = "sim-token";
    std::string host = "127.0.0.1";
    uint16_t port = 0;
    size_t io_threads = 1;
    /// Keep request bodies in the records (off for long benchmarks).
    bool keep_bodies = true;
    /// Serve the /_sim/ control API.
    bool control_api = true;
    /// Seeds the percentage draws.
    uint64_t seed = 1;
  };

  explicit graph_sim(options opts);
  graph_sim();
  ~graph_sim();

  graph_sim(const graph_sim&) = delete;
  graph_sim& operator=(const graph_sim&) = delete;

  uint16_t port() const;
  /// "http://127.0.0.1:<port>": the api_url for the dispatcher.
  std::string base_url() const;
  const std::string& token() const { return opts_.token; }

  // -- faults ------------------------------------------------------------------
  /// The next `n` valid requests get `f` (after any faults queued before).
  void fail_next(size_t n, graph_fault f);
  /// Once no counted fault is left, `percent` of valid requests get `f`.
  void fail_percent(double percent, graph_fault f);
  void clear_faults();
  /// Answers every stalled request as accepted.
  void release_stalled();

  // -- records -----------------------------------------------------------------
  std::vector<sim_record> requests() const;
  std::vector<sim_record> requests_to(const std::string& wa_id) const;
  sim_counts counts() const;
  /// Accepted copies of the message with this biz_opaque_callback_data.
  size_t copies_of(const std::string& callback_data) const;
  /// Forgets records and faults; stalled requests are dropped.
  void reset();

private:
  struct stalled_request {
    size_t record;
    std::string to;
    std::string callback_data;
    bool is_template = false;
    http::responder res;
  };

  void handle(http::request_ptr req, http::responder res);
  void handle_messages(const http::request& req, http::responder res);
  bool handle_control(const http::request& req, http::responder& res);
  std::optional<graph_fault> next_fault();
  /// Records an accepted message and answers it. Caller holds mtx_.
  http::response accept(size_t record, const std::string& to,
                        const std::string& callback_data, bool is_template);
  size_t add_record(sim_record r);

  options opts_;
  mutable std::mutex mtx_;
  std::vector<sim_record> records_;                 // guarded by mtx_
  std::map<std::string, size_t> accepted_by_data_;  // guarded by mtx_
  sim_counts counts_;                               // guarded by mtx_
  std::deque<std::pair<size_t, graph_fault>> next_; // guarded by mtx_
  std::optional<std::pair<double, graph_fault>> percent_; // guarded by mtx_
  std::mt19937_64 rng_;                             // guarded by mtx_
  std::vector<stalled_request> stalled_;            // guarded by mtx_
  http::io_pool io_;
  std::unique_ptr<http::server> server_;
};

} // namespace easymo::test
