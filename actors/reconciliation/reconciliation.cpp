// The reconciliation actor: the daily schedule, the retry loop, the queue
// of (day, gateway) jobs, and the admin routes. The steps of one job are in
// run.cpp.
#include "actors/reconciliation/reconciliation.hpp"

#include "protocols/http/client_form.hpp"
#include "runtime/directory.hpp"
#include "runtime/log.hpp"
#include "runtime/registered_child.hpp"

#include <caf/all.hpp>

#include <pqxx/pqxx>

namespace easymo::reconciliation {

namespace {

namespace bhttp = boost::beast::http;

// How often the retry loop looks for incomplete days and owed alerts; the
// retry interval itself is per row (next_retry_at).
constexpr auto retry_scan_max = std::chrono::minutes(5);

void start_next(actor* self) {
  auto& st = self->state;
  if (st.current || st.queue.empty())
    return;
  st.current = std::move(st.queue.front());
  st.queue.pop_front();
  run_job(self, *st.current, [self](const nlohmann::json& row) {
    auto& st = self->state;
    auto finished = std::move(*st.current);
    st.current.reset();
    for (auto& w : finished.waiters)
      w(row);
    start_next(self);
  });
}

// Arms the daily timer for the next reconciliation-at after the clock's now.
void arm_schedule(actor* self) {
  auto& st = self->state;
  auto now = st.opts.clock();
  st.next_run = next_local_time(now, st.opts.at_hour, st.opts.at_minute,
                                st.opts.time_zone);
  self->delayed_send(self, st.next_run - now, tick_atom::value);
}

void on_tick(actor* self) {
  auto& st = self->state;
  auto now = st.opts.clock();
  if (now < st.next_run) {
    // The timer ran ahead of the wall clock: wait for the rest.
    self->delayed_send(self, st.next_run - now, tick_atom::value);
    return;
  }
  auto day = previous_day(local_day(now, st.opts.time_zone));
  ++st.count.scheduled;
  log::info("reconciliation", "daily run", {{"day", *day}});
  for (auto& g : st.opts.gateways)
    enqueue(self, *day, g);
  arm_schedule(self);
}

void on_retry(actor* self) {
  auto& st = self->state;
  self->delayed_send(self, std::min<caf::timespan>(st.opts.retry_interval,
                                                   retry_scan_max),
                     retry_atom::value);
  payments::db_job(
    self, st.opts.svc, "reconciliation.due",
    [](pqxx::connection_base& c) {
      pqxx::read_transaction tx{c};
      return payments::repo::due_retries(tx, 50);
    },
    [self](std::vector<payments::recon_row>& due) {
      for (auto& r : due)
        enqueue(self, r.day, r.gateway);
    },
    [](const caf::error&) {});
  send_owed_alerts(self);
}

// Every day of [from, to]; nothing when the range is invalid or too long.
std::optional<std::vector<std::string>> days_of(const std::string& from,
                                                const std::string& to) {
  if (!valid_day(from) || !valid_day(to) || to < from)
    return std::nullopt;
  std::vector<std::string> out;
  for (auto d = from; d <= to; d = *next_day(d)) {
    if (out.size() == days_per_request_max)
      return std::nullopt;
    out.push_back(d);
  }
  return out;
}

caf::result<std::string> run_range(actor* self, const std::string& from,
                                   const std::string& to) {
  auto days = days_of(from, to);
  if (!days)
    return caf::make_error(caf::sec::invalid_argument,
                           "expected from <= to, at most "
                             + std::to_string(days_per_request_max) + " days");
  auto rp = self->make_response_promise<std::string>();
  auto rows = std::make_shared<nlohmann::json>(nlohmann::json::array());
  auto left = std::make_shared<size_t>(days->size()
                                       * self->state.opts.gateways.size());
  if (*left == 0) {
    rp.deliver(rows->dump());
    return rp;
  }
  for (auto& d : *days)
    for (auto& g : self->state.opts.gateways)
      enqueue(self, d, g, [rp, rows, left](const nlohmann::json& row) mutable {
        rows->push_back(row);
        if (--*left == 0)
          rp.deliver(rows->dump());
      });
  return rp;
}

void list_http(actor* self, const http::request& req, http::responder res) {
  auto q = http::query_of(req.message.target());
  auto today = local_day(self->state.opts.clock(), self->state.opts.time_zone);
  auto to = q.count("to") ? q["to"] : today;
  auto from = q.count("from") ? q["from"] : to;
  if (!valid_day(from) || !valid_day(to)) {
    res(http::json_error(bhttp::status::bad_request,
                         "expected ?from=YYYY-MM-DD&to=YYYY-MM-DD"));
    return;
  }
  payments::db_job(
    self, self->state.opts.svc, "reconciliation.list",
    [from, to](pqxx::connection_base& c) {
      pqxx::read_transaction tx{c};
      return payments::repo::list(tx, from, to).dump();
    },
    [res](std::string& rows) {
      res(http::json_response(bhttp::status::ok,
                              {{"reconciliations", nlohmann::json::parse(rows)}}));
    },
    [res](const caf::error&) {
      res(http::json_error(bhttp::status::service_unavailable,
                           "database unavailable"));
    });
}

void run_http(actor* self, const http::request& req, http::responder res) {
  auto body = nlohmann::json::parse(req.body(), nullptr, false);
  auto from = body.is_object() ? body.value("date", std::string{}) : "";
  auto to = body.is_object() ? body.value("to", from) : "";
  auto days = days_of(from, to);
  if (!days) {
    res(http::json_error(bhttp::status::bad_request,
                         "expected {\"date\": \"YYYY-MM-DD\", \"to\": "
                         "\"YYYY-MM-DD\"}, at most 31 days"));
    return;
  }
  log::info("reconciliation", "run requested",
            {{"from", from}, {"to", to}}, req.id);
  self->request(caf::actor_cast<caf::actor>(self), caf::infinite,
                run_atom::value, from, to)
    .then(
      [res](std::string& rows) {
        res(http::json_response(bhttp::status::ok,
                                {{"runs", nlohmann::json::parse(rows)}}));
      },
      [self, res](caf::error& err) {
        res(http::json_error(bhttp::status::bad_request,
                             self->system().render(err)));
      });
}

std::string describe(actor* self) {
  auto& st = self->state;
  auto& c = st.count;
  nlohmann::json out{{"gateways", st.opts.gateways},
                     {"next_run", rfc3339_utc(st.next_run)},
                     {"queued", st.queue.size()},
                     {"running", st.current ? st.current->day + " "
                                                + st.current->gateway
                                            : std::string{}},
                     {"scheduled", c.scheduled},
                     {"runs", c.runs},
                     {"complete", c.complete},
                     {"incomplete", c.incomplete},
                     {"alerts", c.alerts},
                     {"alert_failures", c.alert_failures},
                     {"mailbox", self->mailbox().size()}};
  return out.dump();
}

} // namespace

void enqueue(actor* self, const std::string& day, const std::string& gateway,
             std::function<void(const nlohmann::json&)> waiter) {
  auto& st = self->state;
  // A (day, gateway) already waiting is not queued twice: the caller waits
  // for that run instead.
  for (auto& j : st.queue) {
    if (j.day == day && j.gateway == gateway) {
      if (waiter)
        j.waiters.push_back(std::move(waiter));
      return;
    }
  }
  job j{day, gateway, {}};
  if (waiter)
    j.waiters.push_back(std::move(waiter));
  st.queue.push_back(std::move(j));
  start_next(self);
}

options options_from(const settings& s) {
  options o;
  for (auto& g : s.gateways())
    if (g != "momo_ussd" || !s.momo_report_url.empty())
      o.gateways.push_back(g);
  o.at_hour = std::stoi(s.reconciliation_at.substr(0, 2));
  o.at_minute = std::stoi(s.reconciliation_at.substr(3, 2));
  o.time_zone = s.reconciliation_timezone;
  o.retry_interval = std::chrono::duration_cast<std::chrono::seconds>(
    s.reconciliation_retry_interval);
  o.attempts_max = s.reconciliation_attempts_max;
  o.slack_url = s.slack_webhook_url;
  o.slack_timeout = std::chrono::duration_cast<std::chrono::milliseconds>(
    s.payments_gateway_timeout);
  return o;
}

caf::behavior reconciler(actor* self, options opts) {
  self->state.opts = std::move(opts);
  arm_schedule(self);
  self->send(self, retry_atom::value);
  return {
    [self](tick_atom) { on_tick(self); },
    [self](retry_atom) { on_retry(self); },
    [self](run_atom, const std::string& from, const std::string& to) {
      return run_range(self, from, to);
    },
    [self](run_atom, http::request_ptr& req, http::responder& res) {
      run_http(self, *req, res);
    },
    [self](list_atom, http::request_ptr& req, http::responder& res) {
      list_http(self, *req, res);
    },
    [self](caf::get_atom, info_atom) { return describe(self); },
  };
}

supervision::child_spec reconciliation_child(options opts) {
  return registered_child("reconciliation", "reconciliation", directory::reconciliation,
                          [opts](caf::event_based_actor* parent) {
                            return parent->spawn(reconciler, opts);
                          });
}

} // namespace easymo::reconciliation
