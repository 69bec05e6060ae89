#include "runtime/supervisor/supervisor.hpp"

#include "runtime/log.hpp"
#include "runtime/metrics.hpp"

#include <caf/all.hpp>

#include <nlohmann/json.hpp>

namespace easymo::supervision {

namespace {

using stop_timeout_atom = caf::atom_constant<caf::atom("stoptmo")>;

constexpr auto tree_request_timeout = std::chrono::seconds(2);

bool is_normal(const caf::error& reason) {
  return !reason || reason == caf::exit_reason::normal;
}

metrics::counter_family& restart_counter() {
  static auto& fam = metrics::registry::global().counters(
    "easymo_supervisor_restarts_total",
    "Child restarts performed by each supervisor", {"supervisor", "child"});
  return fam;
}

const char* strategy_name(strategy s) {
  return s == strategy::one_for_one ? "one_for_one" : "rest_for_one";
}

const char* restart_name(restart r) {
  switch (r) {
    case restart::permanent:
      return "permanent";
    case restart::transient:
      return "transient";
    default:
      return "temporary";
  }
}

// Children are monitored, not linked: a link would also deliver each child's
// exit message, which cannot be told apart from a stop request once the child
// has been replaced. The attached functor takes the place of the link when the
// supervisor itself dies abruptly.
void start_child(supervisor_actor* self, child_state& child) {
  child.handle = child.spec.start(self);
  self->monitor(child.handle);
  self->attach_functor([addr = child.handle.address()](const caf::error& why) {
    if (!why || why == caf::exit_reason::normal)
      return;
    if (auto ptr = caf::actor_cast<caf::strong_actor_ptr>(addr))
      ptr->enqueue(nullptr, caf::make_message_id(),
                   caf::make_message(caf::exit_msg{addr, why}), nullptr);
  });
}

// Stops a child without waiting; its late exit message is ignored because
// the slot no longer holds its address.
void stop_now(supervisor_actor* self, child_state& child) {
  if (!child.handle)
    return;
  self->demonitor(child.handle);
  self->send_exit(child.handle, caf::exit_reason::user_shutdown);
  child.handle = nullptr;
}

// Stops the last running child, waits for its exit (or the timeout), then
// the one before it; quits when none is left.
void stop_next(supervisor_actor* self) {
  auto& st = self->state;
  for (auto i = st.children.rbegin(); i != st.children.rend(); ++i) {
    if (!i->handle)
      continue;
    st.stopping_child = i->handle.address();
    self->send_exit(i->handle, caf::exit_reason::user_shutdown);
    self->delayed_send(self, st.spec.shutdown_timeout, stop_timeout_atom::value,
                       st.stopping_child);
    return;
  }
  self->quit(st.stop_reason);
}

void begin_stop(supervisor_actor* self, caf::error reason) {
  auto& st = self->state;
  if (st.stopping)
    return;
  st.stopping = true;
  st.stop_reason = std::move(reason);
  stop_next(self);
}

// Records a restart; returns false when the intensity is exceeded.
bool admit_restart(supervisor_actor* self) {
  auto& st = self->state;
  auto now = self->clock().now();
  while (!st.restart_times.empty()
         && now - st.restart_times.front() > st.spec.period)
    st.restart_times.pop_front();
  st.restart_times.push_back(now);
  return st.restart_times.size() <= st.spec.intensity;
}

void give_up(supervisor_actor* self, const std::string& child_name) {
  auto& st = self->state;
  auto reason = make_error(errc::restart_limit, st.spec.name);
  log::error("supervisor", "restart intensity exceeded, giving up",
             {{"supervisor", st.spec.name},
              {"child", child_name},
              {"intensity", st.spec.intensity}});
  if (st.spec.on_give_up)
    st.spec.on_give_up(reason);
  begin_stop(self, std::move(reason));
}

void restart_from(supervisor_actor* self, size_t failed) {
  auto& st = self->state;
  size_t first = failed;
  size_t last = st.spec.strat == strategy::rest_for_one ? st.children.size()
                                                         : failed + 1;
  // Siblings that had already ended stay ended.
  std::vector<bool> was_running(last);
  for (size_t i = first; i < last; ++i)
    was_running[i] = i == failed || static_cast<bool>(st.children[i].handle);
  // Later siblings stop last-first before anyone restarts.
  for (size_t i = last; i-- > first + 1;)
    stop_now(self, st.children[i]);
  for (size_t i = first; i < last; ++i) {
    auto& child = st.children[i];
    if (!was_running[i]
        || (i != failed && child.spec.policy == restart::temporary))
      continue;
    ++child.restarts;
    ++st.total_restarts;
    restart_counter().with({st.spec.name, child.spec.name}).inc();
    start_child(self, child);
  }
}

void on_child_exit(supervisor_actor* self, size_t index,
                   const caf::error& reason) {
  auto& st = self->state;
  auto& child = st.children[index];
  child.handle = nullptr;
  bool normal = is_normal(reason);
  if (!normal) {
    child.last_failure = reason && reason.category() == error_category
                           ? render_error(reason.code(), reason.category(),
                                          reason.context())
                           : self->system().render(reason);
    log::warn("supervisor", "child failed",
              {{"supervisor", st.spec.name},
               {"child", child.spec.name},
               {"reason", child.last_failure}});
  }
  bool wants_restart = child.spec.policy == restart::permanent
                       || (child.spec.policy == restart::transient && !normal);
  if (!wants_restart)
    return;
  if (!admit_restart(self)) {
    give_up(self, child.spec.name);
    return;
  }
  restart_from(self, index);
}

void on_down(supervisor_actor* self, caf::down_msg& msg) {
  auto& st = self->state;
  for (size_t i = 0; i < st.children.size(); ++i) {
    auto& child = st.children[i];
    if (!child.handle || child.handle.address() != msg.source)
      continue;
    if (st.stopping) {
      child.handle = nullptr;
      if (msg.source == st.stopping_child)
        stop_next(self);
      return;
    }
    on_child_exit(self, i, msg.reason);
    return;
  }
}

// Children are not linked, so an exit message is always a stop request from
// the parent (or from main).
void on_exit(supervisor_actor* self, caf::exit_msg& msg) {
  auto& st = self->state;
  if (!st.stopping)
    begin_stop(self, msg.reason ? msg.reason
                                : caf::error{caf::exit_reason::user_shutdown});
}

nlohmann::json child_json(const child_state& child) {
  return {{"name", child.spec.name},
          {"kind", child.spec.kind},
          {"restart", restart_name(child.spec.policy)},
          {"running", static_cast<bool>(child.handle)},
          {"restarts", child.restarts},
          {"last_failure", child.last_failure}};
}

struct tree_collector {
  nlohmann::json root;
  size_t pending = 0;
  caf::typed_response_promise<std::string> rp;

