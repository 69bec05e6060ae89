#include "actors/payments/checkout.hpp"

#include "actors/gateways/protocol.hpp"
#include "protocols/crypto/digest.hpp"

#include <caf/all.hpp>

namespace easymo::payments {

namespace {

namespace bhttp = boost::beast::http;

using promise = caf::typed_response_promise<payment_started>;

// Without a page the user cannot pay: the intent ends here.
void give_up(caf::event_based_actor* self, const services& s, const intent& x,
             errc code, const std::string& why, promise rp) {
  fail(self, s, x, why, "", [rp, code, why](const caf::error&) mutable {
    rp.deliver(make_error(code, why));
  });
}

void create(caf::event_based_actor* self, const services& s,
            const checkout_gateway& g, intent x, promise rp) {
  gateways::call(
    self, s.gateway, g.calls, g.create(x),
    [self, s, g, x, rp](http::client_response& res) mutable {
      auto code = errc::refused_by_gateway;
      std::string why;
      auto page = g.read_create(res, code, why);
      if (!page) {
        give_up(self, s, x, code, g.name + ": " + why, rp);
        return;
      }
      mark_pending(self, s, x, page->gateway_ref, page->url, "pending",
                   [g, x, url = page->url, rp](const caf::error& err) mutable {
                     if (err)
                       rp.deliver(make_error(errc::storage_failed, "pending"));
                     else
                       rp.deliver(payment_started{g.name, x.reference, "pending",
                                                  url, "", "", ""});
                   });
    },
    [self, s, x, rp](caf::error& err) mutable {
      give_up(self, s, x, errc::gateway_unavailable, self->system().render(err),
              rp);
    });
}

void read_back(caf::event_based_actor* self, const services& s,
               const checkout_gateway& g, const intent& x, http::responder res,
               std::function<void()> credited) {
  gateways::call(
    self, s.gateway, g.calls, g.fetch(x.gateway_ref),
    [self, s, g, x, res, credited](http::client_response& answer) {
      auto rec = g.read_fetch(answer, x.gateway_ref);
      if (!rec) {
        res(http::json_error(bhttp::status::service_unavailable,
                             "could not read the payment back, retry later"));
        return;
      }
      if (rec->status == gateway::pay_status::succeeded && credited)
        credited();
      settle_collection(self, s, x, *rec, "",
                        [res, st = rec->status](const caf::error& err) {
                          if (err)
                            res(http::json_error(
                              bhttp::status::service_unavailable,
                              "could not settle, retry later"));
                          else
                            res(http::json_response(
                              bhttp::status::ok,
                              {{"status", gateway::to_string(st)}}));
                        });
    },
    [res, g](caf::error&) {
      res(http::json_error(bhttp::status::service_unavailable,
                           g.name + " unreachable, retry later"));
    });
}

} // namespace

intent checkout_intent(const std::string& gateway, const start_payment& req) {
  intent x;
  x.gateway = gateway;
  x.wa_id = req.wa_id;
  x.amount = req.amount;
  x.cur = req.cur;
  x.reference = crypto::uuid_v4();
  x.correlation_id = req.correlation_id;
  return x;
}

void start_checkout(caf::event_based_actor* self, const services& s,
                    const checkout_gateway& g, intent x,
                    std::chrono::seconds ttl, promise rp) {
  store_intent(
    self, s, std::move(x), ttl,
    [self, s, g, rp](intent& stored) { create(self, s, g, stored, rp); },
    [self, rp](const caf::error& err) mutable {
      rp.deliver(make_error(errc::storage_failed, self->system().render(err)));
    });
}

void settle_notified(caf::event_based_actor* self, const services& s,
                     const checkout_gateway& g, const std::string& gateway_ref,
                     http::responder res, http::response unknown,
                     std::function<void()> credited) {
  load_intent(
    self, s, g.name, gateway_ref, true,
    [self, s, g, res, unknown, credited](std::optional<intent> x) {
      if (!x) {
        res(unknown);
        return;
      }
      // Settled: a replay, answered with what happened, calling nobody.
      if (!x->open() && x->status != "expired") {
        res(http::json_response(bhttp::status::ok, {{"status", x->status}}));
        return;
      }
      read_back(self, s, g, *x, res, credited);
    },
    [res](const caf::error&) {
      res(http::json_error(bhttp::status::service_unavailable,
                           "database unavailable, retry later"));
    });
}

} // namespace easymo::payments
