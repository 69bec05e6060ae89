// Rate limits in front of public HTTP routes (payments and the like): each
// request takes a token for its caller's key, and a refusal is answered 429
// with Retry-After. Not for the Meta webhook, which never answers 429.
#pragma once

#include "actors/ratelimit/protocol.hpp"
#include "protocols/http/responder.hpp"

#include <caf/actor_system.hpp>

#include <functional>
#include <string>

namespace easymo::ratelimit {

/// 429 Too Many Requests as JSON, with Retry-After in whole seconds.
http::response too_many_requests(const decision& d);

/// What identifies the caller of a route: a payer id, a phone number, an
/// address. The key is bucketed under the policy's name.
using key_function = std::function<std::string(const http::request&)>;

/// Wraps `inner`: a request whose key has a token (and the policy's shared
/// bucket too) goes on to `inner`, others get too_many_requests. The limiter
/// (directory::limiter) is asked without blocking the io thread; when it
/// answers, `inner` runs on the limiter's thread, so, like every handler, it
/// must not block. Without a limiter (restarting), or when it cannot decide,
/// requests go through: a limit must not take a service down.
http::handler limited(caf::actor_system& sys, policy limits, key_function key_of,
                      http::handler inner);

} // namespace easymo::ratelimit
