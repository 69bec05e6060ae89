// The single-node rate limiter: token buckets in one actor's memory.
#pragma once

#include "actors/ratelimit/bucket.hpp"
#include "actors/ratelimit/protocol.hpp"

#include <caf/stateful_actor.hpp>
#include <caf/timespan.hpp>

#include <chrono>
#include <string>
#include <unordered_map>

namespace easymo::ratelimit {

struct local_options {
  /// Buckets kept at most. Full buckets are forgotten (a full bucket and no
  /// bucket behave alike); beyond the bound new keys pass on the shared
  /// bucket alone, and easymo_ratelimit_untracked_total counts them.
  size_t buckets_max = 100'000;
  /// How often full buckets are swept out.
  caf::timespan sweep_interval = std::chrono::seconds(60);
};

/// A bucket and the rule it last ran under, so a sweep can tell when it is
/// full without knowing the policies.
struct tracked_bucket {
  bucket level;
  rule limits;
};

struct local_state {
  local_options opts;
  std::unordered_map<std::string, tracked_bucket> buckets;
  uint64_t checks = 0;
  uint64_t refused = 0;
  uint64_t untracked = 0;

  static inline const char* name = "ratelimit.local";
};

using local_actor = caf::stateful_actor<local_state>;

/// Answers (check_request) -> check_reply and (get_atom, info_atom).
caf::behavior local_limiter(local_actor* self, local_options opts);

} // namespace easymo::ratelimit
