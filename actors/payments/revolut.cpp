#include "actors/payments/revolut.hpp"

#include "actors/breaker/call.hpp"
#include "actors/payments/checkout.hpp"
#include "runtime/log.hpp"
#include "runtime/registered_child.hpp"

#include <caf/all.hpp>

#include <nlohmann/json.hpp>

#include <sstream>

namespace easymo::payments {

namespace {

namespace bhttp = boost::beast::http;

std::string header_of(const http::request& req, std::string_view name) {
  auto it = req.message.find(name);
  return it == req.message.end() ? std::string{} : std::string{it->value()};
}

checkout_gateway checkout_of(const revolut::config& api) {
  checkout_gateway g;
  g.name = "revolut";
  g.calls = breaker::names::revolut;
  g.create = [api](const intent& x) {
    return revolut::create_order(api, x.reference, x.amount, x.cur,
                                 "EasyMO wallet top-up");
  };
  g.read_create = [](http::client_response& res, errc& code,
                     std::string& why) -> std::optional<checkout_page> {
    auto reply = revolut::parse_create(res);
    if (!reply.created) {
      code = reply.http == gateway::answer::retry_later
               ? errc::gateway_unavailable
               : errc::refused_by_gateway;
      why = "HTTP " + std::to_string(res.status);
      return std::nullopt;
    }
    return checkout_page{reply.created->id, reply.created->checkout_url};
  };
  g.fetch = [api](const std::string& id) {
    return revolut::order_request(api, id);
  };
  g.read_fetch = [](http::client_response& res, const std::string&) {
    return revolut::parse_order(res).found;
  };
  return g;
}

caf::result<payment_started> start(revolut_actor* self, start_payment& req) {
  auto& st = self->state;
  if (req.dir != direction::collection)
    return make_error(errc::unsupported, "revolut takes top-ups only");
  if (req.amount <= 0 || req.cur != ledger::currency::EUR || req.wa_id.empty())
    return make_error(errc::invalid_request, "a positive EUR amount");
  auto x = checkout_intent("revolut", req);
  if (!x)
    return make_error(errc::invalid_request, "a UUID v4 reference");
  ++st.started;
  auto rp = self->make_response_promise<payment_started>();
  start_checkout(self, st.opts.svc, checkout_of(st.opts.api), std::move(*x),
                 st.opts.intent_ttl, rp);
  return rp;
}

void on_webhook(revolut_actor* self, const http::request& req,
                http::responder res) {
  auto& st = self->state;
  ++st.webhooks;
  auto check = revolut::check_signature(
    req.body(), header_of(req, "Revolut-Request-Timestamp"),
    header_of(req, "Revolut-Signature"), st.opts.webhook_secrets,
    st.opts.clock());
  if (check != revolut::signature_check::valid) {
    ++st.refused;
    log::warn("payments.revolut", "webhook refused",
              {{"check", revolut::to_string(check)},
               {"remote", req.remote.address().to_string()}},
              req.id);
    res(http::json_error(bhttp::status::unauthorized,
                         std::string{"signature "} + revolut::to_string(check)));
    return;
  }
  auto hook = revolut::parse_webhook(req.body());
  if (!hook) {
    res(http::json_error(bhttp::status::bad_request, "not an order event"));
    return;
  }
  // Orders made outside EasyMO are acknowledged: Revolut would redeliver a
  // refused webhook for days.
  settle_notified(self, st.opts.svc, checkout_of(st.opts.api), hook->order_id,
                  res,
                  http::json_response(bhttp::status::ok, {{"status", "ignored"}}),
                  [self] { ++self->state.credited; });
}

// Orders per page, and pages per day: a day beyond 100,000 orders is an
// error to look at, not a loop to sit in.
constexpr size_t list_page_max = 1000;
constexpr size_t list_pages_max = 100;

struct listing {
  std::string from;
  std::string to;
  size_t pages = 0;
  gateway_day result;
  caf::typed_response_promise<gateway_day> rp;
};

// Pages backwards through the day: each page holds orders created before
// the last one of the previous page.
void next_page(revolut_actor* self, std::shared_ptr<listing> l,
               std::string created_before) {
  breaker::call(
    self, self->state.opts.svc.gateway, breaker::names::revolut,
    revolut::list_request(self->state.opts.api, l->from, l->to, created_before,
                          list_page_max),
    [self, l](http::client_response& res) {
      auto page = revolut::parse_list(res);
      if (page.http != gateway::answer::ok || !page.error.empty()) {
        l->rp.deliver(make_error(errc::gateway_unavailable,
                                 "list: HTTP " + std::to_string(res.status) + " "
                                   + page.error));
        return;
      }
      auto full = page.orders.size() == list_page_max;
      auto last = full ? page.orders.back().at : std::string{};
      for (auto& o : page.orders)
        l->result.records.push_back(std::move(o));
      if (!full) {
        l->rp.deliver(std::move(l->result));
      } else if (++l->pages >= list_pages_max || last.empty()) {
        l->rp.deliver(make_error(errc::gateway_unavailable,
                                 "list: too many pages"));
      } else {
        next_page(self, l, last);
      }
    },
    [self, l](caf::error& err) {
      l->rp.deliver(make_error(errc::gateway_unavailable,
                               self->system().render(err)));
    });
}

caf::result<gateway_day> reconcile(revolut_actor* self, const std::string& day) {
  if (!valid_day(day))
    return make_error(errc::invalid_request, "day " + day);
  auto [from, to] = day_bounds(day, self->state.opts.time_zone);
  auto l = std::make_shared<listing>();
  l->from = rfc3339_utc(from);
  l->to = rfc3339_utc(to);
  l->rp = self->make_response_promise<gateway_day>();
  next_page(self, l, {});
  return l->rp;
}

std::vector<std::string> split_secrets(const std::string& list) {
  std::vector<std::string> out;
  std::stringstream in{list};
  std::string item;
  while (std::getline(in, item, ','))
    if (!item.empty())
      out.push_back(item);
  return out;
}

} // namespace

revolut_options revolut_options_from(const settings& s) {
  revolut_options o;
  o.api.base_url = s.revolut_base_url;
  o.api.secret_key = s.revolut_secret_key;
  o.api.api_version = s.revolut_api_version;
  o.api.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(
    s.payments_gateway_timeout);
  o.webhook_secrets = split_secrets(s.revolut_webhook_secrets);
  o.time_zone = s.reconciliation_timezone;
  o.intent_ttl = std::chrono::duration_cast<std::chrono::seconds>(
    s.payments_intent_ttl);
  o.poll_interval = s.checkout_poll_interval;
  return o;
}

caf::behavior revolut_gateway(revolut_actor* self, revolut_options opts) {
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
      on_webhook(self, *req, res);
    },
    [self](reconcile_atom, std::string& day, std::vector<recon_ref>&) {
      return reconcile(self, day);
    },
    [self](caf::get_atom, info_atom) {
      auto& st = self->state;
      nlohmann::json out{{"started", st.started},
                         {"webhooks", st.webhooks},
                         {"refused", st.refused},
                         {"credited", st.credited},
                         {"mailbox", self->mailbox().size()}};
      return out.dump();
    },
  };
}

supervision::child_spec revolut_child(revolut_options opts) {
  return registered_child("revolut", "payments.gateway", directory::pay_revolut,
                          [opts](caf::event_based_actor* parent) {
                            return parent->spawn(revolut_gateway, opts);
                          });
}

} // namespace easymo::payments