  void done() {
    if (--pending == 0)
      rp.deliver(root.dump());
  }
};

caf::result<std::string> describe_tree(supervisor_actor* self) {
  auto& st = self->state;
  auto acc = std::make_shared<tree_collector>();
  acc->root = {{"name", st.spec.name},
               {"kind", "supervisor"},
               {"strategy", strategy_name(st.spec.strat)},
               {"intensity", st.spec.intensity},
               {"restarts", st.total_restarts},
               {"mailbox", self->mailbox().size()},
               {"children", nlohmann::json::array()}};
  for (auto& child : st.children)
    acc->root["children"].push_back(child_json(child));
  acc->rp = self->make_response_promise<std::string>();
  acc->pending = 1; // Released below, after every request went out.
  for (size_t i = 0; i < st.children.size(); ++i) {
    auto& child = st.children[i];
    if (!child.handle)
      continue;
    ++acc->pending;
    auto merge = [acc, i](std::string& text) {
      auto extra = nlohmann::json::parse(text, nullptr, false);
      if (extra.is_object())
        acc->root["children"][i].update(extra);
      acc->done();
    };
    auto fail = [acc](caf::error&) { acc->done(); };
    if (child.spec.is_supervisor)
      self->request(child.handle, tree_request_timeout, caf::get_atom::value,
                    tree_atom::value)
        .then(merge, fail);
    else
      self->request(child.handle, tree_request_timeout, caf::get_atom::value,
                    info_atom::value)
        .then(merge, fail);
  }
  acc->done();
  return acc->rp;
}

} // namespace

caf::error make_error(errc code, std::string context) {
  return caf::error{static_cast<uint8_t>(code), error_category,
                    caf::make_message(std::move(context))};
}

std::string render_error(uint8_t code, caf::atom_value,
                         const caf::message& context) {
  std::string out = "supervise:";
  out += code == static_cast<uint8_t>(errc::restart_limit) ? "restart_limit"
                                                           : "unknown";
  if (context.match_elements<std::string>())
    out += " (" + context.get_as<std::string>(0) + ")";
  return out;
}

child_spec subtree(supervisor_spec spec, restart policy) {
  child_spec child;
  child.name = spec.name;
  child.kind = "supervisor";
  child.policy = policy;
  child.is_supervisor = true;
  child.start = [spec](caf::event_based_actor* parent) {
    return parent->spawn(supervisor, spec);
  };
  return child;
}

caf::behavior supervisor(supervisor_actor* self, supervisor_spec spec) {
  auto& st = self->state;
  st.spec = std::move(spec);
  self->set_exit_handler([self](caf::exit_msg& msg) { on_exit(self, msg); });
  self->set_down_handler([self](caf::down_msg& msg) { on_down(self, msg); });
  for (auto& child_spec : st.spec.children) {
    st.children.push_back(child_state{child_spec, nullptr, 0, {}});
    start_child(self, st.children.back());
  }
  return {
    [self](caf::get_atom, tree_atom) { return describe_tree(self); },
    [self](stop_timeout_atom, const caf::actor_addr& who) {
      auto& st = self->state;
      if (!st.stopping || who != st.stopping_child)
        return;
      for (auto& child : st.children) {
        if (child.handle && child.handle.address() == who) {
          log::warn("supervisor", "child did not stop in time, killing it",
                    {{"supervisor", st.spec.name}, {"child", child.spec.name}});
          self->send_exit(child.handle, caf::exit_reason::kill);
        }
      }
    },
  };
}

} // namespace easymo::supervision
