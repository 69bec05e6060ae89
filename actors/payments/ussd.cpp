#include "actors/payments/ussd.hpp"

#include "protocols/crypto/digest.hpp"
#include "protocols/momo/qr.hpp"
#include "protocols/momo/ussd.hpp"
#include "runtime/log.hpp"
#include "runtime/registered_child.hpp"

#include <caf/all.hpp>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

namespace easymo::payments {

namespace {

namespace bhttp = boost::beast::http;

int64_t unix_now(const ussd_options& o) {
  return std::chrono::duration_cast<std::chrono::seconds>(
           o.clock().time_since_epoch())
    .count();
}

caf::result<payment_started> start(ussd_actor* self, start_payment& req) {
  auto& o = self->state.opts;
  if (req.dir != direction::collection)
    return make_error(errc::unsupported,
                      "USSD codes cannot pay out: withdrawals need the MoMo API");
  auto code = req.cur == ledger::currency::RWF ? ussd_code_for(o, req.amount)
                                               : std::nullopt;
  auto payer = momo::local_msisdn(req.msisdn);
  auto reference = reference_for(req);
  if (!code || !payer || req.wa_id.empty() || !reference)
    return make_error(errc::invalid_request, "RWF amount and a Rwandan phone");
  ++self->state.started;
  intent x;
  x.gateway = "momo_ussd";
  x.wa_id = req.wa_id;
  x.msisdn = "250" + payer->substr(1);
  x.amount = req.amount;
  x.cur = req.cur;
  x.reference = std::move(*reference);
  x.correlation_id = req.correlation_id;
  auto rp = self->make_response_promise<payment_started>();
  store_intent(
    self, o.svc, x, o.intent_ttl,
    [self, rp, code = *code](intent& stored) mutable {
      auto& o = self->state.opts;
      momo::qr_link link{stored.reference, stored.amount,
                         unix_now(o) + o.qr_ttl.count()};
      // A retried start gets the same code again: it is the amount's.
      rp.deliver(payment_started{
        "momo_ussd", stored.reference, stored.status, "", code,
        momo::tel_link(code),
        o.public_url + "/payments/momo/qr?" + momo::qr_query(link, o.url_secret)});
    },
    [self, rp](const caf::error& err) mutable {
      rp.deliver(make_error(errc::storage_failed, self->system().render(err)));
    });
  return rp;
}

void serve_qr(ussd_actor* self, const http::request& req, http::responder res) {
  auto& o = self->state.opts;
  auto link = momo::verify_qr_query(req.message.target(), o.url_secret,
                                    unix_now(o));
  if (!link) {
    res(http::json_error(bhttp::status::forbidden,
                         "invalid or expired payment link"));
    return;
  }
  auto code = ussd_code_for(o, link->amount);
  auto png = code ? momo::qr_png(momo::tel_link(*code)) : std::nullopt;
  if (!png) {
    res(http::json_error(bhttp::status::internal_server_error,
                         "could not draw the code"));
    return;
  }
  ++self->state.qr_served;
  auto answer = http::text_response(bhttp::status::ok, std::move(*png),
                                    "image/png");
  answer.set(bhttp::field::cache_control, "private, max-age=300");
  res(std::move(answer));
}

struct confirm_body {
  std::string reference;
  gateway::record rec;
  std::string admin;
};

std::optional<confirm_body> parse_confirm(const std::string& text) {
  auto body = nlohmann::json::parse(text, nullptr, false);
  confirm_body out;
  out.reference = gateway::string_at(body, "reference");
  out.rec.reference = gateway::string_at(body, "transaction_id");
  out.admin = gateway::string_at(body, "admin");
  auto cur = ledger::parse_currency(gateway::string_at(body, "currency"));
  if (out.reference.empty() || out.rec.reference.empty() || out.admin.empty()
      || !cur || !body.contains("amount"))
    return std::nullopt;
  auto amount = gateway::amount_major(body["amount"], *cur);
  if (!amount)
    return std::nullopt;
  out.rec.amount = *amount;
  out.rec.cur = *cur;
  out.rec.status = gateway::pay_status::succeeded;
  out.rec.raw_status = "confirmed by " + out.admin;
  return out;
}

void answer_credit(http::responder res, const caf::error& err,
                   caf::actor_system& sys) {
  if (!err) {
    res(http::json_response(bhttp::status::ok, {{"status", "succeeded"}}));
    return;
  }
  auto code = ledger::code_of(err);
  if (code == ledger::errc::duplicate_reference
      || code == ledger::errc::idempotency_conflict)
    res(http::json_error(bhttp::status::conflict,
                         "this MoMo transaction or payment is already credited "
                         "under another confirmation"));
  else
    res(http::json_error(bhttp::status::service_unavailable, sys.render(err)));
}

void confirm(ussd_actor* self, const http::request& req, http::responder res) {
  auto body = parse_confirm(req.body());
  if (!body) {
    res(http::json_error(bhttp::status::bad_request,
                         "expected {\"reference\", \"transaction_id\", "
                         "\"amount\", \"currency\", \"admin\"}"));
    return;
  }
  log::info("payments.momo_ussd", "operator confirmation",
            {{"reference", body->reference}, {"admin", body->admin}}, req.id);
  load_intent(
    self, self->state.opts.svc, "momo_ussd", body->reference, false,
    [self, res, b = *body](std::optional<intent> x) {
      if (!x) {
        res(http::json_error(bhttp::status::not_found, "unknown reference"));
        return;
      }
      if (x->amount != b.rec.amount || x->cur != b.rec.cur) {
        res(http::json_error(bhttp::status::conflict,
                             "the amount differs from the payment's "
                               + ledger::display(x->amount, x->cur)));
        return;
      }
      ++self->state.operator_confirmed;
      auto& sys = self->system();
      credit(self, self->state.opts.svc, *x, b.rec,
             [res, &sys](const caf::error& err) { answer_credit(res, err, sys); });
    },
    [res](const caf::error&) {
      res(http::json_error(bhttp::status::service_unavailable,
                           "database unavailable, retry later"));
    });
}

} // namespace

std::optional<std::string> ussd_code_for(const ussd_options& opts,
                                         int64_t amount) {
  if (!opts.merchant_code.empty())
    return momo::merchant_code(opts.merchant_code, amount);
  return momo::p2p_code(opts.receiver_phone, amount);
}

ussd_options ussd_options_from(const settings& s) {
  ussd_options o;
  o.merchant_code = s.momo_merchant_code;
  o.receiver_phone = s.momo_receiver_phone;
  if (o.merchant_code.empty() && o.receiver_phone.empty() && !s.live())
    o.merchant_code = sandbox_merchant_code;
  o.public_url = s.public_url;
  o.url_secret = s.payments_url_secret;
  o.report_url = s.momo_report_url;
  o.report_token = s.momo_report_token;
  o.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(
    s.payments_gateway_timeout);
  o.qr_ttl = std::chrono::duration_cast<std::chrono::seconds>(s.momo_qr_ttl);
  o.intent_ttl = std::chrono::duration_cast<std::chrono::seconds>(
    s.payments_intent_ttl);
  o.time_zone = s.reconciliation_timezone;
  return o;
}

caf::behavior ussd_gateway(ussd_actor* self, ussd_options opts) {
  self->state.opts = std::move(opts);
  return {
    [self](start_payment& req) { return start(self, req); },
    [self](confirm_atom, http::request_ptr& req, http::responder& res) {
      confirm(self, *req, res);
    },
    [self](qr_atom, http::request_ptr& req, http::responder& res) {
      serve_qr(self, *req, res);
    },
    [self](reconcile_atom, std::string& day, std::vector<recon_ref>&) {
      return statement_of_day(self, day);
    },
    [self](caf::get_atom, info_atom) {
      auto& st = self->state;
      nlohmann::json out{{"started", st.started},
                         {"operator_confirmed", st.operator_confirmed},
                         {"statement_confirmed", st.statement_confirmed},
                         {"qr_served", st.qr_served},
                         {"mailbox", self->mailbox().size()}};
      return out.dump();
    },
  };
}

supervision::child_spec ussd_child(ussd_options opts) {
  return registered_child("momo_ussd", "payments.gateway", directory::pay_ussd,
                          [opts](caf::event_based_actor* parent) {
                            return parent->spawn(ussd_gateway, opts);
                          });
}

} // namespace easymo::payments
