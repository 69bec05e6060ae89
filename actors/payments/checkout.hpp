// The flow PayDunya and Revolut share: a checkout page the user pays on,
// then a notification that is never believed as such.
//
//   start:   store the intent, create the invoice/order through the
//            gateway's breaker, mark the intent pending with the gateway's
//            reference and page (or fail it: without a page the user cannot
//            pay), answer payment_started.
//   poll:    the same reading back for open intents whose check is due, so
//            a lost notification delays a credit but never loses it.
//   notify:  (after the gateway actor checked the notification's own
//            signature or hash) load the intent by the gateway's reference;
//            unknown or settled intents are answered without calling anyone;
//            an open one is read back from the gateway, and that record, not
//            the notification, settles it.
// Each gateway supplies only how to build its requests and read its answers.
#pragma once

#include "actors/payments/settle.hpp"

#include <functional>
#include <optional>
#include <string>

namespace easymo::payments {

/// Unsettled intents read back per poll.
constexpr size_t checkout_poll_batch_max = 50;

/// What a create call gave back.
struct checkout_page {
  std::string gateway_ref;
  std::string url;
};

struct checkout_gateway {
  /// "paydunya", "revolut": the intents' gateway.
  std::string name;
  /// Its breaker's directory name.
  caf::atom_value calls;
  std::function<http::client_request(const intent&)> create;
  /// The page, or nothing with `code` and `why` set.
  std::function<std::optional<checkout_page>(http::client_response&, errc& code,
                                             std::string& why)>
    read_create;
  /// The request that reads a payment back by its gateway reference.
  std::function<http::client_request(const std::string& gateway_ref)> fetch;
  /// The payment in the gateway's answer to fetch(gateway_ref), if the
  /// answer is one.
  std::function<std::optional<gateway::record>(http::client_response&,
                                               const std::string& gateway_ref)>
    read_fetch;
};

/// Stores `x` and creates its checkout page; answers through `rp`.
void start_checkout(caf::event_based_actor* self, const services& s,
                    const checkout_gateway& g, intent x,
                    std::chrono::seconds ttl,
                    caf::typed_response_promise<payment_started> rp);

/// Settles the payment a verified notification names; `credited` is called
/// when the gateway's record says it succeeded (for counters).
void settle_notified(caf::event_based_actor* self, const services& s,
                     const checkout_gateway& g, const std::string& gateway_ref,
                     http::responder res, http::response unknown,
                     std::function<void()> credited);

/// Reads back the open intents of `g` whose check is due (claimed as the
/// MoMo poller claims them): a notification the gateway never delivered, or
/// we never took, still settles the payment, and a payment abandoned on the
/// checkout page expires.
void poll_checkout(caf::event_based_actor* self, const services& s,
                   const checkout_gateway& g, size_t limit,
                   std::chrono::seconds interval,
                   std::function<void()> credited);

/// The poller's tick: re-arms (poll_atom, after `interval`) and polls.
void poll_tick(caf::event_based_actor* self, const services& s,
               const checkout_gateway& g, caf::timespan interval,
               std::function<void()> credited);

/// A new intent of a checkout gateway for `req`; nothing when the caller's
/// reference is not a UUID v4.
std::optional<intent> checkout_intent(const std::string& gateway,
                                      const start_payment& req);

} // namespace easymo::payments
