#include "protocols/http/responder.hpp"

#include "protocols/http/metrics.hpp"
#include "runtime/log.hpp"

#include <exception>
#include <utility>

namespace easymo::http {

struct responder::state {
  // Exactly one of the two targets is set.
  std::weak_ptr<detail::response_sink> sink;
  std::function<void(response)> sink_fn;
  std::uint64_t seq = 0;
  std::string request_id;
  std::chrono::steady_clock::time_point received;
  std::atomic<route_metrics*> route{nullptr};
  std::shared_ptr<std::atomic<std::size_t>> in_flight;
  std::atomic<bool> done{false};

  state() = default;
  state(const state&) = delete;
  state& operator=(const state&) = delete;

  ~state() {
    if (done.load(std::memory_order_acquire))
      return;
    // A destructor must not throw; if even building the 500 fails there is
    // nothing left to tell the client.
    try {
      log::warn("http", "handler dropped its responder without answering",
                nullptr, request_id);
      finish(json_error(beast_http::status::internal_server_error,
                        "the handler did not answer"));
    } catch (const std::exception&) {
    }
  }

  bool claim() { return !done.exchange(true, std::memory_order_acq_rel); }

  void finish(response res) {
    done.store(true, std::memory_order_release);
    if (auto* r = route.load(std::memory_order_acquire)) {
      std::chrono::duration<double> took = std::chrono::steady_clock::now()
                                           - received;
      r->observe(res.result_int(), took.count());
    }
    if (in_flight)
      in_flight->fetch_sub(1, std::memory_order_acq_rel);
    if (sink_fn) {
      sink_fn(std::move(res));
    } else if (auto target = sink.lock()) {
      target->deliver(seq, std::move(res));
    }
  }
};

responder::responder(std::function<void(response)> sink)
  : state_(std::make_shared<state>()) {
  state_->sink_fn = std::move(sink);
  state_->received = std::chrono::steady_clock::now();
}

responder::responder(std::weak_ptr<detail::response_sink> sink,
                     std::uint64_t seq, std::string request_id,
                     std::chrono::steady_clock::time_point received,
                     route_metrics* route,
                     std::shared_ptr<std::atomic<std::size_t>> in_flight)
  : state_(std::make_shared<state>()) {
  state_->sink = std::move(sink);
  state_->seq = seq;
  state_->request_id = std::move(request_id);
  state_->received = received;
  state_->route.store(route, std::memory_order_relaxed);
  state_->in_flight = std::move(in_flight);
}

void responder::operator()(response res) const {
  if (!state_->claim()) {
    log::warn("http", "responder called more than once; answer ignored",
              nullptr, state_->request_id);
    return;
  }
  state_->finish(std::move(res));
}

void responder::abort_connection() const {
  if (!state_->claim())
    return;
  if (state_->in_flight)
    state_->in_flight->fetch_sub(1, std::memory_order_acq_rel);
  if (auto target = state_->sink.lock())
    target->abort();
}

void responder::set_route(route_metrics& route) const {
  state_->route.store(&route, std::memory_order_release);
}

bool responder::answered() const {
  return state_->done.load(std::memory_order_acquire);
}

} // namespace easymo::http
