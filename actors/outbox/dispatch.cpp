// Moving rows: send claimed ones through the breaker, turn each answer into
// a decision (policy.hpp) and queue it for the flush.
#include "actors/outbox/internal.hpp"

#include "persistence/db/query.hpp"
#include "protocols/whatsapp/outbound.hpp"
#include "protocols/whatsapp/window.hpp"
#include "runtime/directory.hpp"
#include "runtime/log.hpp"

#include <caf/all.hpp>

#include <nlohmann/json.hpp>

namespace easymo::outbox::detail {

namespace {

using json = nlohmann::json;

// The breaker answers within the call's own deadline; this covers its
// mailbox and the hop back.
constexpr auto call_slack = std::chrono::seconds(5);

attempt_result from_answer(const whatsapp::send_result& r) {
  attempt_result out;
  out.wamid = r.wamid;
  out.error_json = r.error_json;
  switch (r.kind) {
    case whatsapp::send_class::accepted:
      out.what = outcome::accepted;
      break;
    case whatsapp::send_class::throttled:
      out.what = outcome::throttled;
      break;
    case whatsapp::send_class::pair_limited:
      out.what = outcome::pair_limited;
      break;
    case whatsapp::send_class::transient:
      out.what = outcome::transient;
      break;
    case whatsapp::send_class::permanent:
      out.what = outcome::permanent;
      break;
  }
  return out;
}

attempt_result from_error(outbox_pointer self, const caf::error& err) {
  attempt_result out;
  out.error_json = json{{"error", self->system().render(err)}}.dump();
  if (auto code = breaker::code_of(err)) {
    switch (*code) {
      case breaker::errc::not_permitted:
        out.what = outcome::breaker_open;
        out.retry_after = breaker::retry_after(err);
        return out;
      case breaker::errc::timeout:
        out.what = outcome::timeout;
        return out;
      case breaker::errc::transport:
        out.what = outcome::transport;
        return out;
      case breaker::errc::refused:
        out.what = outcome::refused;
        return out;
      case breaker::errc::not_running:
        out.what = outcome::breaker_open; // Restarting: as good as open.
        return out;
    }
  }
  if (err == caf::sec::request_timeout)
    out.what = outcome::timeout;
  else if (err == caf::sec::request_receiver_down)
    out.what = outcome::breaker_open; // Restarting: as good as open.
  else
    out.what = outcome::transient;
  return out;
}

whatsapp::window_verdict window_of(outbox_state& st, const outbox_row& row) {
  std::optional<whatsapp::wall_clock::time_point> expires;
  if (row.window_expires_at)
    expires = std::chrono::time_point_cast<whatsapp::wall_clock::duration>(
      *row.window_expires_at);
  auto now = std::chrono::time_point_cast<whatsapp::wall_clock::duration>(
    st.opts.now());
  // Most rows are replies well inside their window: no parsing for those.
  if (expires && now < *expires)
    return whatsapp::window_verdict::open;
  auto body = json::parse(row.message, nullptr, false);
  return whatsapp::check_window(whatsapp::is_template(body), expires, now);
}

repo::row_result to_row_result(const repo::claimed_row& c,
                               const attempt_result& r, const decision& d) {
  repo::row_result out;
  out.id = c.row.id;
  out.attempts = d.attempts;
  out.reason = d.reason;
  out.error_json = r.error_json;
  switch (d.what) {
    case decision::kind::sent:
      out.what = repo::row_result::kind::sent;
      out.wamid = r.wamid;
      break;
    case decision::kind::retry:
      out.what = repo::row_result::kind::retry;
      out.delay_ms = d.delay.count();
      break;
    case decision::kind::dead:
      out.what = repo::row_result::kind::dead;
      break;
  }
  return out;
}

// Decides what the attempt means for the row and queues the decision.
void finish_attempt(outbox_pointer self, const repo::claimed_row& c,
                    const attempt_result& r) {
  auto& st = self->state;
  auto& m = outbox_metrics::get();
  auto d = decide(r, c.attempt, st.opts.retry, st.rng);
  ++st.counters.attempts;
  m.attempt(r.what).inc();
  switch (d.what) {
    case decision::kind::sent:
      ++st.counters.sent;
      m.sent.inc();
      break;
    case decision::kind::retry:
      ++st.counters.retried;
      break;
    case decision::kind::dead:
      ++st.counters.dead;
      m.dead.with({d.reason}).inc();
      log::warn("outbox", "message dead-lettered",
                {{"outbox_id", c.row.id},
                 {"wa_id", c.row.wa_id},
                 {"reason", d.reason},
                 {"attempts", d.attempts}});
      break;
  }
  add_result(self, to_row_result(c, r, d));
}

// Sends one claimed row; outcomes known without a call (window, malformed
// body, no breaker) are queued at once.
void start_send(outbox_pointer self, repo::claimed_row c) {
  auto& st = self->state;
  auto verdict = window_of(st, c.row);
  if (verdict == whatsapp::window_verdict::expired
      || verdict == whatsapp::window_verdict::missing) {
    attempt_result r;
    r.what = verdict == whatsapp::window_verdict::expired
               ? outcome::window_expired
               : outcome::window_missing;
    finish_attempt(self, c, r);
    return;
  }
  // The row id rides along so status webhooks and duplicates lead back here.
  auto body = whatsapp::with_callback_data(c.row.message,
                                           std::to_string(c.row.id));
  auto brk = caf::actor_cast<breaker::breaker_actor>(breaker_of(self));
  if (!body || !brk) {
    attempt_result r;
    r.what = body ? outcome::breaker_open : outcome::malformed;
    finish_attempt(self, c, r);
    return;
  }
  ++st.sends_in_flight;
  auto req = whatsapp::messages_request(st.opts.endpoint, st.opts.token,
                                        std::move(*body),
                                        st.opts.request_timeout);
  auto started = std::chrono::steady_clock::now();
  auto row = std::make_shared<repo::claimed_row>(std::move(c));
  auto done = [self, row, started](const attempt_result& r) {
    --self->state.sends_in_flight;
    std::chrono::duration<double> took = std::chrono::steady_clock::now()
                                         - started;
    outbox_metrics::get().latency.observe(took.count());
    finish_attempt(self, *row, r);
    pump(self);
  };
  self
    ->request(brk, st.opts.request_timeout + call_slack,
              breaker::call_atom::value, std::move(req))
    .then(
      [done](http::client_response& res) {
        done(from_answer(whatsapp::classify_response(res.status, res.body)));
      },
      [self, done](caf::error& err) { done(from_error(self, err)); });
}

// Claimed rows that will not be sent now go back to pending at once,
// without using up an attempt.
void release_ready(outbox_pointer self) {
  auto& st = self->state;
  while (!st.ready.empty()) {
    auto& c = st.ready.front();
    repo::row_result r;
    r.id = c.row.id;
    r.what = repo::row_result::kind::retry;
    r.attempts = std::max<int32_t>(c.attempt - 1, 0);
    add_result(self, std::move(r));
    st.ready.pop_front();
  }
}

} // namespace

void pump(outbox_pointer self) {
  auto& st = self->state;
  if (st.stopping) {
    release_ready(self);
    flush(self);
    maybe_quit(self);
    return;
  }
  while (!st.ready.empty()
         && st.sends_in_flight < st.opts.sends_in_flight_max) {
    auto c = std::move(st.ready.front());
    st.ready.pop_front();
    start_send(self, std::move(c));
  }
}

caf::actor pool_of(outbox_pointer self) {
  if (self->state.pool)
    return self->state.pool;
  return directory::get(self->system(), directory::db_pool);
}

caf::actor breaker_of(outbox_pointer self) {
  if (self->state.breaker)
    return self->state.breaker;
  return directory::get(self->system(),
                        breaker::directory_name(self->state.opts.gateway));
}

bool backlogged(const outbox_state& st) {
  return st.results.size() >= 4 * st.opts.batch_rows_max;
}

} // namespace easymo::outbox::detail
