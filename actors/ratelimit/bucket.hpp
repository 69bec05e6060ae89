// Token-bucket arithmetic, free of clocks and actors: the in-process limiter
// uses it directly, and the Redis script implements the same steps in Lua.
#pragma once

#include "actors/ratelimit/protocol.hpp"

#include <chrono>

namespace easymo::ratelimit {

using clock_time = std::chrono::steady_clock::time_point;

struct bucket {
  double tokens = 0;
  clock_time updated{};
  bool fresh = true;

  /// Tokens at `now` (a new bucket starts full).
  double level(const rule& r, clock_time now) const;

  /// Moves the refill up to `now`.
  void refill(const rule& r, clock_time now);

  /// Whether the bucket is full at `now`, so forgetting it changes nothing.
  bool full(const rule& r, clock_time now) const;
};

/// Milliseconds until `b` holds one token again under `r` (0 if it does).
uint32_t wait_ms(const bucket& b, const rule& r, clock_time now);

/// One admission through both buckets (either may be null for a disabled
/// rule): takes a token from each only if each has one.
decision admit(bucket* own, const rule& own_rule, bucket* shared,
               const rule& shared_rule, clock_time now);

} // namespace easymo::ratelimit
