#include "actors/payments/paydunya.hpp"

#include "actors/breaker/call.hpp"
#include "actors/payments/checkout.hpp"
#include "actors/payments/fetch.hpp"
#include "runtime/log.hpp"
#include "runtime/registered_child.hpp"

#include <caf/all.hpp>

#include <nlohmann/json.hpp>

namespace easymo::payments {

namespace {

namespace bhttp = boost::beast::http;

checkout_gateway checkout_of(const paydunya::config& api) {
  checkout_gateway g;
  g.name = "paydunya";
  g.calls = breaker::names::paydunya;
  g.create = [api](const intent& x) {
    return paydunya::create_invoice(api, x.reference, x.amount,
                                    "EasyMO wallet top-up");
  };
  g.read_create = [](http::client_response& res, errc& code,
                     std::string& why) -> std::optional<checkout_page> {
    auto reply = paydunya::parse_create(res);
    if (!reply.created) {
      code = reply.http == gateway::answer::retry_later
               ? errc::gateway_unavailable
               : errc::refused_by_gateway;
      why = reply.error;
      return std::nullopt;
    }
    return checkout_page{reply.created->token, reply.created->checkout_url};
  };
  g.fetch = [api](const std::string& token) {
    return paydunya::confirm_request(api, token);
  };
  g.read_fetch = [](http::client_response& res, const std::string& token) {
    return paydunya::parse_confirm(res, token).found;
  };
  return g;
}

caf::result<payment_started> start(paydunya_actor* self, start_payment& req) {
  auto& st = self->state;
  if (req.dir != direction::collection)
    return make_error(errc::unsupported, "paydunya takes top-ups only");
  if (!paydunya::valid_amount(req.amount, req.cur) || req.wa_id.empty())
    return make_error(errc::invalid_request, "XOF 100 to 10,000,000");
  auto x = checkout_intent("paydunya", req);
  if (!x)
    return make_error(errc::invalid_request, "a UUID v4 reference");
  ++st.started;
  auto rp = self->make_response_promise<payment_started>();
  start_checkout(self, st.opts.svc, checkout_of(st.opts.api), std::move(*x),
                 st.opts.intent_ttl, rp);
  return rp;
}

void on_ipn(paydunya_actor* self, const http::request& req,
            http::responder res) {
  auto& st = self->state;
  ++st.ipns;
  auto msg = paydunya::parse_ipn(req.body());
  if (!msg) {
    res(http::json_error(bhttp::status::bad_request, "not a PayDunya IPN"));
    return;
  }
  if (!paydunya::hash_matches(*msg, st.opts.api.credentials.master_key)) {
    ++st.forged;
    log::warn("payments.paydunya", "IPN with a wrong hash refused",
              {{"remote", req.remote.address().to_string()}}, req.id);
    res(http::json_error(bhttp::status::unauthorized, "hash mismatch"));
    return;
  }
  settle_notified(self, st.opts.svc, checkout_of(st.opts.api), msg->token, res,
                  http::json_error(bhttp::status::not_found, "unknown invoice"),
                  [self] { ++self->state.credited; });
}

caf::result<gateway_day> reconcile(paydunya_actor* self,
                                   std::vector<recon_ref>& refs) {
  auto rp = self->make_response_promise<gateway_day>();
  auto one = [self](const recon_ref& r, one_fn cb) {
    breaker::call(
      self, self->state.opts.svc.gateway, breaker::names::paydunya,
      paydunya::confirm_request(self->state.opts.api, r.reference),
      [cb, token = r.reference](http::client_response& res) {
        auto reply = paydunya::parse_confirm(res, token);
        if (reply.found)
          cb(std::optional<gateway::record>{*reply.found});
        else if (reply.http == gateway::answer::not_found)
          cb(std::optional<gateway::record>{});
        else
          cb(make_error(errc::gateway_unavailable,
                        std::string{"confirm "} + gateway::to_string(reply.http)));
      },
      [self, cb](caf::error& err) {
        cb(make_error(errc::gateway_unavailable, self->system().render(err)));
      });
  };
  fetch_all(self, std::move(refs), one,
            [rp](caf::expected<gateway_day> day) mutable {
              if (day)
                rp.deliver(std::move(*day));
              else
                rp.deliver(day.error());
            });
  return rp;
}

} // namespace

paydunya_options paydunya_options_from(const settings& s) {
  paydunya_options o;
  o.api.live = s.live();
  o.api.base_url = s.paydunya_base_url;
  o.api.credentials = {s.paydunya_master_key,
                       s.live() ? s.paydunya_private_key
                                : s.paydunya_test_private_key,
                       s.live() ? s.paydunya_token : s.paydunya_test_token};
  o.api.callback_url = s.public_url + "/payments/paydunya/ipn";
  o.api.return_url = s.public_url + "/payments/paydunya/return";
  o.api.cancel_url = s.public_url + "/payments/paydunya/return";
  o.api.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(
    s.payments_gateway_timeout);
  o.intent_ttl = std::chrono::duration_cast<std::chrono::seconds>(
    s.payments_intent_ttl);
  o.poll_interval = s.checkout_poll_interval;
  return o;
}

caf::behavior paydunya_gateway(paydunya_actor* self, paydunya_options opts) {
  self->state.opts = std::move(opts);
  self->send(self, poll_atom::value);
  return {
    [self](poll_atom) {
      auto& o = self->state.opts;
      poll_tick(self, o.svc, checkout_of(o.api), o.poll_interval,
                [self] { ++self->state.credited; });
    },
    [self](start_payment& req) { return start(self, req); },
    [self](webhook_atom, http::request_ptr& req, http::responder& res) {
      on_ipn(self, *req, res);
    },
    [self](reconcile_atom, std::string&, std::vector<recon_ref>& refs) {
      return reconcile(self, refs);
    },
    [self](caf::get_atom, info_atom) {
      auto& st = self->state;
      nlohmann::json out{{"started", st.started},
                         {"ipns", st.ipns},
                         {"forged", st.forged},
                         {"credited", st.credited},
                         {"mailbox", self->mailbox().size()}};
      return out.dump();
    },
  };
}

supervision::child_spec paydunya_child(paydunya_options opts) {
  return registered_child("paydunya", "payments.gateway", directory::pay_paydunya,
                          [opts](caf::event_based_actor* parent) {
                            return parent->spawn(paydunya_gateway, opts);
                          });
}

} // namespace easymo::payments
