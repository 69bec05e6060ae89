// One (day, gateway) reconciliation, step by step: what to ask for, the
// gateway's side, the ledger's side and the comparison, the stored row, the
// alert.
#include "actors/reconciliation/compare.hpp"
#include "actors/reconciliation/reconciliation.hpp"

#include "actors/breaker/call.hpp"
#include "actors/payments/protocol.hpp"
#include "protocols/slack/slack.hpp"
#include "runtime/log.hpp"

#include <caf/all.hpp>

#include <pqxx/pqxx>

namespace easymo::reconciliation {

namespace {

using done_fn = std::function<void(const nlohmann::json&)>;
using payments::recon_ref;

nlohmann::json failure_row(const std::string& day, const std::string& gateway,
                           const std::string& why) {
  return {{"day", day}, {"gateway", gateway}, {"status", "not_stored"},
          {"error", why}};
}

void alert(actor* self, const std::string& day, const std::string& gateway,
           const nlohmann::json& mismatches);

void store_incomplete(actor* self, const std::string& day,
                      const std::string& gateway, const std::string& why,
                      wall_time started, done_fn done) {
  auto& o = self->state.opts;
  ++self->state.count.incomplete;
  log::warn("reconciliation", "gateway could not be read, day incomplete",
            {{"day", day}, {"gateway", gateway}, {"error", why}});
  payments::db_job(
    self, o.svc, "reconciliation.incomplete",
    [=, retry = o.retry_interval, max = o.attempts_max](pqxx::connection_base& c) {
      pqxx::work tx{c};
      payments::repo::store_incomplete(tx, day, gateway, why, retry, max,
                                       started);
      auto row = payments::repo::find(tx, day, gateway).dump();
      tx.commit();
      return row;
    },
    [done](std::string& row) { done(nlohmann::json::parse(row)); },
    [=](const caf::error& err) {
      done(failure_row(day, gateway, self->system().render(err)));
    });
}

// The comparison runs inside the job: it is pure and needs both sides,
// which only the transaction holds together.
void compare_and_store(actor* self, const std::string& day,
                       const std::string& gateway, std::vector<std::string> refs,
                       payments::gateway_day found, wall_time started,
                       done_fn done) {
  payments::db_job(
    self, self->state.opts.svc, "reconciliation.store",
    [=, refs = std::move(refs), found = std::move(found)](pqxx::connection_base& c) {
      pqxx::work tx{c};
      auto all_refs = refs;
      for (auto& r : found.records)
        all_refs.push_back(r.reference);
      auto ledger = payments::repo::ledger_side(tx, gateway, day, all_refs);
      auto cmp = compare(found.records, ledger);
      payments::repo::complete_result r;
      r.gateway_records = found.records.size();
      r.ledger_records = ledger.size();
      r.matched = cmp.matched;
      r.confirmed = found.confirmed;
      r.mismatches = to_json(cmp.mismatches);
      r.started = started;
      auto owed = payments::repo::store_complete(tx, day, gateway, r);
      auto row = payments::repo::find(tx, day, gateway).dump();
      tx.commit();
      return std::make_pair(owed, row);
    },
    [=](std::pair<bool, std::string>& out) {
      ++self->state.count.complete;
      auto row = nlohmann::json::parse(out.second);
      if (out.first)
        alert(self, day, gateway, row["mismatches"]);
      done(row);
    },
    [=](const caf::error& err) {
      done(failure_row(day, gateway, self->system().render(err)));
    });
}

caf::actor gateway_actor(actor* self, const std::string& gateway) {
  auto& fixed = self->state.opts.gateway_actors;
  if (auto it = fixed.find(gateway); it != fixed.end())
    return it->second;
  if (gateway == "momo")
    return directory::get(self->system(), directory::pay_momo);
  if (gateway == "paydunya")
    return directory::get(self->system(), directory::pay_paydunya);
  if (gateway == "revolut")
    return directory::get(self->system(), directory::pay_revolut);
  return directory::get(self->system(), directory::pay_ussd);
}

void fetch_gateway(actor* self, const std::string& day,
                   const std::string& gateway, std::vector<recon_ref> refs,
                   wall_time started, done_fn done) {
  auto target = gateway_actor(self, gateway);
  if (!target) {
    store_incomplete(self, day, gateway, "gateway actor not running", started,
                     done);
    return;
  }
  std::vector<std::string> names;
  for (auto& r : refs)
    names.push_back(r.reference);
  self
    ->request(target, self->state.opts.gateway_timeout,
              payments::reconcile_atom::value, day, std::move(refs))
    .then(
      [=](payments::gateway_day& found) {
        compare_and_store(self, day, gateway, names, std::move(found), started,
                          done);
      },
      [=](caf::error& err) {
        store_incomplete(self, day, gateway, self->system().render(err),
                         started, done);
      });
}

void mark_alerted(actor* self, const std::string& day,
                  const std::string& gateway) {
  payments::db_job(
    self, self->state.opts.svc, "reconciliation.alerted",
    [day, gateway](pqxx::connection_base& c) {
      pqxx::work tx{c};
      payments::repo::mark_alerted(tx, day, gateway);
      tx.commit();
    },
    [](std::monostate&) {}, [](const caf::error&) {});
}

void alert(actor* self, const std::string& day, const std::string& gateway,
           const nlohmann::json& mismatches) {
  auto& o = self->state.opts;
  auto text = alert_text(day, gateway, mismatches);
  log::warn("reconciliation", "mismatches found",
            {{"day", day}, {"gateway", gateway}, {"count", mismatches.size()}});
  if (o.slack_url.empty()) {
    // Nowhere else to send it: the log line above is the alert.
    mark_alerted(self, day, gateway);
    return;
  }
  breaker::call(
    self, o.svc.gateway, breaker::names::slack,
    slack::message(o.slack_url, text, o.slack_timeout),
    [=](http::client_response& res) {
      if (slack::accepted(res.status)) {
        ++self->state.count.alerts;
        mark_alerted(self, day, gateway);
      } else {
        ++self->state.count.alert_failures;
        log::warn("reconciliation", "slack refused the alert",
                  {{"status", res.status}});
      }
    },
    [self](caf::error& err) {
      ++self->state.count.alert_failures;
      log::warn("reconciliation", "slack unreachable, alert owed",
                {{"error", self->system().render(err)}});
    });
}

} // namespace

void run_job(actor* self, const job& j, done_fn done) {
  ++self->state.count.runs;
  auto started = self->state.opts.clock();
  auto day = j.day;
  auto gateway = j.gateway;
  payments::db_job(
    self, self->state.opts.svc, "reconciliation.plan",
    [day, gateway](pqxx::connection_base& c) {
      pqxx::read_transaction tx{c};
      return payments::repo::refs_of_day(tx, gateway, day);
    },
    [=](std::vector<recon_ref>& refs) {
      fetch_gateway(self, day, gateway, std::move(refs), started, done);
    },
    [=](const caf::error& err) {
      done(failure_row(day, gateway, self->system().render(err)));
    });
}

void send_owed_alerts(actor* self) {
  payments::db_job(
    self, self->state.opts.svc, "reconciliation.owed",
    [](pqxx::connection_base& c) {
      pqxx::read_transaction tx{c};
      std::vector<std::string> rows;
      for (auto& r : payments::repo::owed_alerts(tx, 20))
        rows.push_back(payments::repo::find(tx, r.day, r.gateway).dump());
      return rows;
    },
    [self](std::vector<std::string>& rows) {
      for (auto& text : rows) {
        auto row = nlohmann::json::parse(text);
        alert(self, row["day"], row["gateway"], row["mismatches"]);
      }
    },
    [](const caf::error&) {});
}

} // namespace easymo::reconciliation
