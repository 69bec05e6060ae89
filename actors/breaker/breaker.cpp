#include "actors/breaker/breaker.hpp"

#include "runtime/directory.hpp"
#include "runtime/log.hpp"
#include "runtime/metrics.hpp"

#include <caf/all.hpp>

#include <nlohmann/json.hpp>

#include <cassert>

namespace easymo::breaker {

// Metric children of one gateway, looked up once per process and gateway.
struct gateway_metrics {
  metrics::gauge& state;
  metrics::counter_family& transitions;
  std::string gateway;
  metrics::counter& success;
  metrics::counter& failure;
  metrics::counter& slow_success;
  metrics::counter& slow_failure;
  metrics::counter& not_permitted;

  static metrics::counter& calls(const std::string& gw, const char* outcome) {
    return metrics::registry::global()
      .counters("easymo_breaker_calls_total",
                "Calls through a breaker, by outcome", {"gateway", "outcome"})
      .with({gw, outcome});
  }

  explicit gateway_metrics(const std::string& gw)
    : state(metrics::registry::global()
              .gauges("easymo_breaker_state",
                      "Circuit breaker state: 0 closed, 1 open, 2 half-open",
                      {"gateway"})
              .with({gw})),
      transitions(metrics::registry::global().counters(
        "easymo_breaker_transitions_total", "Circuit breaker state changes",
        {"gateway", "from", "to"})),
      gateway(gw),
      success(calls(gw, "success")),
      failure(calls(gw, "failure")),
      slow_success(calls(gw, "slow_success")),
      slow_failure(calls(gw, "slow_failure")),
      not_permitted(calls(gw, "not_permitted")) {
  }
};

namespace {

gateway_metrics& metrics_for(const std::string& gateway) {
  // One object per gateway name for the process: restarts keep counting.
  static std::mutex mtx;
  static std::map<std::string, std::unique_ptr<gateway_metrics>> all;
  std::lock_guard guard{mtx};
  auto& slot = all[gateway];
  if (!slot)
    slot = std::make_unique<gateway_metrics>(gateway);
  return *slot;
}

gateway_metrics& metrics_of(breaker_pointer self) {
  return *self->state.metrics;
}

std::chrono::milliseconds wait_left(breaker_pointer self) {
  auto& st = self->state;
  if (st.core.current() == state::half_open)
    return std::chrono::milliseconds{0};
  auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(
    st.core.config().open_wait);
  if (st.core.forced())
    return wait;
  auto spent = std::chrono::duration_cast<std::chrono::milliseconds>(
    self->clock().now() - st.opened_at);
  return std::max(wait - spent, std::chrono::milliseconds{0});
}

void on_transition(breaker_pointer self, const std::optional<transition>& t) {
  if (!t)
    return;
  auto& st = self->state;
  auto& m = metrics_of(self);
  ++st.counters.transitions;
  m.state.set(static_cast<double>(t->to));
  m.transitions.with({st.opts.gateway, to_string(t->from), to_string(t->to)})
    .inc();
  nlohmann::json fields{{"gateway", st.opts.gateway},
                        {"from", to_string(t->from)},
                        {"to", to_string(t->to)},
                        {"reason", t->reason}};
  if (t->to == state::open) {
    log::warn("breaker", "breaker opened", fields);
    st.opened_at = self->clock().now();
    // A forced breaker stays open until an operator resets it.
    if (!st.core.forced())
      self->delayed_send(self, st.core.config().open_wait,
                         half_open_atom::value, st.core.epoch());
  } else {
    log::info("breaker", "breaker state changed", fields);
  }
}

caf::error transport_error(const std::string& gateway, http::client_error e) {
  std::string detail{http::to_string(e)};
  switch (e) {
    case http::client_error::timeout:
      return make_error(errc::timeout, gateway, detail);
    case http::client_error::bad_url:
    case http::client_error::bad_request:
    case http::client_error::overloaded:
      return make_error(errc::refused, gateway, detail);
    default:
      return make_error(errc::transport, gateway, detail);
  }
}

caf::result<http::client_response> start_call(breaker_pointer self,
                                              http::client_request& req) {
  auto& st = self->state;
  auto p = st.core.acquire();
  if (!p.granted) {
    ++st.counters.not_permitted;
    metrics_of(self).not_permitted.inc();
    return make_error(errc::not_permitted, st.opts.gateway,
                      to_string(st.core.current()), wait_left(self).count());
  }
  ++st.counters.calls;
  auto id = st.next_call++;
  auto rp = self->make_response_promise<http::client_response>();
  st.pending.emplace(id, pending_call{rp, self->clock().now(), p.epoch});
  auto weak = caf::actor_cast<caf::weak_actor_ptr>(self);
  st.opts.transport(std::move(req), [weak, id](
                                      std::optional<http::client_error> err,
                                      http::client_response res) {
    // Called on an io thread: the outcome goes back as a message.
    if (auto strong = caf::actor_cast<caf::strong_actor_ptr>(weak))
      caf::anon_send(caf::actor_cast<breaker_actor>(strong), done_atom::value,
                     call_done{id, err, std::move(res)});
  });
  return rp;
}

void finish_call(breaker_pointer self, call_done& done) {
  auto& st = self->state;
  auto it = st.pending.find(done.id);
  if (it == st.pending.end())
    return;
  auto call = std::move(it->second);
  st.pending.erase(it);
  auto elapsed = self->clock().now() - call.started;
  bool failure = st.opts.failures.is_failure(done.error, done.response.status,
                                             done.response.body);
  bool slow = elapsed > st.core.config().slow_call_duration;
  (failure ? st.counters.failures : st.counters.successes) += 1;
  st.counters.slow += slow ? 1 : 0;
  auto& m = metrics_of(self);
  (slow ? (failure ? m.slow_failure : m.slow_success)
        : (failure ? m.failure : m.success))
    .inc();
  on_transition(self, st.core.record(call.epoch, failure, elapsed));
  if (done.error)
    call.rp.deliver(transport_error(st.opts.gateway, *done.error));
  else
    call.rp.deliver(std::move(done.response));
}

std::string describe(breaker_pointer self) {
  auto& st = self->state;
  auto& c = st.counters;
  nlohmann::json out{{"gateway", st.opts.gateway},
                     {"state", to_string(st.core.current())},
                     {"forced", st.core.forced()},
                     {"failure_rate", st.core.failure_rate()},
                     {"slow_call_rate", st.core.slow_call_rate()},
                     {"buffered_calls", st.core.buffered()},
                     {"failed_calls", st.core.failed()},
                     {"slow_calls", st.core.slow()},
                     {"in_flight", st.pending.size()},
                     {"calls", c.calls},
                     {"successes", c.successes},
                     {"failures", c.failures},
                     {"slow", c.slow},
                     {"not_permitted", c.not_permitted},
                     {"transitions", c.transitions},
                     {"retry_after_ms", st.core.current() == state::closed
                                          ? 0
                                          : wait_left(self).count()},
                     {"mailbox", self->mailbox().size()}};
  return out.dump();
}

} // namespace

breaker_options options_from(const std::string& gateway,
                             const breaker_settings& b, transport_fn transport) {
  breaker_options o;
  o.gateway = gateway;
  o.config.window_calls = b.window_calls;
  o.config.calls_min = b.calls_min;
  o.config.failure_rate_percent = static_cast<double>(b.failure_rate_percent);
  o.config.slow_call_duration = b.slow_call_duration;
  o.config.slow_call_rate_percent
    = static_cast<double>(b.slow_call_rate_percent);
  o.config.open_wait = b.open_wait;
  o.config.half_open_calls = b.half_open_calls;
  if (auto policy = parse_failure_policy(b.failures))
    o.failures = std::move(*policy);
  o.transport = std::move(transport);
  return o;
}

transport_fn client_transport(std::shared_ptr<http::client> client) {
  return [client = std::move(client)](http::client_request req,
                                      http::client_callback cb) {
    client->send(std::move(req), std::move(cb));
  };
}

breaker_actor::behavior_type breaker(breaker_pointer self,
                                     breaker_options opts) {
  assert(opts.transport);
  auto& st = self->state;
  st.opts = std::move(opts);
  st.core = breaker_core{st.opts.config};
  st.metrics = &metrics_for(st.opts.gateway);
  // A restarted breaker starts CLOSED; say so, since the gauge may still
  // show its predecessor's state.
  metrics_of(self).state.set(0);
  return {
    [self](call_atom, http::client_request& req) {
      return start_call(self, req);
    },
    [self](done_atom, call_done& done) { finish_call(self, done); },
    [self](half_open_atom, uint64_t epoch) {
      on_transition(self, self->state.core.wait_elapsed(epoch));
    },
    [self](caf::get_atom, info_atom) { return describe(self); },
    [self](caf::reset_atom) {
      on_transition(self, self->state.core.reset());
      return describe(self);
    },
    [self](caf::open_atom) {
      on_transition(self, self->state.core.force_open());
      return describe(self);
    },
  };
}

supervision::child_spec breaker_child(breaker_options opts) {
  supervision::child_spec spec;
  spec.name = "breaker:" + opts.gateway;
  spec.kind = "breaker";
  spec.start = [opts](caf::event_based_actor* parent) {
    auto hdl = parent->spawn(breaker, opts);
    auto untyped = caf::actor_cast<caf::actor>(hdl);
    directory::put(parent->system(), directory_name(opts.gateway), untyped);
    return untyped;
  };
  return spec;
}

} // namespace easymo::breaker
