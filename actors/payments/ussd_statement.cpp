// USSD payments confirmed by the MoMo statement (see ussd.hpp).
#include "actors/payments/ussd.hpp"

#include "actors/breaker/call.hpp"
#include "persistence/ledger/repository.hpp"
#include "protocols/momo/statement.hpp"
#include "runtime/log.hpp"

#include <caf/all.hpp>

#include <pqxx/pqxx>

#include <set>

namespace easymo::payments {

namespace {

using match = std::pair<intent, gateway::record>;

// Pairs each successful line that the ledger does not know yet with the
// oldest open intent of the same payer and amount created before it; an
// intent is paired at most once per statement.
std::vector<match> match_lines(pqxx::transaction_base& tx,
                               const std::vector<gateway::record>& lines,
                               const std::string& zone) {
  std::vector<match> out;
  std::set<int64_t> used;
  for (auto& line : lines) {
    if (line.status != gateway::pay_status::succeeded || line.msisdn.empty())
      continue;
    if (ledger::repo::find_by_reference(tx, "momo_ussd", line.reference))
      continue;
    auto at = parse_local(line.at, zone);
    auto before = at ? rfc3339_utc(*at) : std::string{"infinity"};
    for (auto& x :
         repo::ussd_candidates(tx, line.msisdn, line.amount, line.cur, before)) {
      if (used.insert(x.id).second) {
        out.emplace_back(x, line);
        break;
      }
    }
  }
  return out;
}

struct tally {
  gateway_day result;
  size_t pending = 0;
  caf::typed_response_promise<gateway_day> rp;

  void done() {
    if (--pending == 0)
      rp.deliver(std::move(result));
  }
};

// Credits each matched intent; delivers once every credit has finished.
void confirm_matches(ussd_actor* self, std::vector<match>& matches,
                     std::shared_ptr<tally> t) {
  t->pending = 1; // Released below, once every credit has started.
  for (auto& [x, line] : matches) {
    ++t->pending;
    credit(self, self->state.opts.svc, x, line,
           [self, t, ref = x.reference](const caf::error& err) {
             if (err) {
               log::warn("payments.momo_ussd", "statement confirmation failed",
                         {{"reference", ref},
                          {"error", self->system().render(err)}});
             } else {
               ++t->result.confirmed;
               ++self->state.statement_confirmed;
             }
             t->done();
           });
  }
  t->done();
}

void confirm_lines(ussd_actor* self, std::vector<gateway::record> lines,
                   caf::typed_response_promise<gateway_day> rp) {
  auto t = std::make_shared<tally>();
  t->result.records = lines;
  t->rp = rp;
  db_job(
    self, self->state.opts.svc, "payments.ussd.match",
    [lines = std::move(lines),
     zone = self->state.opts.time_zone](pqxx::connection_base& c) {
      pqxx::read_transaction tx{c};
      return match_lines(tx, lines, zone);
    },
    [self, t](std::vector<match>& matches) { confirm_matches(self, matches, t); },
    [rp](const caf::error& err) mutable { rp.deliver(err); });
}

} // namespace

caf::result<gateway_day> statement_of_day(ussd_actor* self,
                                          const std::string& day) {
  auto& o = self->state.opts;
  if (o.report_url.empty())
    return make_error(errc::unsupported, "no momo-report-url");
  auto rp = self->make_response_promise<gateway_day>();
  breaker::call(
    self, o.svc.gateway, breaker::names::momo,
    momo::statement_request(o.report_url, o.report_token, day, o.timeout),
    [self, rp](http::client_response& res) mutable {
      if (gateway::classify(res.status) != gateway::answer::ok) {
        rp.deliver(make_error(errc::gateway_unavailable,
                              "statement: HTTP " + std::to_string(res.status)));
        return;
      }
      auto parsed = momo::parse_statement(res.body);
      if (!parsed.error.empty()) {
        rp.deliver(make_error(errc::refused_by_gateway,
                              "statement: " + parsed.error));
        return;
      }
      confirm_lines(self, std::move(parsed.lines), rp);
    },
    [self, rp](caf::error& err) mutable {
      rp.deliver(make_error(errc::gateway_unavailable,
                            self->system().render(err)));
    });
  return rp;
}

} // namespace easymo::payments
