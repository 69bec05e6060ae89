// Group commit of transfer requests (see ledger.hpp); the other messages are
// single database jobs (jobs.cpp).
#include "actors/ledger/ledger.hpp"

#include "actors/ledger/jobs.hpp"
#include "persistence/db/query.hpp"
#include "runtime/directory.hpp"
#include "runtime/log.hpp"
#include "runtime/metrics.hpp"

#include <caf/all.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cassert>
#include <memory>

namespace easymo::ledger {

namespace {

using batch = std::vector<queued_transfer>;

struct ledger_metrics {
  metrics::counter_family& outcomes = metrics::registry::global().counters(
    "easymo_ledger_transfers_total",
    "Transfer requests answered by the ledger, by outcome", {"outcome"});
  metrics::histogram& batch_size
    = metrics::registry::global()
        .histograms("easymo_ledger_batch_transfers",
                    "Transfer requests posted per ledger transaction", {},
                    {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024})
        .with();

  static ledger_metrics& get() {
    static ledger_metrics instance;
    return instance;
  }
};

void flush(ledger_pointer self);

void count(ledger_pointer self, const outcome& out) {
  auto& c = self->state.counters;
  const char* label = "posted";
  if (!out.ok()) {
    ++c.refused;
    label = "refused";
  } else if (out.replayed) {
    ++c.replayed;
    label = "replayed";
  } else if (out.status == transfer_status::pending) {
    ++c.held;
    label = "held";
  } else {
    ++c.posted;
  }
  ledger_metrics::get().outcomes.with({label}).inc();
}

void answer(ledger_pointer self, queued_transfer& q, const outcome& out) {
  count(self, out);
  if (out.ok())
    q.rp.deliver(
      transfer_receipt{out.key, out.transfer_id, out.status, out.replayed});
  else
    q.rp.deliver(make_error(out.error, q.req.key));
}

void finish_batch(ledger_pointer self) {
  assert(self->state.in_flight > 0);
  --self->state.in_flight;
  // Whatever queued meanwhile has already waited a whole commit: send it now
  // rather than waiting for the timer.
  flush(self);
}

void on_batch_done(ledger_pointer self, batch& items,
                   std::vector<outcome>& outs) {
  // The repository answers every request, in order: anything else is a bug.
  assert(outs.size() == items.size());
  for (size_t i = 0; i < items.size() && i < outs.size(); ++i)
    answer(self, items[i], outs[i]);
  finish_batch(self);
}

void on_batch_failed(ledger_pointer self, batch& items, const caf::error& err) {
  auto code = job_error(err);
  log::warn("ledger", "batch failed, its requests may be retried",
            {{"transfers", items.size()},
             {"error", self->system().render(err)}});
  self->state.counters.failed += items.size();
  ledger_metrics::get().outcomes.with({"failed"}).inc(
    static_cast<double>(items.size()));
  for (auto& q : items)
    q.rp.deliver(make_error(code, q.req.key));
  finish_batch(self);
}

void start_batch(ledger_pointer self, batch items) {
  auto& st = self->state;
  ++st.in_flight;
  ++st.counters.batches;
  st.counters.batched_transfers += items.size();
  st.counters.largest_batch = std::max(st.counters.largest_batch, items.size());
  ledger_metrics::get().batch_size.observe(static_cast<double>(items.size()));
  std::vector<transfer_request> reqs;
  reqs.reserve(items.size());
  for (auto& q : items)
    reqs.push_back(q.req);
  auto shared = std::make_shared<batch>(std::move(items));
  auto pool = pool_of(self);
  if (!pool) {
    on_batch_failed(self, *shared, db::make_error(db::errc::unavailable,
                                                  "no db pool"));
    return;
  }
  db::query(self, pool, "ledger.batch", post_batch_job(std::move(reqs), st.opts.pol),
            st.opts.db_timeout)
    .then(
      [self, shared](std::vector<outcome>& outs) {
        on_batch_done(self, *shared, outs);
      },
      [self, shared](caf::error& err) { on_batch_failed(self, *shared, err); });
}

// Sends full batches while slots are free, then the rest: a partial batch
// goes out only here, called by the timer or by a finished batch.
void flush(ledger_pointer self) {
  auto& st = self->state;
  while (!st.queue.empty() && st.in_flight < st.opts.batches_in_flight_max) {
    auto n = std::min(st.queue.size(), st.opts.batch_transfers_max);
    batch items(std::make_move_iterator(st.queue.begin()),
                std::make_move_iterator(st.queue.begin()
                                        + static_cast<ptrdiff_t>(n)));
    st.queue.erase(st.queue.begin(),
                   st.queue.begin() + static_cast<ptrdiff_t>(n));
    start_batch(self, std::move(items));
  }
}

void arm_timer(ledger_pointer self) {
  auto& st = self->state;
  if (st.timer_armed)
    return;
  st.timer_armed = true;
  self->delayed_send(self, st.opts.batch_delay_max, batch_due_atom::value);
}

caf::result<transfer_receipt> enqueue(ledger_pointer self,
                                      transfer_request& req) {
  auto& st = self->state;
  ++st.counters.requests;
  if (auto code = validate(req); code != errc::none) {
    ++st.counters.refused;
    ledger_metrics::get().outcomes.with({"refused"}).inc();
    return make_error(code, req.key);
  }
  if (st.queue.size() >= st.opts.queue_transfers_max) {
    ++st.counters.failed;
    ledger_metrics::get().outcomes.with({"overloaded"}).inc();
    return make_error(errc::overloaded, req.key);
  }
  auto rp = self->make_response_promise<transfer_receipt>();
  st.queue.push_back(queued_transfer{std::move(req), rp});
  if (st.queue.size() >= st.opts.batch_transfers_max)
    flush(self);
  else if (st.in_flight == 0)
    arm_timer(self);
  // With a batch running, its end flushes the queue: no timer needed.
  return rp;
}

std::string describe(ledger_pointer self) {
  auto& st = self->state;
  auto& c = st.counters;
  nlohmann::json out{{"requests", c.requests},
                     {"posted", c.posted},
                     {"held", c.held},
                     {"refused", c.refused},
                     {"replayed", c.replayed},
                     {"failed", c.failed},
                     {"batches", c.batches},
                     {"batched_transfers", c.batched_transfers},
                     {"largest_batch", c.largest_batch},
                     {"queued", st.queue.size()},
                     {"in_flight", st.in_flight},
                     {"mailbox", self->mailbox().size()}};
  return out.dump();
}

} // namespace

ledger_options options_from(const settings& s) {
  ledger_options out;
  out.pol.review_threshold_major = s.ledger_review_threshold;
  out.pol.daily_limit_major = s.ledger_daily_limit;
  out.batch_transfers_max = s.ledger_batch_transfers_max;
  out.batch_delay_max = s.ledger_batch_delay_max;
  out.batches_in_flight_max = s.ledger_batches_in_flight_max;
  out.queue_transfers_max = s.ledger_queue_transfers_max;
  out.db_timeout = s.db_query_timeout + std::chrono::seconds(5);
  return out;
}

ledger_actor::behavior_type ledger(ledger_pointer self, caf::actor pool,
                                   ledger_options opts) {
  assert(opts.batch_transfers_max > 0 && opts.batches_in_flight_max > 0);
  self->state.opts = std::move(opts);
  self->state.pool = std::move(pool);
  return {
    [self](transfer_request& req) { return enqueue(self, req); },
    [self](batch_due_atom) {
      self->state.timer_armed = false;
      flush(self);
    },
    [self](account_atom, account_spec& spec) {
      return ensure_account(self, spec);
    },
    [self](caf::get_atom, balance_atom, int64_t account) {
      return get_balance(self, account);
    },
    [self](caf::get_atom, movements_atom, int64_t account, uint32_t limit) {
      return get_movements(self, account, limit);
    },
    [self](approve_atom, int64_t id, std::string& admin, std::string& cid) {
      return settle(self, id, true, std::move(admin), {}, std::move(cid));
    },
    [self](reject_atom, int64_t id, std::string& admin, std::string& note,
           std::string& cid) {
      return settle(self, id, false, std::move(admin), std::move(note),
                    std::move(cid));
    },
    [self](caf::get_atom, by_key_atom, std::string& key) {
      return find_by_key(self, std::move(key));
    },
    [self](caf::get_atom, by_ref_atom, std::string& gateway, std::string& ref) {
      return find_by_reference(self, std::move(gateway), std::move(ref));
    },
    [self](caf::get_atom, info_atom) { return describe(self); },
  };
}

supervision::child_spec ledger_child(ledger_options opts) {
  supervision::child_spec spec;
  spec.name = "ledger";
  spec.kind = "ledger";
  spec.start = [opts](caf::event_based_actor* parent) {
    auto hdl = parent->spawn(ledger, caf::actor{}, opts);
    auto untyped = caf::actor_cast<caf::actor>(hdl);
    directory::put(parent->system(), directory::ledger, untyped);
    return untyped;
  };
  return spec;
}

} // namespace easymo::ledger
