#include "actors/payments/routes.hpp"

#include "actors/ledger/protocol.hpp"
#include "actors/payments/admin.hpp"
#include "actors/payments/protocol.hpp"
#include "actors/ratelimit/http_guard.hpp"
#include "actors/reconciliation/protocol.hpp"
#include "protocols/http/forwarded.hpp"
#include "runtime/routes.hpp"

namespace easymo::payments {

namespace {

namespace bhttp = boost::beast::http;

void browser_return(http::request_ptr, http::responder res) {
  res(http::text_response(bhttp::status::ok,
                          "<!doctype html><title>EasyMO</title><p>Thank you. "
                          "You can go back to WhatsApp: we will confirm your "
                          "payment there.</p>",
                          "text/html; charset=utf-8"));
}

} // namespace

ratelimit::policy public_routes_policy(const settings& s) {
  return ratelimit::per_key_policy(
    "pay", static_cast<double>(s.payments_ratelimit_per_ip),
    std::chrono::duration_cast<std::chrono::milliseconds>(
      s.payments_ratelimit_window));
}

void add_public_routes(http::router& r, caf::actor_system& sys,
                       const settings& s) {
  // One bucket per address for every payment route: each request may make
  // the daemon call a gateway (a callback is read back from MoMo), so a
  // flood must stop here, before it reaches a breaker.
  // Behind a load balancer the peer is the balancer: the client comes from
  // X-Forwarded-For, believed only from http-trusted-proxies (validated at
  // start, so the parse cannot fail here).
  auto proxies = std::get<http::trusted_proxies>(
    http::trusted_proxies::parse(s.http_trusted_proxies));
  auto client_address = [proxies](const http::request& req) {
    return proxies
      .client_of(req.remote.address(),
                 req.message["X-Forwarded-For"])
      .to_string();
  };
  auto limited = [&sys, pol = public_routes_policy(s),
                  client_address](http::handler h) {
    return ratelimit::limited(sys, pol, client_address, std::move(h));
  };
  auto webhook = webhook_atom::value;
  if (s.gateway_enabled("momo")) {
    auto h = limited(to_actor(sys, directory::pay_momo, webhook));
    r.add(bhttp::verb::post, "/payments/momo/callback", h);
    r.add(bhttp::verb::put, "/payments/momo/callback", h);
  }
  if (s.gateway_enabled("momo_ussd"))
    r.add(bhttp::verb::get, "/payments/momo/qr",
          limited(to_actor(sys, directory::pay_ussd, qr_atom::value)));
  if (s.gateway_enabled("paydunya")) {
    r.add(bhttp::verb::post, "/payments/paydunya/ipn",
          limited(to_actor(sys, directory::pay_paydunya, webhook)));
    r.add(bhttp::verb::get, "/payments/paydunya/return",
          limited(browser_return));
  }
  if (s.gateway_enabled("revolut"))
    r.add(bhttp::verb::post, "/payments/revolut/webhook",
          limited(to_actor(sys, directory::pay_revolut, webhook)));
}

void add_admin_routes(http::router& r, caf::actor_system& sys,
                      const settings& s) {
  auto admin = [&](auto... prefix) {
    return guarded(s.admin_token, to_actor(sys, directory::pay_admin, prefix...));
  };
  r.add(bhttp::verb::get, "/admin/reviews", admin(reviews_atom::value));
  r.add(bhttp::verb::post, "/admin/reviews/approve",
        admin(ledger::approve_atom::value));
  r.add(bhttp::verb::post, "/admin/reviews/reject",
        admin(ledger::reject_atom::value));
  r.add(bhttp::verb::post, "/admin/payments/start", admin(start_atom::value));
  r.add(bhttp::verb::get, "/admin/payments", admin(intent_atom::value));
  r.add(bhttp::verb::post, "/admin/payments/confirm",
        guarded(s.admin_token,
                to_actor(sys, directory::pay_ussd, confirm_atom::value)));
  r.add(bhttp::verb::get, "/admin/reconciliations",
        guarded(s.admin_token, to_actor(sys, directory::reconciliation,
                                        reconciliation::list_atom::value)));
  r.add(bhttp::verb::post, "/admin/reconciliations/run",
        guarded(s.admin_token, to_actor(sys, directory::reconciliation,
                                        reconciliation::run_atom::value)));
}

} // namespace easymo::payments
