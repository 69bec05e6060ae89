// What happens to a row after one attempt: pure code, so every retry rule
// is a unit test with a seeded random generator.
//
//   accepted                                  -> sent
//   throttled (429, 130429), transient (5xx, the token), timeout,
//   transport, refused by the client          -> retry: capped exponential
//                                                backoff with jitter
//   pair_limited (131056)                     -> retry after 4^n s (n =
//                                                attempts before this one)
//   breaker_open                              -> retry when the breaker
//                                                allows; the attempt is given
//                                                back, so an outage never
//                                                dead-letters a message
//   permanent (other 4xx), malformed          -> dead
//   window_expired, window_missing            -> dead, never sent
//   any retry once attempts_max is reached    -> dead (attempts_exhausted)
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <random>
#include <string>

namespace easymo::outbox {

enum class outcome : uint8_t {
  accepted,
  throttled,
  pair_limited,
  transient,
  timeout,
  transport,
  refused,
  breaker_open,
  permanent,
  malformed,
  window_expired,
  window_missing,
};

/// How many outcomes there are (metric tables are indexed by outcome).
constexpr size_t outcome_count = 12;

/// The `outcome` label of easymo_outbound_attempts_total.
const char* to_string(outcome o);

struct attempt_result {
  outcome what = outcome::transient;
  /// accepted: Meta's id (may be empty, see whatsapp::classify_response).
  std::string wamid;
  /// A compact JSON object describing the failure; never a message body.
  std::string error_json;
  /// breaker_open: how long until the breaker lets calls through.
  std::chrono::milliseconds retry_after{0};
};

struct retry_options {
  /// Attempts per row (HTTP calls made), the first one included.
  int32_t attempts_max = 10;
  std::chrono::milliseconds backoff_min{500};
  std::chrono::milliseconds backoff_max{60'000};
  /// Cap of the 4^n-second pair-rate backoff.
  std::chrono::milliseconds pair_backoff_max{30 * 60'000};
};

struct decision {
  enum class kind : uint8_t { sent, retry, dead };
  kind what = kind::retry;
  /// retry: how long until the row is due again.
  std::chrono::milliseconds delay{0};
  /// The attempts count to store: `attempt`, or one less when the attempt
  /// never reached Meta (breaker open).
  int32_t attempts = 0;
  /// dead: the dlq reason ("permanent", "malformed", "window_expired",
  /// "window_missing", "attempts_exhausted").
  std::string reason;
};

/// Decides after attempt number `attempt` (1 for the first) of a row.
decision decide(const attempt_result& r, int32_t attempt,
                const retry_options& opts, std::mt19937_64& rng);

/// Capped exponential backoff with "equal jitter": half of
/// min(backoff_max, backoff_min * 2^(attempt-1)) fixed, half random, so
/// retries never bunch up and never come sooner than half the base.
std::chrono::milliseconds backoff(int32_t attempt, const retry_options& opts,
                                  std::mt19937_64& rng);

/// 4^(attempt-1) seconds, capped at pair_backoff_max: Meta's advice for
/// 131056, with the exponent starting at 0.
std::chrono::milliseconds pair_backoff(int32_t attempt,
                                       const retry_options& opts);

} // namespace easymo::outbox
