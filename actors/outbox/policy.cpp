#include "actors/outbox/policy.hpp"

#include <algorithm>

namespace easymo::outbox {

namespace {

using std::chrono::milliseconds;

// Doubling past this many times cannot matter: any cap we use is reached.
constexpr int32_t doublings_max = 40;

decision dead(int32_t attempt, std::string reason) {
  decision d;
  d.what = decision::kind::dead;
  d.attempts = attempt;
  d.reason = std::move(reason);
  return d;
}

decision retry(int32_t attempt, milliseconds delay) {
  decision d;
  d.what = decision::kind::retry;
  d.attempts = attempt;
  d.delay = delay;
  return d;
}

} // namespace

static_assert(static_cast<size_t>(outcome::window_missing) + 1 == outcome_count,
              "outcome_count must follow the enum");

const char* to_string(outcome o) {
  switch (o) {
    case outcome::accepted:
      return "accepted";
    case outcome::throttled:
      return "throttled";
    case outcome::pair_limited:
      return "pair_limited";
    case outcome::transient:
      return "transient";
    case outcome::timeout:
      return "timeout";
    case outcome::transport:
      return "transport";
    case outcome::refused:
      return "refused";
    case outcome::breaker_open:
      return "breaker_open";
    case outcome::permanent:
      return "permanent";
    case outcome::malformed:
      return "malformed";
    case outcome::window_expired:
      return "window_expired";
    case outcome::window_missing:
      return "window_missing";
  }
  return "unknown";
}

milliseconds backoff(int32_t attempt, const retry_options& opts,
                     std::mt19937_64& rng) {
  auto doublings = std::clamp<int32_t>(attempt - 1, 0, doublings_max);
  auto base = opts.backoff_min.count();
  for (int32_t i = 0; i < doublings && base < opts.backoff_max.count(); ++i)
    base *= 2;
  base = std::min(base, opts.backoff_max.count());
  auto half = base / 2;
  std::uniform_int_distribution<int64_t> jitter{0, base - half};
  return milliseconds{half + jitter(rng)};
}

milliseconds pair_backoff(int32_t attempt, const retry_options& opts) {
  auto exponent = std::clamp<int32_t>(attempt - 1, 0, doublings_max);
  int64_t ms = 1000;
  for (int32_t i = 0; i < exponent && ms < opts.pair_backoff_max.count(); ++i)
    ms *= 4;
  return std::min(milliseconds{ms}, opts.pair_backoff_max);
}

decision decide(const attempt_result& r, int32_t attempt,
                const retry_options& opts, std::mt19937_64& rng) {
  switch (r.what) {
    case outcome::accepted: {
      decision d;
      d.what = decision::kind::sent;
      d.attempts = attempt;
      return d;
    }
    case outcome::permanent:
      return dead(attempt, "permanent");
    case outcome::malformed:
      return dead(attempt, "malformed");
    case outcome::window_expired:
      return dead(attempt, "window_expired");
    case outcome::window_missing:
      return dead(attempt, "window_missing");
    case outcome::breaker_open: {
      // Nothing reached Meta: give the attempt back and come back when the
      // breaker may let calls through, with jitter so rows do not stampede.
      auto given_back = std::max<int32_t>(attempt - 1, 0);
      auto wait = std::max(r.retry_after, opts.backoff_min);
      std::uniform_int_distribution<int64_t> jitter{0, wait.count() / 2};
      return retry(given_back, wait + milliseconds{jitter(rng)});
    }
    default:
      break;
  }
  if (attempt >= opts.attempts_max)
    return dead(attempt, "attempts_exhausted");
  if (r.what == outcome::pair_limited)
    return retry(attempt, pair_backoff(attempt, opts));
  return retry(attempt, backoff(attempt, opts, rng));
}

} // namespace easymo::outbox
