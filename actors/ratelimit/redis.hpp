// The cluster-wide rate limiter: the same token buckets, kept in Redis and
// updated by one Lua script, so every node draws from the same buckets and
// a check-and-take is atomic.
//
// hiredis blocks, so this actor is spawned detached (its own thread) and owns
// the connection. The script is called by hash (EVALSHA); a Redis that does
// not know it yet (restart, SCRIPT FLUSH) answers NOSCRIPT and the call is
// repeated with EVAL, which also caches it. While Redis is unreachable the
// limiter admits everything (and counts it), retrying the connection at most
// once per `retry_backoff`.
#pragma once

#include "actors/ratelimit/protocol.hpp"
#include "persistence/redis/connection.hpp"

#include <caf/actor_clock.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/timespan.hpp>

#include <chrono>
#include <memory>
#include <string>

namespace easymo::ratelimit {

struct redis_options {
  std::string url;
  /// Bounds the connect and each pipeline's reads and writes.
  std::chrono::milliseconds timeout{200};
  /// How long to admit without asking after Redis failed.
  caf::timespan retry_backoff = std::chrono::seconds(1);
  /// Prefixes every bucket key.
  std::string prefix = "easymo:rl:";
};

struct redis_state {
  redis_options opts;
  redis::endpoint where;
  std::unique_ptr<redis::connection> conn;
  caf::actor_clock::time_point retry_at{};
  uint64_t checks = 0;
  uint64_t refused = 0;
  uint64_t errors = 0;
  uint64_t script_loads = 0;

  static inline const char* name = "ratelimit.redis";
};

using redis_actor = caf::stateful_actor<redis_state>;

/// Spawn with caf::detached. Answers (check_request) -> check_reply and
/// (get_atom, info_atom). A malformed URL is a configuration error the
/// caller reports before spawning (redis::parse_url).
caf::behavior redis_limiter(redis_actor* self, redis_options opts);

/// The Lua script and its SHA-1, as EVALSHA wants it.
const std::string& bucket_script();
const std::string& bucket_script_sha1();

} // namespace easymo::ratelimit
