#include "actors/outbox/outbox.hpp"

#include "actors/outbox/internal.hpp"
#include "actors/sandbox/protocol.hpp"
#include "runtime/directory.hpp"
#include "runtime/log.hpp"

#include <caf/all.hpp>

#include <nlohmann/json.hpp>

#include <array>
#include <cassert>

namespace easymo::outbox {

namespace {

using namespace detail;

// The rows arrive claimed for this dispatcher (inserted 'sending', first
// attempt counted).
void on_committed(outbox_pointer self, committed& msg) {
  auto& st = self->state;
  st.counters.committed += msg.rows.size();
  for (auto& row : msg.rows) {
    if (st.owned.count(row.id) > 0)
      continue; // A duplicate notification: the row is on its way already.
    if (st.stopping || st.ready.size() >= st.opts.queue_rows_max) {
      // Back to pending without using up the attempt: the sweep sends it a
      // little later.
      ++st.counters.dropped;
      outbox_metrics::get().dropped.inc();
      repo::row_result r;
      r.id = row.id;
      st.owned.insert(row.id);
      add_result(self, std::move(r));
      continue;
    }
    st.owned.insert(row.id);
    st.ready.push_back(repo::claimed_row{std::move(row), 1, false});
  }
  pump(self);
}

std::string describe(outbox_pointer self) {
  auto& st = self->state;
  auto& c = st.counters;
  nlohmann::json out{{"ready", st.ready.size()},
                     {"in_flight", st.sends_in_flight},
                     {"owned", st.owned.size()},
                     {"results_buffered", st.results.size()},
                     {"reports_buffered", st.reports.size()},
                     {"flushes_in_flight", st.flushes_in_flight},
                     {"committed", c.committed},
                     {"dropped", c.dropped},
                     {"swept", c.swept},
                     {"resent", c.resent},
                     {"attempts", c.attempts},
                     {"sent", c.sent},
                     {"retried", c.retried},
                     {"dead", c.dead},
                     {"statuses", c.statuses},
                     {"statuses_applied", c.statuses_applied},
                     {"flushes", c.flushes},
                     {"flush_failures", c.flush_failures},
                     {"pending_depth", c.pending_depth},
                     {"dlq_depth", c.dlq_depth},
                     {"stopping", st.stopping},
                     {"mailbox", self->mailbox().size()}};
  return out.dump();
}

uint64_t seed_of(const outbox_options& opts) {
  if (opts.jitter_seed != 0)
    return opts.jitter_seed;
  std::random_device rd;
  return (static_cast<uint64_t>(rd()) << 32) | rd();
}

} // namespace

namespace detail {

metrics::counter& outbox_metrics::attempt(outcome o) {
  // Every outcome's child, found once: the hot path only increments.
  static const auto children = [this] {
    std::array<metrics::counter*, outcome_count> out{};
    for (size_t i = 0; i < out.size(); ++i)
      out[i] = &attempts.with({to_string(static_cast<outcome>(i))});
    return out;
  }();
  return *children.at(static_cast<size_t>(o));
}

outbox_metrics& outbox_metrics::get() {
  auto& reg = metrics::registry::global();
  static outbox_metrics m{
    reg.counters("easymo_outbound_sent_total",
                 "Outbound WhatsApp messages accepted by the Graph API")
      .with(),
    reg.counters("easymo_outbound_attempts_total",
                 "Send attempts of outbox rows, by outcome", {"outcome"}),
    reg.histograms("easymo_outbound_send_seconds",
                   "Time of one send through the breaker, answer included")
      .with(),
    reg.gauges("easymo_outbox_depth", "Outbox rows pending (due or not)")
      .with(),
    reg.gauges("easymo_dlq_depth", "DLQ entries not replayed").with(),
    reg.counters("easymo_outbound_resent_total",
                 "Rows sent again after a dispatcher died holding them "
                 "(possible duplicates)")
      .with(),
    reg.counters("easymo_outbox_dead_total", "Rows dead-lettered, by reason",
                 {"reason"}),
    reg.counters("easymo_outbox_status_reports_total",
                 "Status reports: applied (moved a row forward), ignored "
                 "(not newer, or unknown row), dropped (queue full)",
                 {"result"}),
    reg.counters("easymo_outbox_notifications_dropped_total",
                 "Committed rows left to the sweep because the queue was full")
      .with(),
  };
  return m;
}

} // namespace detail

outbox_options options_from(const settings& s) {
  outbox_options o;
  o.endpoint.api_url = s.live() ? s.whatsapp_api_url : sandbox::api_url(s);
  o.endpoint.version = s.whatsapp_api_version;
  o.endpoint.phone_number_id = s.phone_number_id();
  o.token = s.whatsapp_token;
  o.request_timeout = std::chrono::duration_cast<std::chrono::milliseconds>(
    s.whatsapp_request_timeout);
  o.sends_in_flight_max = s.outbox_sends_in_flight_max;
  o.batch_rows_max = s.outbox_batch_rows_max;
  o.flush_delay_max = s.outbox_flush_delay_max;
  o.queue_rows_max = s.outbox_queue_rows_max;
  o.sweep_interval = s.outbox_sweep_interval;
  o.sending_stale_after = s.outbox_sending_stale_after;
  o.retry.attempts_max = static_cast<int32_t>(s.outbox_attempts_max);
  o.retry.backoff_min = std::chrono::duration_cast<std::chrono::milliseconds>(
    s.outbox_retry_backoff_min);
  o.retry.backoff_max = std::chrono::duration_cast<std::chrono::milliseconds>(
    s.outbox_retry_backoff_max);
  o.retry.pair_backoff_max
    = std::chrono::duration_cast<std::chrono::milliseconds>(
      s.outbox_pair_backoff_max);
  o.db_timeout = s.db_query_timeout + std::chrono::seconds(5);
  return o;
}

outbox_actor::behavior_type outbox(outbox_pointer self, caf::actor pool,
                                   caf::actor breaker, outbox_options opts) {
  assert(opts.batch_rows_max > 0 && opts.sends_in_flight_max > 0
         && opts.flushes_in_flight_max > 0);
  auto& st = self->state;
  st.opts = std::move(opts);
  st.pool = std::move(pool);
  st.breaker = std::move(breaker);
  st.rng.seed(seed_of(st.opts));
  // An exit request (orderly shutdown, a supervisor restarting siblings)
  // writes claimed rows back first; only a kill skips that.
  self->set_exit_handler([self](caf::exit_msg& msg) {
    begin_stop(self, msg.reason ? msg.reason
                                : caf::error{caf::exit_reason::user_shutdown});
  });
  // Rows left by a previous run are due now.
  self->send(self, sweep_atom::value);
  return {
    [self](committed& msg) { on_committed(self, msg); },
    [self](status_report& r) { add_report(self, std::move(r)); },
    [self](counts_atom, http::request_ptr&, http::responder& res) {
      answer_counts(self, res);
    },
    [self](dlq_atom, http::request_ptr& req, http::responder& res) {
      answer_dlq(self, *req, res);
    },
    [self](replay_atom, http::request_ptr& req, http::responder& res) {
      answer_replay(self, *req, res);
    },
    [self](caf::get_atom, info_atom) { return describe(self); },
    [self](sweep_atom) { sweep(self, true); },
    [self](flush_due_atom) { on_flush_due(self); },
  };
}

supervision::child_spec outbox_child(outbox_options opts) {
  supervision::child_spec spec;
  spec.name = "dispatcher";
  spec.kind = "outbox";
  spec.start = [opts](caf::event_based_actor* parent) {
    auto hdl = parent->spawn(outbox, caf::actor{}, caf::actor{}, opts);
    auto untyped = caf::actor_cast<caf::actor>(hdl);
    directory::put(parent->system(), directory::outbox, untyped);
    return untyped;
  };
  return spec;
}

} // namespace easymo::outbox
