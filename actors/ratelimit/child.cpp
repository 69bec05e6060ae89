#include "actors/ratelimit/child.hpp"

#include "actors/ratelimit/local.hpp"
#include "actors/ratelimit/redis.hpp"
#include "runtime/directory.hpp"

#include <caf/all.hpp>

namespace easymo::ratelimit {

supervision::child_spec limiter_child(const settings& s) {
  supervision::child_spec spec;
  spec.name = "ratelimit";
  if (s.redis_url.empty()) {
    spec.kind = "ratelimit.local";
    spec.start = [opts = local_options{s.ratelimit_buckets_max}](
                   caf::event_based_actor* parent) {
      auto rl = parent->spawn(local_limiter, opts);
      directory::put(parent->system(), directory::limiter, rl);
      return caf::actor{rl};
    };
    return spec;
  }
  spec.kind = "ratelimit.redis";
  spec.start = [opts = redis_options{s.redis_url}](caf::event_based_actor* parent) {
    // Detached: hiredis blocks its thread while talking to Redis.
    auto rl = parent->spawn<caf::detached>(redis_limiter, opts);
    directory::put(parent->system(), directory::limiter, rl);
    return caf::actor{rl};
  };
  return spec;
}

} // namespace easymo::ratelimit
