// A database worker: a detached actor (its own thread) that owns one libpqxx
// connection, the only place where blocking PostgreSQL calls may happen.
#include "persistence/db/pool.hpp"

#include "runtime/log.hpp"
#include "runtime/metrics.hpp"

#include <caf/all.hpp>

#include <pqxx/pqxx>

namespace easymo::db {

namespace {

using reconnect_atom = caf::atom_constant<caf::atom("reconnect")>;

struct worker_metrics {
  metrics::histogram_family& duration = metrics::registry::global().histograms(
    "easymo_db_query_duration_seconds", "Time spent running database jobs",
    {"label"});
  metrics::counter_family& errors = metrics::registry::global().counters(
    "easymo_db_errors_total", "Database jobs that failed, by kind", {"kind"});
  metrics::counter& reconnects = metrics::registry::global()
                                   .counters("easymo_db_reconnects_total",
                                             "Successful reconnections after a "
                                             "lost database connection")
                                   .with();

  static worker_metrics& get() {
    static worker_metrics instance;
    return instance;
  }
};

std::string ms_setting(caf::timespan t) {
  return std::to_string(
    std::chrono::duration_cast<std::chrono::milliseconds>(t).count());
}

void report(worker_actor* self, const caf::actor& pool, size_t index) {
  self->send(pool, worker_status_atom::value, index,
             static_cast<bool>(self->state.conn));
}

void schedule_retry(worker_actor* self, const pool_options& opts) {
  auto& st = self->state;
  if (st.retry_scheduled)
    return;
  st.retry_scheduled = true;
  st.backoff = st.backoff.count() == 0
                 ? opts.retry_backoff_min
                 : std::min(st.backoff * 2, opts.retry_backoff_max);
  self->delayed_send(self, st.backoff, reconnect_atom::value);
}

// Blocks for at most the connect timeout; that is fine on a detached thread.
bool try_connect(worker_actor* self, const pool_options& opts) {
  auto& st = self->state;
  try {
    auto conn = std::make_unique<pqxx::connection>(
      with_connect_options(opts.url, opts.connect_timeout));
    pqxx::nontransaction tx{*conn};
    tx.exec("SET statement_timeout = " + ms_setting(opts.statement_timeout));
    tx.exec("SET lock_timeout = " + ms_setting(opts.statement_timeout));
    // Our prepared statements run for the life of the connection. A generic
    // plan cached while a table was still empty (a new deployment) stays a
    // sequential scan as the table grows; custom plans see its real size.
    // Statements run once per batch, so planning each time is cheap.
    tx.exec("SET plan_cache_mode = force_custom_plan");
    st.conn = std::move(conn);
    st.backoff = caf::timespan{0};
    return true;
  } catch (const std::exception& e) {
    st.conn.reset();
    log::debug("db.worker", "connect failed", {{"error", e.what()}});
    return false;
  }
}

caf::result<job_result> run_job(worker_actor* self, const pool_options& opts,
                                const caf::actor& pool, size_t index,
                                job& work) {
  auto& st = self->state;
  auto& m = worker_metrics::get();
  if (!st.conn) {
    m.errors.with({"unavailable"}).inc();
    return make_error(errc::unavailable, work.label);
  }
  auto start = std::chrono::steady_clock::now();
  try {
    auto value = work.fn(*st.conn);
    std::chrono::duration<double> took = std::chrono::steady_clock::now()
                                          - start;
    m.duration.with({work.label}).observe(took.count());
    return job_result{std::move(value)};
  } catch (const pqxx::broken_connection& e) {
    m.errors.with({"broken_connection"}).inc();
    log::warn("db.worker", "connection lost", {{"job", work.label}});
    st.conn.reset();
    report(self, pool, index);
    schedule_retry(self, opts);
    return make_error(errc::unavailable, work.label);
  } catch (const pqxx::sql_error& e) {
    m.errors.with({"sql"}).inc();
    log::warn("db.worker", "statement failed",
              {{"job", work.label}, {"sqlstate", e.sqlstate()},
               {"error", e.what()}});
    return make_error(errc::query_failed, work.label + ": " + e.what());
  } catch (const std::exception& e) {
    m.errors.with({"other"}).inc();
    log::warn("db.worker", "job failed",
              {{"job", work.label}, {"error", e.what()}});
    return make_error(errc::query_failed, work.label + ": " + e.what());
  }
}

} // namespace

// Defined here, where pqxx::connection is a complete type.
worker_state::~worker_state() = default;

caf::behavior worker(worker_actor* self, pool_options opts, caf::actor pool,
                     size_t index) {
  if (!try_connect(self, opts))
    schedule_retry(self, opts);
  report(self, pool, index);
  return {
    [=](job& work) { return run_job(self, opts, pool, index, work); },
    [=](reconnect_atom) {
      auto& st = self->state;
      st.retry_scheduled = false;
      if (st.conn)
        return;
      if (try_connect(self, opts)) {
        worker_metrics::get().reconnects.inc();
        log::info("db.worker", "reconnected", {{"worker", index}});
        report(self, pool, index);
      } else {
        schedule_retry(self, opts);
      }
    },
  };
}

} // namespace easymo::db
