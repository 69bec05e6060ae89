#include "actors/payments/checkout.hpp"

#include "actors/breaker/call.hpp"
#include "protocols/crypto/digest.hpp"

#include <caf/all.hpp>

#include <pqxx/pqxx>

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
  breaker::call(
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

// What reading a payment back came to: its status at the gateway once
// settled in the ledger, or why it could not be read or settled.
using verified_fn = std::function<void(const caf::error&, gateway::pay_status)>;

// Reads the intent's payment back from the gateway and settles the intent
// with that record; an open intent past its expiry that the gateway still
// calls pending is marked expired.
void read_back(caf::event_based_actor* self, const services& s,
               const checkout_gateway& g, const intent& x,
               std::function<void()> credited, verified_fn done) {
  breaker::call(
    self, s.gateway, g.calls, g.fetch(x.gateway_ref),
    [self, s, g, x, credited, done](http::client_response& answer) {
      auto rec = g.read_fetch(answer, x.gateway_ref);
      if (!rec) {
        done(make_error(errc::gateway_unavailable, "could not read it back"),
             gateway::pay_status::pending);
        return;
      }
      auto st = rec->status;
      if (st == gateway::pay_status::succeeded && credited)
        credited();
      if (st == gateway::pay_status::pending && x.expired) {
        expire(self, s, x, [done, st](const caf::error& err) { done(err, st); });
        return;
      }
      settle_collection(self, s, x, *rec, "",
                        [done, st](const caf::error& err) { done(err, st); });
    },
    [done, g](caf::error&) {
      done(make_error(errc::gateway_unavailable, g.name + " unreachable"),
           gateway::pay_status::pending);
    });
}

} // namespace

std::optional<intent> checkout_intent(const std::string& gateway,
                                      const start_payment& req) {
  auto reference = reference_for(req);
  if (!reference)
    return std::nullopt;
  intent x;
  x.gateway = gateway;
  x.wa_id = req.wa_id;
  x.amount = req.amount;
  x.cur = req.cur;
  x.reference = std::move(*reference);
  x.correlation_id = req.correlation_id;
  return x;
}

void start_checkout(caf::event_based_actor* self, const services& s,
                    const checkout_gateway& g, intent x,
                    std::chrono::seconds ttl, promise rp) {
  store_intent(
    self, s, std::move(x), ttl,
    [self, s, g, rp](intent& stored) mutable {
      // Started before (a retried message): the same page, no new order.
      if (stored.replayed)
        rp.deliver(payment_started{g.name, stored.reference, stored.status,
                                   stored.checkout_url, "", "", ""});
      else
        create(self, s, g, stored, rp);
    },
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
      read_back(self, s, g, *x, credited,
                [res](const caf::error& err, gateway::pay_status st) {
                  if (err)
                    res(http::json_error(bhttp::status::service_unavailable,
                                         "could not settle, retry later"));
                  else
                    res(http::json_response(
                      bhttp::status::ok, {{"status", gateway::to_string(st)}}));
                });
    },
    [res](const caf::error&) {
      res(http::json_error(bhttp::status::service_unavailable,
                           "database unavailable, retry later"));
    });
}

void poll_checkout(caf::event_based_actor* self, const services& s,
                   const checkout_gateway& g, size_t limit,
                   std::chrono::seconds interval,
                   std::function<void()> credited) {
  db_job(
    self, s, "payments." + g.name + ".claim",
    [name = g.name, limit, interval](pqxx::connection_base& c) {
      pqxx::work tx{c};
      auto due = repo::claim_due(tx, name, limit, interval);
      tx.commit();
      return due;
    },
    [self, s, g, credited](std::vector<intent>& due) {
      for (auto& x : due) {
        // Created but never given a page: nothing to read back.
        if (x.gateway_ref.empty())
          continue;
        read_back(self, s, g, x, credited,
                  [](const caf::error&, gateway::pay_status) {});
      }
    },
    [](const caf::error&) {});
}

void poll_tick(caf::event_based_actor* self, const services& s,
               const checkout_gateway& g, caf::timespan interval,
               std::function<void()> credited) {
  self->delayed_send(self, interval, poll_atom::value);
  auto secs = std::chrono::duration_cast<std::chrono::seconds>(interval);
  poll_checkout(self, s, g, checkout_poll_batch_max,
                std::max(secs, std::chrono::seconds(1)), std::move(credited));
}

} // namespace easymo::payments
