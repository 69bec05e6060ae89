// The MoMo actor's messages: start, callback, verification and the poller.
#include "actors/payments/momo.hpp"

#include "actors/payments/fetch.hpp"
#include "protocols/crypto/digest.hpp"
#include "runtime/log.hpp"
#include "runtime/registered_child.hpp"

#include <caf/all.hpp>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

namespace easymo::payments {

namespace {

namespace bhttp = boost::beast::http;

momo::product product_of(const intent& x) {
  return x.dir == direction::collection ? momo::product::collection
                                        : momo::product::disbursement;
}

bool valid_msisdn(const std::string& m) {
  return m.size() >= 8 && m.size() <= 15
         && m.find_first_not_of("0123456789") == std::string::npos;
}

void log_failure(const char* what, const intent& x, const caf::error& err,
                 caf::actor_system& sys) {
  if (err)
    log::warn("payments.momo", what,
              {{"reference", x.reference}, {"error", sys.render(err)}},
              x.correlation_id);
}

// What MoMo reported for a payment we know: move money or wait.
void act_on_status(momo_actor* self, const intent& x,
                   const momo::status_reply& reply, done_fn done) {
  auto& svc = self->state.opts.svc;
  auto& rec = *reply.found;
  switch (rec.status) {
    case gateway::pay_status::succeeded:
      if (x.dir == direction::collection) {
        ++self->state.counters.credited;
        credit(self, svc, x, rec, done);
      } else {
        db_job(
          self, svc, "payments.succeeded",
          [id = x.id, ref = x.reference, t = x.transfer_id,
           raw = rec.raw_status](pqxx::connection_base& c) {
            pqxx::work tx{c};
            auto changed = repo::mark_succeeded(tx, id, ref, t, raw);
            tx.commit();
            return changed;
          },
          [done](bool) { done({}); }, done);
      }
      return;
    case gateway::pay_status::failed:
      ++self->state.counters.failed;
      if (x.dir == direction::disbursement && x.transfer_id != 0)
        refund(self, svc, x, reply.reason, rec.raw_status, done);
      else
        fail(self, svc, x, reply.reason, rec.raw_status, done);
      return;
    default:
      if (x.expired)
        expire(self, svc, x, done);
      else
        done({});
  }
}

// A disbursement goes out only once its debit is posted: held for review, it
// waits for an admin; rejected (voided), it fails with nothing to refund.
void send_when_debited(momo_actor* self, const intent& x, done_fn done) {
  auto& svc = self->state.opts.svc;
  if (x.transfer_id == 0) {
    debit(self, svc, x, [self, x, done](caf::expected<ledger::transfer_receipt> r) {
      if (!r || r->status != ledger::transfer_status::posted) {
        done(r ? caf::error{} : r.error());
        return;
      }
      auto debited = x;
      debited.transfer_id = r->transfer_id;
      send_payment(self, debited, done);
    });
    return;
  }
  auto ledger = ledger_of(self, svc);
  if (!ledger) {
    done(make_error(errc::storage_failed, "no ledger"));
    return;
  }
  self->request(ledger, ledger_timeout, caf::get_atom::value,
                ledger::by_key_atom::value, transfer_key(x.gateway, x.reference))
    .then(
      [=](ledger::transfer_record& t) {
        if (t.status == ledger::transfer_status::posted)
          send_payment(self, x, done);
        else if (t.status == ledger::transfer_status::voided)
          fail(self, self->state.opts.svc, x, "rejected in review", "", done);
        else
          done({});
      },
      [done](caf::error& err) { done(err); });
}

caf::result<payment_started> start(momo_actor* self, start_payment& req) {
  auto& st = self->state;
  auto reference = reference_for(req);
  if (req.amount <= 0 || !valid_msisdn(req.msisdn) || req.wa_id.empty()
      || !reference)
    return make_error(errc::invalid_request,
                      "amount, msisdn, wa_id and a UUID v4 reference");
  if (req.dir == direction::disbursement && !st.opts.disbursement.complete())
    return make_error(errc::unsupported, "no MoMo disbursement credentials");
  ++st.counters.started;
  intent x;
  x.gateway = "momo";
  x.dir = req.dir;
  x.wa_id = req.wa_id;
  x.msisdn = req.msisdn;
  x.amount = req.amount;
  x.cur = req.cur;
  x.reference = std::move(*reference);
  x.gateway_ref = x.reference;
  x.correlation_id = req.correlation_id;
  auto rp = self->make_response_promise<payment_started>();
  // Unreachable MoMo is not the user's failure: the poller retries, so the
  // payment is reported "created" rather than refused.
  // Called exactly once, from whichever step ends the start; delivers a
  // copy because the lambdas that call it are not mutable.
  auto reply = [rp](const intent& x, std::string status,
                    const caf::error& err) {
    auto promise = rp;
    bool retried_later = err && err.category() == error_category
                         && err.code()
                              == static_cast<uint8_t>(errc::gateway_unavailable);
    if (err && !retried_later) {
      promise.deliver(err);
      return;
    }
    promise.deliver(payment_started{"momo", x.reference,
                               err ? "created" : std::move(status), "", "", "",
                               ""});
  };
  store_intent(
    self, st.opts.svc, x, st.opts.intent_ttl,
    [self, reply](intent& stored) {
      auto x = stored;
      // Started before (a retried message): MoMo has it or the poller will
      // send it; a second request-to-pay or debit must never follow.
      if (x.replayed) {
        reply(x, x.status, {});
        return;
      }
      auto sent = [reply, x](const caf::error& err) { reply(x, "pending", err); };
      if (x.dir == direction::collection) {
        send_payment(self, x, sent);
        return;
      }
      debit(self, self->state.opts.svc, x,
            [self, x, reply, sent](caf::expected<ledger::transfer_receipt> r) {
              if (!r) {
                auto code = ledger::code_of(r.error());
                bool operating = code == ledger::errc::unavailable
                                 || code == ledger::errc::overloaded
                                 || code == ledger::errc::storage_failed;
                reply(x, "", make_error(operating ? errc::storage_failed
                                                  : errc::ledger_refused,
                                        self->system().render(r.error())));
              } else if (r->status != ledger::transfer_status::posted) {
                reply(x, "created", {}); // Held for review.
              } else {
                auto debited = x;
                debited.transfer_id = r->transfer_id;
                send_payment(self, debited, sent);
              }
            });
    },
    [self, rp](const caf::error& err) mutable {
      rp.deliver(make_error(errc::storage_failed, self->system().render(err)));
    });
  return rp;
}

void on_callback(momo_actor* self, const http::request& req,
                 http::responder res) {
  ++self->state.counters.callbacks;
  auto ref = momo::callback_reference(req.message.target(), req.body());
  if (!ref) {
    res(http::json_error(bhttp::status::bad_request, "no payment reference"));
    return;
  }
  load_intent(
    self, self->state.opts.svc, "momo", *ref, false,
    [self, res](std::optional<intent> x) {
      if (!x) {
        res(http::json_error(bhttp::status::not_found, "unknown reference"));
        return;
      }
      // Answered before verifying: MoMo does not wait, and the answer
      // promises nothing about the payment.
      res(http::json_response(bhttp::status::ok,
                              {{"status", x->open() ? "verifying" : x->status}}));
      if (x->open())
        verify(self, *x, [self, x](const caf::error& err) {
          log_failure("callback verification failed", *x, err, self->system());
        });
    },
    [res](const caf::error&) {
      res(http::json_error(bhttp::status::service_unavailable,
                           "database unavailable, retry later"));
    });
}

caf::result<gateway_day> reconcile(momo_actor* self,
                                   std::vector<recon_ref>& refs) {
  auto rp = self->make_response_promise<gateway_day>();
  auto one = [self](const recon_ref& r, one_fn cb) {
    auto p = r.dir == direction::collection ? momo::product::collection
                                            : momo::product::disbursement;
    auto& o = self->state.opts;
    auto api = o.api;
    auto cred = p == momo::product::collection ? o.collection : o.disbursement;
    api_call(
      self, p,
      [=](const std::string& token) {
        return momo::status_request(api, p, cred, token, r.reference);
      },
      [cb, ref = r.reference](http::client_response& res) {
        auto reply = momo::parse_status(res, ref);
        if (reply.found)
          cb(std::optional<gateway::record>{*reply.found});
        else if (reply.http == gateway::answer::not_found)
          cb(std::optional<gateway::record>{});
        else
          cb(make_error(errc::gateway_unavailable,
                        std::string{"status "} + gateway::to_string(reply.http)));
      },
      [cb](const caf::error& err) { cb(err); });
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

void poll(momo_actor* self) {
  auto& st = self->state;
  self->delayed_send(self, st.opts.poll_interval, poll_atom::value);
  if (st.poll_running)
    return;
  st.poll_running = true;
  ++st.counters.polls;
  auto interval = std::chrono::duration_cast<std::chrono::seconds>(
    st.opts.poll_interval);
  db_job(
    self, st.opts.svc, "payments.momo.claim",
    [limit = st.opts.poll_batch_max, interval](pqxx::connection_base& c) {
      pqxx::work tx{c};
      auto due = repo::claim_due(tx, "momo", limit,
                                 std::max(interval, std::chrono::seconds(1)));
      tx.commit();
      return due;
    },
    [self](std::vector<intent>& due) {
      self->state.poll_running = false;
      for (auto& x : due)
        verify(self, x, [self, x](const caf::error& err) {
          log_failure("poll verification failed", x, err, self->system());
        });
    },
    [self](const caf::error&) { self->state.poll_running = false; });
}

} // namespace

void verify(momo_actor* self, const intent& x, done_fn done) {
  ++self->state.counters.checks;
  auto p = product_of(x);
  auto api = self->state.opts.api;
  auto cred = p == momo::product::collection ? self->state.opts.collection
                                             : self->state.opts.disbursement;
  api_call(
    self, p,
    [=](const std::string& token) {
      return momo::status_request(api, p, cred, token, x.reference);
    },
    [self, x, done](http::client_response& res) {
      auto reply = momo::parse_status(res, x.reference);
      if (reply.found) {
        act_on_status(self, x, reply, done);
      } else if (reply.http == gateway::answer::not_found
                 && x.status == "created") {
        // MoMo never got it: send it now, under the same reference.
        if (x.dir == direction::collection)
          send_payment(self, x, done);
        else
          send_when_debited(self, x, done);
      } else {
        done(make_error(errc::gateway_unavailable,
                        std::string{"status "} + gateway::to_string(reply.http)));
      }
    },
    done);
}

momo_options momo_options_from(const settings& s) {
  momo_options o;
  o.api.base_url = s.momo_base_url;
  o.api.target_environment = s.momo_target_environment;
  o.api.callback_url = s.public_url + "/payments/momo/callback";
  o.api.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(
    s.payments_gateway_timeout);
  o.collection = {s.momo_collection_subscription_key,
                  s.momo_collection_api_user, s.momo_collection_api_key};
  o.disbursement = {s.momo_disbursement_subscription_key,
                    s.momo_disbursement_api_user, s.momo_disbursement_api_key};
  o.intent_ttl = std::chrono::duration_cast<std::chrono::seconds>(
    s.payments_intent_ttl);
  o.poll_interval = s.momo_poll_interval;
  o.poll_batch_max = s.momo_poll_batch_max;
  o.token_refresh_margin = std::chrono::duration_cast<std::chrono::seconds>(
    s.momo_token_refresh_margin);
  return o;
}

caf::behavior momo_gateway(momo_actor* self, momo_options opts) {
  self->state.opts = std::move(opts);
  self->send(self, poll_atom::value);
  return {
    [self](start_payment& req) { return start(self, req); },
    [self](webhook_atom, http::request_ptr& req, http::responder& res) {
      on_callback(self, *req, res);
    },
    [self](poll_atom) { poll(self); },
    [self](reconcile_atom, std::string&, std::vector<recon_ref>& refs) {
      return reconcile(self, refs);
    },
    [self](caf::get_atom, info_atom) {
      auto& c = self->state.counters;
      nlohmann::json out{{"started", c.started},
                         {"callbacks", c.callbacks},
                         {"polls", c.polls},
                         {"checks", c.checks},
                         {"credited", c.credited},
                         {"failed", c.failed},
                         {"token_refreshes", c.token_refreshes},
                         {"mailbox", self->mailbox().size()}};
      return out.dump();
    },
  };
}

supervision::child_spec momo_child(momo_options opts) {
  return registered_child("momo", "payments.gateway", directory::pay_momo,
                          [opts](caf::event_based_actor* parent) {
                            return parent->spawn(momo_gateway, opts);
                          });
}

} // namespace easymo::payments
