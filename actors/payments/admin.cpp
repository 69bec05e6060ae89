#include "actors/payments/admin.hpp"

#include "persistence/ledger/reviews.hpp"
#include "protocols/http/client_form.hpp"
#include "runtime/log.hpp"
#include "runtime/registered_child.hpp"

#include <caf/all.hpp>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

namespace easymo::payments {

namespace {

namespace bhttp = boost::beast::http;

constexpr auto start_timeout = std::chrono::seconds(40);

http::response ledger_answer(const caf::error& err, caf::actor_system& sys) {
  switch (ledger::code_of(err)) {
    case ledger::errc::transfer_not_found:
      return http::json_error(bhttp::status::not_found, "no such transfer");
    case ledger::errc::not_pending:
      return http::json_error(bhttp::status::conflict,
                              "the transfer is no longer held for review");
    default:
      return http::json_error(bhttp::status::service_unavailable,
                              sys.render(err));
  }
}

void list_reviews(admin_actor* self, http::responder res) {
  db_job(
    self, self->state.svc, "payments.admin.reviews",
    [](pqxx::connection_base& c) {
      pqxx::read_transaction tx{c};
      return ledger::repo::open_reviews(tx, ledger::repo::reviews_page_max)
        .dump();
    },
    [res](std::string& text) {
      res(http::json_response(bhttp::status::ok,
                              {{"reviews", nlohmann::json::parse(text)}}));
    },
    [res](const caf::error&) {
      res(http::json_error(bhttp::status::service_unavailable,
                           "database unavailable"));
    });
}

void decide(admin_actor* self, bool approve, const http::request& req,
            http::responder res) {
  auto body = nlohmann::json::parse(req.body(), nullptr, false);
  auto admin = gateway::string_at(body, "admin");
  if (!body.is_object() || !body.contains("transfer_id")
      || !body["transfer_id"].is_number_integer() || admin.empty()) {
    res(http::json_error(bhttp::status::bad_request,
                         "expected {\"transfer_id\": <id>, \"admin\": <name>}"));
    return;
  }
  auto id = body["transfer_id"].get<int64_t>();
  auto ledger = ledger_of(self, self->state.svc);
  if (!ledger) {
    res(http::json_error(bhttp::status::service_unavailable, "ledger restarting"));
    return;
  }
  ++self->state.decisions;
  log::info("payments.admin", approve ? "approving transfer" : "rejecting transfer",
            {{"transfer", id}, {"admin", admin}}, req.id);
  auto ok = [res](ledger::transfer_receipt& r) {
    res(http::json_response(bhttp::status::ok,
                            {{"transfer_id", r.transfer_id},
                             {"status", ledger::to_string(r.status)},
                             {"replayed", r.replayed}}));
  };
  auto fail = [self, res](caf::error& err) {
    res(ledger_answer(err, self->system()));
  };
  if (approve)
    self->request(ledger, ledger_timeout, ledger::approve_atom::value, id, admin,
                  req.id)
      .then(ok, fail);
  else
    self->request(ledger, ledger_timeout, ledger::reject_atom::value, id, admin,
                  gateway::string_at(body, "note"), req.id)
      .then(ok, fail);
}

caf::atom_value actor_of(const std::string& gateway) {
  if (gateway == "momo")
    return directory::pay_momo;
  if (gateway == "paydunya")
    return directory::pay_paydunya;
  if (gateway == "revolut")
    return directory::pay_revolut;
  return directory::pay_ussd;
}

std::optional<start_payment> parse_start(const nlohmann::json& body,
                                         std::string& gateway) {
  gateway = gateway::string_at(body, "gateway");
  auto dir = gateway::string_at(body, "direction");
  auto cur = ledger::parse_currency(gateway::string_at(body, "currency"));
  if (gateway.empty() || !cur || !body.contains("amount"))
    return std::nullopt;
  auto amount = gateway::amount_major(body["amount"], *cur);
  if (!amount || (dir != "collection" && dir != "disbursement"))
    return std::nullopt;
  start_payment out;
  out.wa_id = gateway::string_at(body, "wa_id");
  out.dir = dir == "collection" ? direction::collection
                                : direction::disbursement;
  out.msisdn = gateway::string_at(body, "msisdn");
  out.amount = *amount;
  out.cur = *cur;
  // Optional: an operator retrying a start sends the same reference.
  out.reference = gateway::string_at(body, "reference");
  return out;
}

void start(admin_actor* self, const http::request& req, http::responder res) {
  std::string gateway;
  auto msg = parse_start(nlohmann::json::parse(req.body(), nullptr, false),
                         gateway);
  if (!msg) {
    res(http::json_error(bhttp::status::bad_request,
                         "expected {\"wa_id\", \"gateway\", \"direction\", "
                         "\"msisdn\", \"amount\", \"currency\"[, "
                         "\"reference\"]}"));
    return;
  }
  auto target = directory::get(self->system(), actor_of(gateway));
  if (!target) {
    res(http::json_error(bhttp::status::not_found,
                         "gateway '" + gateway + "' is not enabled"));
    return;
  }
  msg->correlation_id = req.id;
  self->request(target, start_timeout, std::move(*msg))
    .then(
      [res](payment_started& p) {
        res(http::json_response(bhttp::status::ok, to_json(p)));
      },
      [self, res](caf::error& err) {
        // The request or the user's money is the problem: 422. The gateway
        // or the database is: 503, try again.
        auto code = err.category() == error_category
                      ? static_cast<errc>(err.code())
                      : errc::gateway_unavailable;
        auto status = code == errc::gateway_unavailable
                          || code == errc::storage_failed
                        ? bhttp::status::service_unavailable
                        : bhttp::status::unprocessable_entity;
        res(http::json_error(status, self->system().render(err)));
      });
}

void show_intent(admin_actor* self, const http::request& req,
                 http::responder res) {
  auto query = http::query_of(req.message.target());
  auto gw = query["gateway"];
  auto ref = query["reference"];
  if (gw.empty() || ref.empty()) {
    res(http::json_error(bhttp::status::bad_request,
                         "expected ?gateway=<name>&reference=<ref>"));
    return;
  }
  load_intent(
    self, self->state.svc, gw, ref, false,
    [res](std::optional<intent> x) {
      if (x)
        res(http::json_response(bhttp::status::ok, to_json(*x)));
      else
        res(http::json_error(bhttp::status::not_found, "no such payment"));
    },
    [res](const caf::error&) {
      res(http::json_error(bhttp::status::service_unavailable,
                           "database unavailable"));
    });
}

} // namespace

nlohmann::json to_json(const intent& x) {
  return {{"id", x.id},
          {"gateway", x.gateway},
          {"direction", to_string(x.dir)},
          {"wa_id", x.wa_id},
          {"amount", x.amount},
          {"currency", std::string{ledger::code(x.cur)}},
          {"display", ledger::display(x.amount, x.cur)},
          {"reference", x.reference},
          {"gateway_ref", x.gateway_ref},
          {"status", x.status},
          {"gateway_status", x.gateway_status},
          {"reason", x.reason},
          {"checkout_url", x.checkout_url},
          {"transfer_id", x.transfer_id},
          {"refund_transfer_id", x.refund_transfer_id},
          {"checks", x.checks},
          {"created_at", x.created_at}};
}

nlohmann::json to_json(const payment_started& p) {
  return {{"gateway", p.gateway},     {"reference", p.reference},
          {"status", p.status},       {"checkout_url", p.checkout_url},
          {"ussd_code", p.ussd_code}, {"tel_link", p.tel_link},
          {"qr_url", p.qr_url}};
}

caf::behavior payments_admin(admin_actor* self, services svc) {
  self->state.svc = std::move(svc);
  return {
    [self](reviews_atom, http::request_ptr&, http::responder& res) {
      ++self->state.requests;
      list_reviews(self, res);
    },
    [self](ledger::approve_atom, http::request_ptr& req, http::responder& res) {
      ++self->state.requests;
      decide(self, true, *req, res);
    },
    [self](ledger::reject_atom, http::request_ptr& req, http::responder& res) {
      ++self->state.requests;
      decide(self, false, *req, res);
    },
    [self](start_atom, http::request_ptr& req, http::responder& res) {
      ++self->state.requests;
      start(self, *req, res);
    },
    [self](intent_atom, http::request_ptr& req, http::responder& res) {
      ++self->state.requests;
      show_intent(self, *req, res);
    },
    [self](caf::get_atom, info_atom) {
      nlohmann::json out{{"requests", self->state.requests},
                         {"decisions", self->state.decisions},
                         {"mailbox", self->mailbox().size()}};
      return out.dump();
    },
  };
}

supervision::child_spec admin_child() {
  return registered_child("payments_admin", "payments.admin", directory::pay_admin,
                          [](caf::event_based_actor* parent) {
                            return parent->spawn(payments_admin, services{});
                          });
}

} // namespace easymo::payments
