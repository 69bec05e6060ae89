#include "persistence/db/pool.hpp"

#include "runtime/log.hpp"
#include "runtime/metrics.hpp"

#include <caf/all.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>

namespace easymo::db {

namespace {

struct pool_metrics {
  metrics::gauge& size = gauge("easymo_db_pool_size", "Database connections "
                                                      "the pool keeps");
  metrics::gauge& connected = gauge("easymo_db_pool_connected",
                                    "Database connections that are up");
  metrics::gauge& in_use = gauge("easymo_db_pool_in_use",
                                 "Database connections running a job");
  metrics::gauge& queued = gauge("easymo_db_pool_queued",
                                 "Database jobs waiting for a connection");
  metrics::counter& refused = metrics::registry::global()
                                .counters("easymo_db_jobs_refused_total",
                                          "Database jobs refused: no "
                                          "connection or queue full",
                                          {"reason"})
                                .with({"any"});

  static metrics::gauge& gauge(const char* name, const char* help) {
    return metrics::registry::global().gauges(name, help).with();
  }

  static pool_metrics& get() {
    static pool_metrics instance;
    return instance;
  }
};

void publish(pool_actor* self) {
  auto& st = self->state;
  auto& m = pool_metrics::get();
  m.size.set(static_cast<double>(st.workers.size()));
  m.connected.set(static_cast<double>(st.connected()));
  m.in_use.set(static_cast<double>(st.busy()));
  m.queued.set(static_cast<double>(st.queue.size()));
}

void pump(pool_actor* self);

void dispatch(pool_actor* self, size_t index, job work,
              caf::response_promise rp) {
  auto& slot = self->state.workers[index];
  slot.busy = true;
  // No timeout here: the worker stays busy until its statement returns (the
  // statement_timeout bounds that); callers put their own timeout on the pool.
  self->request(slot.handle, caf::infinite, std::move(work))
    .then(
      [self, index, rp](job_result& result) mutable {
        rp.deliver(std::move(result));
        self->state.workers[index].busy = false;
        ++self->state.jobs_done;
        pump(self);
      },
      [self, index, rp](caf::error& err) mutable {
        rp.deliver(std::move(err));
        self->state.workers[index].busy = false;
        pump(self);
      });
}

std::optional<size_t> idle_worker(pool_actor* self) {
  auto& ws = self->state.workers;
  for (size_t i = 0; i < ws.size(); ++i)
    if (ws[i].connected && !ws[i].busy)
      return i;
  return std::nullopt;
}

void pump(pool_actor* self) {
  auto& st = self->state;
  while (!st.queue.empty()) {
    auto index = idle_worker(self);
    if (!index)
      break;
    auto next = std::move(st.queue.front());
    st.queue.pop_front();
    dispatch(self, *index, std::move(next.work), std::move(next.rp));
  }
  publish(self);
}

// Jobs should not wait for a database that is down: the ingress answers 503
// right away and Meta redelivers later.
void fail_queue(pool_actor* self) {
  auto& st = self->state;
  while (!st.queue.empty()) {
    auto next = std::move(st.queue.front());
    st.queue.pop_front();
    next.rp.deliver(make_error(errc::unavailable, next.work.label));
    pool_metrics::get().refused.inc();
  }
}

caf::result<job_result> submit(pool_actor* self, job& work) {
  auto& st = self->state;
  if (st.connected() == 0) {
    pool_metrics::get().refused.inc();
    ++st.jobs_refused;
    return make_error(errc::unavailable, work.label);
  }
  if (st.queue.empty()) {
    if (auto index = idle_worker(self)) {
      auto rp = self->make_response_promise();
      dispatch(self, *index, std::move(work), rp);
      publish(self);
      return caf::delegated<job_result>{};
    }
  }
  if (st.queue.size() >= st.opts.queue_jobs_max) {
    pool_metrics::get().refused.inc();
    ++st.jobs_refused;
    return make_error(errc::overloaded, work.label);
  }
  st.queue.push_back(queued_job{std::move(work), self->make_response_promise()});
  publish(self);
  return caf::delegated<job_result>{};
}

void on_worker_status(pool_actor* self, size_t index, bool connected) {
  auto& st = self->state;
  if (index >= st.workers.size())
    return;
  auto was = st.connected();
  st.workers[index].connected = connected;
  auto now = st.connected();
  if (was > 0 && now == 0) {
    log::warn("db.pool", "no database connection left");
    fail_queue(self);
  } else if (was == 0 && now > 0) {
    log::info("db.pool", "database reachable", {{"connected", now}});
  }
  pump(self);
}

std::string describe(pool_actor* self) {
  auto& st = self->state;
  nlohmann::json out{{"size", st.workers.size()},
                     {"connected", st.connected()},
                     {"busy", st.busy()},
                     {"queued", st.queue.size()},
                     {"jobs_done", st.jobs_done},
                     {"jobs_refused", st.jobs_refused},
                     {"mailbox", self->mailbox().size()}};
  return out.dump();
}

} // namespace

size_t pool_state::connected() const {
  return static_cast<size_t>(std::count_if(
    workers.begin(), workers.end(), [](auto& w) { return w.connected; }));
}

size_t pool_state::busy() const {
  return static_cast<size_t>(std::count_if(workers.begin(), workers.end(),
                                           [](auto& w) { return w.busy; }));
}

caf::error make_error(errc code, std::string context) {
  return caf::error{static_cast<uint8_t>(code), error_category,
                    caf::make_message(std::move(context))};
}

std::string render_error(uint8_t code, caf::atom_value,
                         const caf::message& context) {
  std::string out = "db:";
  switch (static_cast<errc>(code)) {
    case errc::unavailable:
      out += "unavailable";
      break;
    case errc::query_failed:
      out += "query_failed";
      break;
    case errc::overloaded:
      out += "overloaded";
      break;
    default:
      out += "unknown";
  }
  if (context.match_elements<std::string>())
    out += " (" + context.get_as<std::string>(0) + ")";
  return out;
}

bool is(const caf::error& err, errc code) {
  // An empty caf::error has no category to read in CAF 0.17.
  return err && err.category() == error_category
         && err.code() == static_cast<uint8_t>(code);
}

std::string with_connect_options(const std::string& url,
                                 caf::timespan connect_timeout) {
  auto secs = std::max<long long>(
    1, std::chrono::duration_cast<std::chrono::seconds>(connect_timeout).count());
  auto timeout = std::to_string(secs);
  bool is_url = url.rfind("postgresql://", 0) == 0
                || url.rfind("postgres://", 0) == 0;
  if (!is_url)
    return url + " connect_timeout=" + timeout + " application_name=easymod";
  auto sep = url.find('?') == std::string::npos ? "?" : "&";
  return url + sep + "connect_timeout=" + timeout
         + "&application_name=easymod";
}

caf::behavior pool(pool_actor* self, pool_options opts) {
  auto& st = self->state;
  st.opts = std::move(opts);
  auto me = caf::actor_cast<caf::actor>(self);
  for (size_t i = 0; i < st.opts.size; ++i) {
    // Linked: a worker that dies takes the pool down, and the persistence
    // supervisor restarts both with fresh connections.
    auto w = self->spawn<caf::detached + caf::linked>(worker, st.opts, me, i);
    st.workers.push_back(worker_slot{w, false, false});
  }
  publish(self);
  return {
    [self](job& work) { return submit(self, work); },
    [self](worker_status_atom, size_t index, bool connected) {
      on_worker_status(self, index, connected);
    },
    [self](caf::get_atom, health_atom) {
      auto& st = self->state;
      return pool_health{st.workers.size(), st.connected(), st.busy(),
                         st.queue.size()};
    },
    [self](caf::get_atom, info_atom) { return describe(self); },
  };
}

} // namespace easymo::db
