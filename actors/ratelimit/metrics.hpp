// Rate-limit metrics shared by the local and the Redis limiter.
#pragma once

#include "actors/ratelimit/protocol.hpp"

#include <cstdint>

namespace easymo::ratelimit {

/// Counts one reply's decisions under the policy's name.
void count_decisions(const std::string& policy, const check_reply& reply);

/// Counts admissions the limiter could not decide and let through.
void count_errors(const char* backend, uint64_t n);

/// Counts keys admitted without a bucket of their own (table full).
void count_untracked(uint64_t n);

} // namespace easymo::ratelimit
