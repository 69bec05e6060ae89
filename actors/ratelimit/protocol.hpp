// The rate limiter's contract: token buckets per key and per policy.
//
// Every admission must pass two buckets: the key's own (a user, a payer, an
// address) and one shared by every key of the same policy (the node's or the
// cluster's total). Both are checked and, only if both have a token, both are
// debited, so a refusal by one does not spend the other.
//
// On one node the limiter is an in-process actor (local.hpp); with
// EASYMO_REDIS_URL set it is Redis, through a Lua script shared by every node
// (redis.hpp). Both take the same messages under directory::limiter:
//   (check_request) -> check_reply
//   (check_request, check_completion)   from outside any actor (an io
//                                       thread): the reply goes to the
//                                       completion, on the limiter's thread
// A limiter that cannot decide (Redis down) admits and counts the error:
// limits protect the service and must never lose a message.
//
// The Meta webhook never answers 429 (Meta would retry): over-limit events
// are committed as throttled. Other public endpoints answer 429 with the
// decision's Retry-After: wrap their routes with ratelimit::limited
// (http_guard.hpp).
#pragma once

#include "runtime/once.hpp"

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/meta/type_name.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace easymo::ratelimit {

/// A token bucket: at most `burst` tokens, refilled at `per_second`.
struct rule {
  double per_second = 0;
  double burst = 0;

  /// A rule without a positive rate and at least one token never limits.
  bool enabled() const { return per_second > 0 && burst >= 1; }
};

struct policy {
  /// Prefixes the bucket names: "<name>:<key>" and "<name>:*".
  std::string name;
  rule per_key;
  rule global;
};

struct check_request {
  policy limits;
  /// One admission per key, in order; a key may repeat.
  std::vector<std::string> keys;
};

struct decision {
  bool allowed = true;
  /// When refused: how long until a token is back, in milliseconds.
  uint32_t retry_after_ms = 0;
};

struct check_reply {
  /// One decision per key of the request, in the same order.
  std::vector<decision> decisions;
};

/// Where a check sent from outside any actor gets its reply. Dropped
/// unanswered (the limiter stopped), it replies with no decisions, which the
/// caller reads as "admitted": a limiter that cannot decide lets through.
class check_completion : public once_callback<check_reply> {
public:
  check_completion() = default;
  explicit check_completion(function f)
    : once_callback(std::move(f), check_reply{}) {
  }
};

/// The policy for inbound WhatsApp messages: `per_minute` per user (burst of
/// the same size) and `global_per_second` for all users together (burst of
/// one second's worth). A rate of 0 turns that bucket off.
policy messages_policy(double per_minute, double global_per_second);

/// A policy of `count` requests per `window` for each key (a burst of the
/// same size), with no shared bucket; a count of 0 turns it off.
policy per_key_policy(std::string name, double count,
                      std::chrono::milliseconds window);

/// The Retry-After header value for a refusal: whole seconds, at least 1.
uint32_t retry_after_seconds(const decision& d);

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, rule& x) {
  return f(caf::meta::type_name("rate_rule"), x.per_second, x.burst);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, policy& x) {
  return f(caf::meta::type_name("rate_policy"), x.name, x.per_key, x.global);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, check_request& x) {
  return f(caf::meta::type_name("rate_check"), x.limits, x.keys);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, decision& x) {
  return f(caf::meta::type_name("rate_decision"), x.allowed,
           x.retry_after_ms);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, check_reply& x) {
  return f(caf::meta::type_name("rate_reply"), x.decisions);
}

} // namespace easymo::ratelimit

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(easymo::ratelimit::check_completion)
