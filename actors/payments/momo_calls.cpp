// The MoMo actor's calls: tokens, authenticated calls, and sending a payment.
#include "actors/payments/momo.hpp"

#include "actors/breaker/call.hpp"
#include "runtime/log.hpp"

#include <caf/all.hpp>

namespace easymo::payments {

namespace {

token_slot& slot_of(momo_actor* self, momo::product p) {
  return self->state.tokens[p == momo::product::collection ? 0 : 1];
}

const momo::credentials& creds_of(momo_actor* self, momo::product p) {
  auto& o = self->state.opts;
  return p == momo::product::collection ? o.collection : o.disbursement;
}

void finish_refresh(momo_actor* self, momo::product p,
                    caf::expected<std::string> result) {
  auto& slot = slot_of(self, p);
  slot.refreshing = false;
  auto waiting = std::move(slot.waiting);
  slot.waiting.clear();
  for (auto& fn : waiting)
    fn(result);
}

void refresh_token(momo_actor* self, momo::product p) {
  auto& st = self->state;
  ++st.counters.token_refreshes;
  slot_of(self, p).refreshing = true;
  breaker::call(
    self, st.opts.svc.gateway, breaker::names::momo,
    momo::token_request(st.opts.api, p, creds_of(self, p)),
    [self, p](http::client_response& res) {
      auto tok = momo::parse_token(res, self->state.opts.clock());
      if (!tok) {
        log::warn("payments.momo", "token refused",
                  {{"product", momo::to_string(p)}, {"status", res.status}});
        auto kind = gateway::classify(res.status)
                        == gateway::answer::retry_later
                      ? errc::gateway_unavailable
                      : errc::refused_by_gateway;
        finish_refresh(self, p, make_error(kind, "momo token"));
        return;
      }
      auto value = tok->value;
      slot_of(self, p).token = std::move(*tok);
      finish_refresh(self, p, value);
    },
    [self, p](caf::error& err) {
      finish_refresh(self, p, make_error(errc::gateway_unavailable,
                                         self->system().render(err)));
    });
}

bool fresh(momo_actor* self, const token_slot& slot) {
  return slot.token
         && slot.token->expires_at - self->state.opts.token_refresh_margin
              > self->state.opts.clock();
}

void call_once(momo_actor* self, momo::product p,
               std::function<http::client_request(const std::string&)> make,
               std::function<void(http::client_response&)> on_response,
               done_fn on_error, bool retry_on_401) {
  with_token(self, p, [=](caf::expected<std::string> token) {
    if (!token) {
      on_error(token.error());
      return;
    }
    breaker::call(
      self, self->state.opts.svc.gateway, breaker::names::momo, make(*token),
      [=](http::client_response& res) {
        if (res.status == 401 && retry_on_401) {
          // Revoked or expired early: fetch a new token and try once more.
          slot_of(self, p).token.reset();
          call_once(self, p, make, on_response, on_error, false);
          return;
        }
        on_response(res);
      },
      [=](caf::error& err) {
        on_error(make_error(errc::gateway_unavailable,
                            self->system().render(err)));
      });
  });
}

} // namespace

void with_token(momo_actor* self, momo::product p, token_fn fn) {
  auto& slot = slot_of(self, p);
  if (fresh(self, slot)) {
    fn(slot.token->value);
    return;
  }
  slot.waiting.push_back(std::move(fn));
  if (!slot.refreshing)
    refresh_token(self, p);
}

void api_call(momo_actor* self, momo::product p,
              std::function<http::client_request(const std::string&)> make,
              std::function<void(http::client_response&)> on_response,
              done_fn on_error) {
  call_once(self, p, std::move(make), std::move(on_response),
            std::move(on_error), true);
}

void send_payment(momo_actor* self, const intent& x, done_fn done) {
  auto p = x.dir == direction::collection ? momo::product::collection
                                          : momo::product::disbursement;
  momo::payment pay{x.reference, x.msisdn, x.amount, x.cur,
                    x.dir == direction::collection ? "EasyMO wallet top-up"
                                                   : "EasyMO withdrawal"};
  auto api = self->state.opts.api;
  auto cred = creds_of(self, p);
  api_call(
    self, p,
    [=](const std::string& token) {
      return momo::payment_request(api, p, cred, token, pay);
    },
    [self, x, done](http::client_response& res) {
      auto a = gateway::classify(res.status);
      // 409: MoMo has this reference already (our earlier attempt got
      // through even if its answer did not): that is a yes.
      if (a == gateway::answer::ok || a == gateway::answer::conflict) {
        mark_pending(self, self->state.opts.svc, x, x.reference, "", "PENDING",
                     done);
        return;
      }
      if (a == gateway::answer::retry_later) {
        done(make_error(errc::gateway_unavailable,
                        "momo answered " + std::to_string(res.status)));
        return;
      }
      auto reason = "momo refused: " + std::to_string(res.status);
      auto finish = [done, reason](const caf::error&) {
        done(make_error(errc::refused_by_gateway, reason));
      };
      if (x.dir == direction::disbursement && x.transfer_id != 0)
        refund(self, self->state.opts.svc, x, reason, "", finish);
      else
        fail(self, self->state.opts.svc, x, reason, "", finish);
    },
    done);
}

} // namespace easymo::payments
