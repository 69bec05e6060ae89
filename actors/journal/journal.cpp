#include "actors/journal/journal.hpp"

#include "actors/journal/metrics.hpp"
#include "actors/ratelimit/metrics.hpp"
#include "persistence/db/query.hpp"
#include "runtime/directory.hpp"
#include "runtime/log.hpp"

#include <caf/all.hpp>

#include <nlohmann/json.hpp>

namespace easymo::journal {

namespace {

using flush_atom = caf::atom_constant<caf::atom("j_flush")>;

size_t rows_of(const append_request& req) {
  return req.records.size() + 1; // the audit row
}

bool due(journal_actor* self) {
  auto& st = self->state;
  if (st.queue.empty())
    return false;
  if (st.queued_rows >= st.opts.batch_rows_max)
    return true;
  return self->clock().now() - st.queue.front().since
         >= st.opts.batch_delay_max;
}

void start_batch(journal_actor* self, batch b);

// Flushes what is due while there is room, then makes sure a timer will
// come back for whatever waits (unless a commit's completion will).
void maybe_flush(journal_actor* self) {
  auto& st = self->state;
  while (st.inflight < st.opts.batches_inflight_max && due(self)) {
    batch b;
    b.input = std::make_shared<store::commit_input>();
    size_t rows = 0;
    while (!st.queue.empty()
           && (rows == 0
               || rows + rows_of(st.queue.front().req) <= st.opts.batch_rows_max)) {
      auto& next = st.queue.front();
      rows += rows_of(next.req);
      b.input->requests.push_back(std::move(next.req));
      b.waiters.push_back(std::move(next.who));
      st.queue.pop_front();
    }
    st.queued_rows -= rows;
    st.largest_batch_rows = std::max(st.largest_batch_rows, rows);
    journal_metrics::get().batch_rows.observe(static_cast<double>(rows));
    start_batch(self, std::move(b));
  }
  journal_metrics::get().queued.set(static_cast<double>(st.queue.size()));
  if (st.queue.empty() || st.timer_armed
      || st.inflight >= st.opts.batches_inflight_max)
    return;
  auto waited = self->clock().now() - st.queue.front().since;
  st.timer_armed = true;
  self->delayed_send(self, std::max(caf::timespan{0}, st.opts.batch_delay_max - waited),
                     flush_atom::value);
}

// Whether the queue has room. A full queue drops audit-only appends (nobody
// waits for them) and refuses the others.
bool has_room(journal_actor* self, const append_request& req) {
  auto& st = self->state;
  if (st.queue.size() < st.opts.queue_requests_max)
    return true;
  if (req.records.empty()) {
    ++st.audits_dropped;
    journal_metrics::get().audits_dropped.inc();
  } else {
    ++st.refused;
    journal_metrics::get().refused.inc();
  }
  return false;
}

void enqueue(journal_actor* self, append_request& req, waiter who) {
  auto& st = self->state;
  st.queued_rows += rows_of(req);
  st.queue.push_back(pending_request{std::move(req), std::move(who),
                                     self->clock().now()});
  maybe_flush(self);
}

caf::result<append_result> on_append(journal_actor* self, append_request& req) {
  bool audit_only = req.records.empty();
  if (!has_room(self, req))
    return audit_only ? caf::result<append_result>{append_result{}}
                      : make_error(errc::overloaded, "journal queue full");
  // Audit-only appends are answered at once; their row follows in a batch.
  if (audit_only) {
    enqueue(self, req, {});
    return append_result{};
  }
  // The promise takes over the answer, so it is made only once the request
  // is accepted.
  enqueue(self, req, waiter{self->make_response_promise(), {}});
  return caf::delegated<append_result>{};
}

void on_append_from_io(journal_actor* self, append_request& req,
                       completion& done) {
  if (has_room(self, req))
    enqueue(self, req, waiter{{}, done});
  else
    done(make_error(errc::overloaded, "journal queue full"));
}

void fail_batch(journal_actor* self, batch& b, const caf::error& err) {
  auto& st = self->state;
  --st.inflight;
  ++st.failed_batches;
  journal_metrics::get().failed_batches.inc();
  // The rendered db error may quote row data; its code says enough.
  log::warn("journal", "batch not committed",
            {{"requests", b.waiters.size()},
             {"db_unavailable", db::is(err, db::errc::unavailable)}});
  for (auto& w : b.waiters)
    w.answer(make_error(errc::unavailable, "commit failed"));
  maybe_flush(self);
}

void on_committed(journal_actor* self, batch& b, store::commit_output& out,
                  std::chrono::duration<double> took);

void commit_batch(journal_actor* self, batch b) {
  auto pool = directory::get(self->home_system(), directory::db_pool);
  if (!pool) {
    fail_batch(self, b, db::make_error(db::errc::unavailable, "no pool"));
    return;
  }
  auto now = std::chrono::steady_clock::now().time_since_epoch();
  for (auto& req : b.input->requests) {
    auto ns = now - std::chrono::nanoseconds{req.audit.received_ns};
    auto ms = req.audit.received_ns == 0
                ? 0
                : std::chrono::duration_cast<std::chrono::milliseconds>(ns).count();
    b.input->latency_ms.push_back(static_cast<uint32_t>(std::max<int64_t>(0, ms)));
  }
  auto shared = std::make_shared<batch>(std::move(b));
  std::shared_ptr<const store::commit_input> input = shared->input;
  auto started = std::chrono::steady_clock::now();
  auto& make = self->state.opts.commit_job;
  auto job = make ? make(input)
                  : db::make_job("journal.commit",
                                 [input](pqxx::connection_base& c) {
                                   return store::commit(c, *input);
                                 });
  auto handle = self->request(pool, self->state.opts.commit_timeout,
                              std::move(job));
  db::typed_query<store::commit_output, decltype(handle)>{std::move(handle)}
    .then(
      [self, shared, started](store::commit_output& out) {
        on_committed(self, *shared, out,
                     std::chrono::steady_clock::now() - started);
      },
      [self, shared](caf::error& err) { fail_batch(self, *shared, err); });
}

// Marks over-limit messages throttled, in the order the keys were sent.
void apply_limits(store::commit_input& in, const ratelimit::check_reply& reply) {
  size_t next = 0;
  for (auto& req : in.requests)
    for (auto& rec : req.records)
      if (rec.rate_limited && next < reply.decisions.size())
        if (!reply.decisions[next++].allowed
            && rec.status == event_status::received)
          rec.status = event_status::throttled;
}

void start_batch(journal_actor* self, batch b) {
  auto& st = self->state;
  ++st.inflight;
  ratelimit::check_request check{st.opts.limits, {}};
  // With both rules off there is nothing to ask: skip the hop.
  if (check.limits.per_key.enabled() || check.limits.global.enabled())
    for (auto& req : b.input->requests)
      for (auto& rec : req.records)
        if (rec.rate_limited)
          check.keys.push_back(rec.wa_id);
  auto limiter = directory::get(self->home_system(), directory::limiter);
  if (check.keys.empty() || !limiter) {
    commit_batch(self, std::move(b));
    return;
  }
  auto shared = std::make_shared<batch>(std::move(b));
  auto n = check.keys.size();
  self->request(limiter, st.opts.limiter_timeout, std::move(check))
    .then(
      [self, shared](ratelimit::check_reply& reply) {
        apply_limits(*shared->input, reply);
        commit_batch(self, std::move(*shared));
      },
      [self, shared, n](caf::error&) {
        // Limits protect the service; they never cost a message.
        ratelimit::count_errors("journal", n);
        commit_batch(self, std::move(*shared));
      });
}

} // namespace

namespace {

void count_new_event(journal_actor* self, const record& rec) {
  auto& counters = self->state.kind_counters;
  auto i = counters.find(rec.kind);
  if (i == counters.end())
    i = counters.emplace(rec.kind, &journal_metrics::get().events.with({rec.kind}))
          .first;
  i->second->inc();
}

// Answers each request of the batch and hands its new events on. The worker
// is done with the batch, so payloads move instead of being copied.
void on_committed(journal_actor* self, batch& b, store::commit_output& out,
                  std::chrono::duration<double> took) {
  auto& st = self->state;
  auto& m = journal_metrics::get();
  --st.inflight;
  ++st.batches;
  m.commit_seconds.observe(took.count());
  dispatch_batch fresh;
  auto& requests = b.input->requests;
  for (size_t r = 0; r < requests.size(); ++r) {
    append_result res;
    for (size_t i = 0; i < requests[r].records.size(); ++i) {
      auto& rec = requests[r].records[i];
      if (out.ids[r][i] == 0) {
        ++res.duplicates;
        continue;
      }
      ++res.inserted;
      res.throttled += rec.status == event_status::throttled ? 1 : 0;
      count_new_event(self, rec);
      if (rec.status != event_status::rejected)
        fresh.events.push_back(committed_event{out.ids[r][i], std::move(rec.key),
                                               std::move(rec.kind),
                                               std::move(rec.wa_id),
                                               std::move(rec.payload),
                                               rec.status});
    }
    st.inserted += res.inserted;
    st.duplicates += res.duplicates;
    st.throttled += res.throttled;
    m.duplicates.inc(res.duplicates);
    m.throttled.inc(res.throttled);
    b.waiters[r].answer(res);
  }
  auto dispatcher = directory::get(self->home_system(), directory::dispatcher);
  if (dispatcher && !fresh.events.empty())
    self->send(dispatcher, std::move(fresh));
  maybe_flush(self);
}

std::string describe(journal_actor* self) {
  auto& st = self->state;
  return nlohmann::json{{"queued_requests", st.queue.size()},
                        {"queued_rows", st.queued_rows},
                        {"inflight", st.inflight},
                        {"batches", st.batches},
                        {"inserted", st.inserted},
                        {"duplicates", st.duplicates},
                        {"throttled", st.throttled},
                        {"failed_batches", st.failed_batches},
                        {"refused", st.refused},
                        {"audits_dropped", st.audits_dropped},
                        {"largest_batch_rows", st.largest_batch_rows},
                        {"mailbox", self->mailbox().size()}}
    .dump();
}

} // namespace

void waiter::answer(caf::expected<append_result> result) {
  if (done)
    done(std::move(result));
  else if (rp.pending() && result)
    rp.deliver(*result);
  else if (rp.pending())
    rp.deliver(std::move(result.error()));
}

completion::completion(function f)
  : once_callback(std::move(f),
                  make_error(errc::unavailable, "journal stopped")) {
}

const char* to_string(event_status s) {
  switch (s) {
    case event_status::received:
      return "received";
    case event_status::throttled:
      return "throttled";
    case event_status::rejected:
      return "rejected";
    default:
      return "processed";
  }
}

caf::error make_error(errc code, std::string context) {
  return caf::error{static_cast<uint8_t>(code), error_category,
                    caf::make_message(std::move(context))};
}

std::string render_error(uint8_t code, caf::atom_value,
                         const caf::message& context) {
  std::string out = "journal:";
  out += static_cast<errc>(code) == errc::overloaded ? "overloaded"
                                                     : "unavailable";
  if (context.match_elements<std::string>())
    out += " (" + context.get_as<std::string>(0) + ")";
  return out;
}

journal_options options_from(const settings& s) {
  journal_options opts;
  opts.batch_rows_max = s.journal_batch_rows_max;
  opts.batch_delay_max = s.journal_batch_delay_max;
  opts.batches_inflight_max = s.journal_batches_inflight_max;
  opts.queue_requests_max = s.journal_queue_requests_max;
  opts.commit_timeout = s.db_query_timeout + s.db_connect_timeout;
  opts.limits = ratelimit::messages_policy(
    static_cast<double>(s.ratelimit_user_per_minute),
    static_cast<double>(s.ratelimit_global_per_second));
  return opts;
}

supervision::child_spec journal_child(journal_options opts) {
  supervision::child_spec spec;
  spec.name = "journal";
  spec.kind = "journal";
  spec.start = [opts](caf::event_based_actor* parent) {
    auto j = parent->spawn(group_commit, opts);
    directory::put(parent->system(), directory::journal, j);
    return caf::actor{j};
  };
  return spec;
}

caf::behavior group_commit(journal_actor* self, journal_options opts) {
  self->state.opts = std::move(opts);
  return {
    [self](append_request& req) { return on_append(self, req); },
    [self](append_request& req, completion& done) {
      on_append_from_io(self, req, done);
    },
    [self](flush_atom) {
      self->state.timer_armed = false;
      maybe_flush(self);
    },
    [self](caf::get_atom, info_atom) { return describe(self); },
  };
}

} // namespace easymo::journal
