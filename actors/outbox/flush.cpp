// Writing back: outcomes and status reports are group-committed (one
// transaction per batch), the sweep claims what nobody is sending, and the
// orderly stop writes everything back before quitting.
#include "actors/outbox/internal.hpp"

#include "persistence/db/query.hpp"
#include "runtime/log.hpp"

#include <caf/all.hpp>

namespace easymo::outbox::detail {

namespace {

using std::chrono::duration_cast;
using std::chrono::milliseconds;

size_t buffered(const outbox_state& st) {
  return st.results.size() + st.reports.size();
}

void arm_flush_timer(outbox_pointer self, caf::timespan delay) {
  auto& st = self->state;
  if (st.flush_timer_armed)
    return;
  st.flush_timer_armed = true;
  self->delayed_send(self, delay, flush_due_atom::value);
}

template <class T>
std::vector<T> take_front(std::vector<T>& from, size_t n) {
  n = std::min(n, from.size());
  std::vector<T> out(std::make_move_iterator(from.begin()),
                     std::make_move_iterator(from.begin()
                                             + static_cast<ptrdiff_t>(n)));
  from.erase(from.begin(), from.begin() + static_cast<ptrdiff_t>(n));
  return out;
}

template <class T>
void put_back(std::vector<T>& into, std::vector<T>& items) {
  into.insert(into.begin(), std::make_move_iterator(items.begin()),
              std::make_move_iterator(items.end()));
}

struct flush_items {
  std::vector<repo::row_result> results;
  std::vector<status_report> reports;
};

void on_flushed(outbox_pointer self, flush_items& items,
                const repo::flush_summary& sum) {
  auto& st = self->state;
  --st.flushes_in_flight;
  ++st.counters.flushes;
  for (auto& r : items.results)
    st.owned.erase(r.id);
  st.counters.statuses_applied += sum.statuses_applied;
  auto& m = outbox_metrics::get();
  m.reports.with({"applied"}).inc(static_cast<double>(sum.statuses_applied));
  m.reports.with({"ignored"}).inc(
    static_cast<double>(items.reports.size() - std::min(items.reports.size(),
                                                        sum.statuses_applied)));
  flush(self);
  pump(self);
}

// The outcomes stay in memory, their rows owned and 'sending' in the table,
// until a flush succeeds: losing them would turn into re-sends.
void on_flush_failed(outbox_pointer self, flush_items& items,
                     const caf::error& err) {
  auto& st = self->state;
  --st.flushes_in_flight;
  ++st.counters.flush_failures;
  log::warn("outbox", "result flush failed, will retry",
            {{"results", items.results.size()},
             {"reports", items.reports.size()},
             {"error", self->system().render(err)}});
  put_back(st.results, items.results);
  put_back(st.reports, items.reports);
  arm_flush_timer(self, st.opts.flush_retry_delay);
  maybe_quit(self);
}

void start_flush(outbox_pointer self, caf::actor pool) {
  auto& st = self->state;
  auto items = std::make_shared<flush_items>();
  items->results = take_front(st.results, st.opts.batch_rows_max);
  items->reports = take_front(st.reports, st.opts.batch_rows_max);
  ++st.flushes_in_flight;
  db::query(self, pool, "outbox.flush",
            repo::flush_job(items->results, items->reports),
            st.opts.db_timeout)
    .then(
      [self, items](repo::flush_summary& sum) {
        on_flushed(self, *items, sum);
      },
      [self, items](caf::error& err) {
        on_flush_failed(self, *items, err);
      });
}

void on_swept(outbox_pointer self, repo::sweep_result& r) {
  auto& st = self->state;
  auto& m = outbox_metrics::get();
  st.sweeping = false;
  st.counters.pending_depth = r.pending;
  st.counters.dlq_depth = r.dlq_open;
  m.depth.set(static_cast<double>(r.pending));
  m.dlq_depth.set(static_cast<double>(r.dlq_open));
  for (auto& c : r.rows) {
    ++st.counters.swept;
    if (c.resent) {
      // The send/crash window: Meta may already have this message.
      ++st.counters.resent;
      m.resent.inc();
      log::warn("outbox", "re-sending a row a dead dispatcher left in sending",
                {{"outbox_id", c.row.id}, {"attempt", c.attempt}});
    }
    st.owned.insert(c.row.id);
    st.ready.push_back(std::move(c));
  }
  pump(self);
}

} // namespace

void add_result(outbox_pointer self, repo::row_result r) {
  auto& st = self->state;
  st.results.push_back(std::move(r));
  if (buffered(st) >= st.opts.batch_rows_max)
    flush(self);
  else
    arm_flush_timer(self, st.opts.flush_delay_max);
}

void add_report(outbox_pointer self, status_report r) {
  auto& st = self->state;
  ++st.counters.statuses;
  // Reports come from outside at any rate; while the database is down they
  // cannot pile up without bound. A dropped one leaves its row behind by
  // one status, never wrong.
  if (st.reports.size() >= st.opts.queue_rows_max) {
    outbox_metrics::get().reports.with({"dropped"}).inc();
    return;
  }
  st.reports.push_back(std::move(r));
  if (buffered(st) >= st.opts.batch_rows_max)
    flush(self);
  else
    arm_flush_timer(self, st.opts.flush_delay_max);
}

void flush(outbox_pointer self) {
  auto& st = self->state;
  auto pool = pool_of(self);
  while (buffered(st) > 0 && st.flushes_in_flight < st.opts.flushes_in_flight_max) {
    if (!pool) {
      arm_flush_timer(self, st.opts.flush_retry_delay);
      return;
    }
    start_flush(self, pool);
  }
}

void on_flush_due(outbox_pointer self) {
  self->state.flush_timer_armed = false;
  flush(self);
  maybe_quit(self);
}

void sweep(outbox_pointer self, bool rearm) {
  auto& st = self->state;
  if (st.stopping)
    return;
  if (rearm)
    self->delayed_send(self, st.opts.sweep_interval, sweep_atom::value);
  auto pool = pool_of(self);
  if (!pool || st.sweeping || st.ready.size() >= st.opts.batch_rows_max
      || backlogged(st))
    return;
  repo::sweep_params p;
  p.rows_max = st.opts.batch_rows_max;
  p.stale_after = duration_cast<milliseconds>(st.opts.sending_stale_after);
  p.exclude.assign(st.owned.begin(), st.owned.end());
  st.sweeping = true;
  db::query(self, pool, "outbox.sweep", repo::sweep_job(std::move(p)),
            st.opts.db_timeout)
    .then([self](repo::sweep_result& r) { on_swept(self, r); },
          [self](caf::error& err) {
            self->state.sweeping = false;
            log::debug("outbox", "sweep failed",
                       {{"error", self->system().render(err)}});
            maybe_quit(self);
          });
}

void begin_stop(outbox_pointer self, caf::error reason) {
  auto& st = self->state;
  if (st.stopping)
    return;
  st.stopping = true;
  st.stop_reason = std::move(reason);
  log::info("outbox", "stopping: writing back claimed rows",
            {{"ready", st.ready.size()},
             {"in_flight", st.sends_in_flight},
             {"results", st.results.size()}});
  pump(self);
}

void maybe_quit(outbox_pointer self) {
  auto& st = self->state;
  if (!st.stopping || st.sends_in_flight > 0 || st.flushes_in_flight > 0
      || buffered(st) > 0 || st.sweeping)
    return;
  self->quit(st.stop_reason);
}

} // namespace easymo::outbox::detail
