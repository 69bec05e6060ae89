#include "protocols/http/router.hpp"

#include "protocols/http/metrics.hpp"

#include <atomic>
#include <functional>
#include <unordered_map>
#include <utility>
#include <vector>

namespace easymo::http {

// Named, not anonymous: router::table has external linkage and holds these,
// and in the unity build g++ warns (-Wsubobject-linkage) when such a type's
// members have internal linkage.
namespace router_parts {

// Remembers the route_metrics of the first listener that used a route, so the
// usual case (one router per listener) costs one atomic load per request. A
// router shared by several listeners falls back to the locked lookup for the
// others, which is correct, only slower.
class metrics_slot {
public:
  metrics_slot() = default;

  // Routes are only moved while the table is built, before any request.
  metrics_slot(metrics_slot&& other) noexcept
    : first_(other.first_.load(std::memory_order_relaxed)) {
  }

  route_metrics& get(std::string_view listener, std::string_view route) const {
    auto* cached = first_.load(std::memory_order_acquire);
    if (cached && cached->listener() == listener)
      return *cached;
    auto& found = route_metrics_for(listener, route);
    route_metrics* expected = nullptr;
    first_.compare_exchange_strong(expected, &found, std::memory_order_acq_rel);
    return found;
  }

private:
  mutable std::atomic<route_metrics*> first_{nullptr};
};

struct route {
  beast_http::verb method;
  handler fn;
};

struct path_entry {
  std::vector<route> routes;
  std::string allow;
  // Keyed by the pattern, shared by all methods of the path: the method is
  // not a label, and the 405s of a known path are counted here as well.
  metrics_slot metrics;

  const route* find(beast_http::verb method) const {
    for (const auto& r : routes)
      if (r.method == method)
        return &r;
    return nullptr;
  }
};

struct string_hash {
  using is_transparent = void;
  size_t operator()(std::string_view text) const {
    return std::hash<std::string_view>{}(text);
  }
};

} // namespace router_parts

struct router::table {
  std::unordered_map<std::string, router_parts::path_entry,
                     router_parts::string_hash, std::equal_to<>>
    paths;
  router_parts::metrics_slot unmatched;
};

router::router() : table_(std::make_shared<table>()) {
}

router& router::add(beast_http::verb method, std::string path, handler h) {
  auto& entry = table_->paths[std::move(path)];
  for (auto& r : entry.routes) {
    if (r.method == method) {
      r.fn = std::move(h);
      return *this;
    }
  }
  entry.routes.push_back(router_parts::route{method, std::move(h)});
  if (!entry.allow.empty())
    entry.allow += ", ";
  entry.allow += beast_http::to_string(method);
  return *this;
}

std::string router::allowed(std::string_view path) const {
  auto i = table_->paths.find(path);
  return i == table_->paths.end() ? std::string{} : i->second.allow;
}

void router::operator()(request_ptr req, responder res) const {
  auto i = table_->paths.find(req->path());
  if (i == table_->paths.end()) {
    res.set_route(table_->unmatched.get(req->listener, route_label::unmatched));
    res(json_error(beast_http::status::not_found, "not found"));
    return;
  }
  auto& entry = i->second;
  res.set_route(entry.metrics.get(req->listener, i->first));
  auto* found = entry.find(req->method());
  if (!found) {
    auto answer = json_error(beast_http::status::method_not_allowed,
                             "method not allowed");
    answer.set(beast_http::field::allow, entry.allow);
    res(std::move(answer));
    return;
  }
  found->fn(std::move(req), std::move(res));
}

} // namespace easymo::http
