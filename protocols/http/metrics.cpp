#include "protocols/http/metrics.hpp"

#include <map>
#include <memory>
#include <mutex>
#include <utility>

namespace easymo::http {

namespace {

struct families {
  metrics::counter_family& requests;
  metrics::histogram_family& duration;
  metrics::gauge_family& connections_open;
  metrics::counter_family& rejected;
};

families& http_families() {
  auto& reg = metrics::registry::global();
  static families instance{
    reg.counters("easymo_http_requests_total",
                 "HTTP responses by listener, route pattern and status",
                 {"listener", "route", "status"}),
    reg.histograms("easymo_http_request_duration_seconds",
                   "Time from a complete request to its response being queued",
                   {"listener", "route"}),
    reg.gauges("easymo_http_connections_open", "Open HTTP connections",
               {"listener"}),
    reg.counters("easymo_http_rejected_total",
                 "Requests and connections refused by the HTTP server",
                 {"listener", "reason"}),
  };
  return instance;
}

// Both caches only grow: their entries are referenced for the life of the
// process, and their size is bounded by listeners times route patterns.
std::mutex cache_mtx;
std::map<std::string, std::unique_ptr<listener_metrics>, std::less<>>
  listener_cache;
std::map<std::pair<std::string, std::string>, std::unique_ptr<route_metrics>>
  route_cache;

} // namespace

std::string_view to_string(reject_reason reason) {
  switch (reason) {
    case reject_reason::body_too_large:
      return "body_too_large";
    case reject_reason::header_too_large:
      return "header_too_large";
    case reject_reason::bad_request:
      return "bad_request";
    case reject_reason::timeout:
      return "timeout";
    case reject_reason::connections_max:
      return "connections_max";
  }
  return "unknown";
}

route_metrics::route_metrics(std::string listener, std::string route)
  : listener_(std::move(listener)),
    route_(std::move(route)),
    duration_(http_families().duration.with({listener_, route_})) {
}

metrics::counter& route_metrics::counter_for(unsigned status) {
  auto labels = [&] {
    return metrics::label_values{listener_, route_, std::to_string(status)};
  };
  if (status >= status_slots)
    return http_families().requests.with(labels());
  auto& slot = by_status_[status];
  if (auto* cached = slot.load(std::memory_order_acquire))
    return *cached;
  // Two threads may race here; both get the same child from the family.
  auto* child = &http_families().requests.with(labels());
  slot.store(child, std::memory_order_release);
  return *child;
}

void route_metrics::observe(unsigned status, double seconds) {
  counter_for(status).inc();
  duration_.observe(seconds);
}

void route_metrics::count(unsigned status) {
  counter_for(status).inc();
}

listener_metrics::listener_metrics(std::string listener)
  : connections_open_(http_families().connections_open.with({listener})),
    rejected_route_(route_metrics_for(listener, route_label::rejected)),
    unrouted_(route_metrics_for(listener, route_label::unrouted)) {
  for (std::size_t i = 0; i < reject_reason_count; ++i) {
    auto reason = to_string(static_cast<reject_reason>(i));
    rejected_[i] = &http_families().rejected.with(
      {listener, std::string{reason}});
  }
}

listener_metrics& listener_metrics_for(std::string_view listener) {
  {
    std::lock_guard guard{cache_mtx};
    if (auto i = listener_cache.find(listener); i != listener_cache.end())
      return *i->second;
  }
  // Built outside the lock: the constructor takes route_metrics_for's lock.
  auto fresh = std::make_unique<listener_metrics>(std::string{listener});
  std::lock_guard guard{cache_mtx};
  auto [i, added] = listener_cache.try_emplace(std::string{listener});
  if (added)
    i->second = std::move(fresh);
  return *i->second;
}

route_metrics& route_metrics_for(std::string_view listener,
                                 std::string_view route) {
  std::lock_guard guard{cache_mtx};
  auto& slot = route_cache[{std::string{listener}, std::string{route}}];
  if (!slot)
    slot = std::make_unique<route_metrics>(std::string{listener},
                                           std::string{route});
  return *slot;
}

} // namespace easymo::http
