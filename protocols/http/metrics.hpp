// Prometheus metrics of the HTTP server, with the children resolved once.
//
// Looking a child up in a family takes a mutex and builds a vector of label
// strings, which is too much per request. The objects here are created once
// per listener and per (listener, route) and never destroyed, so requests,
// sessions and responders can keep plain references and pointers to them
// whatever the lifetime of the server that created them.
#pragma once

#include "runtime/metrics.hpp"

#include <array>
#include <atomic>
#include <cstddef>
#include <string>
#include <string_view>

namespace easymo::http {

/// Why the server refused a request or dropped a connection.
enum class reject_reason : std::size_t {
  body_too_large,
  header_too_large,
  bad_request,
  timeout,
  connections_max,
};

inline constexpr std::size_t reject_reason_count = 5;

/// The label value of `reason` in `easymo_http_rejected_total`.
std::string_view to_string(reject_reason reason);

/// Route labels for answers that no registered route produced.
namespace route_label {
/// The router found no route with this path.
inline constexpr std::string_view unmatched = "(unmatched)";
/// The server answered before routing (400, 413, 431, 503).
inline constexpr std::string_view rejected = "(rejected)";
/// The server's handler is not a router and did not name a route.
inline constexpr std::string_view unrouted = "(unrouted)";
} // namespace route_label

/// The request counter and latency histogram of one route on one listener.
class route_metrics {
public:
  route_metrics(std::string listener, std::string route);

  route_metrics(const route_metrics&) = delete;
  route_metrics& operator=(const route_metrics&) = delete;

  /// Counts one answer with `status` and records its latency.
  void observe(unsigned status, double seconds);

  /// Counts one answer with `status` without a latency (server rejections).
  void count(unsigned status);

  const std::string& listener() const { return listener_; }
  const std::string& route() const { return route_; }

private:
  // Statuses are three digits; anything above is a handler bug and takes the
  // slow path rather than growing this table.
  static constexpr unsigned status_slots = 600;

  metrics::counter& counter_for(unsigned status);

  std::string listener_;
  std::string route_;
  metrics::histogram& duration_;
  std::array<std::atomic<metrics::counter*>, status_slots> by_status_{};
};

/// Connection gauge and rejection counters of one listener.
class listener_metrics {
public:
  explicit listener_metrics(std::string listener);

  listener_metrics(const listener_metrics&) = delete;
  listener_metrics& operator=(const listener_metrics&) = delete;

  void rejected(reject_reason reason) {
    rejected_[static_cast<std::size_t>(reason)]->inc();
  }

  metrics::gauge& connections_open() { return connections_open_; }

  /// Where server-made answers (400, 413, 431, 503) are counted.
  route_metrics& rejected_route() { return rejected_route_; }

  /// Where answers are counted when the handler names no route.
  route_metrics& unrouted() { return unrouted_; }

private:
  metrics::gauge& connections_open_;
  std::array<metrics::counter*, reject_reason_count> rejected_{};
  route_metrics& rejected_route_;
  route_metrics& unrouted_;
};

/// The process-wide metrics of `listener`; the same object on every call.
listener_metrics& listener_metrics_for(std::string_view listener);

/// The process-wide metrics of `route` on `listener`; the same object on
/// every call. Callers pass route patterns, never raw request paths, so the
/// number of objects stays bounded.
route_metrics& route_metrics_for(std::string_view listener,
                                 std::string_view route);

} // namespace easymo::http
