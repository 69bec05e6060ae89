#include "actors/ratelimit/bucket.hpp"

#include <algorithm>
#include <cmath>

namespace easymo::ratelimit {

double bucket::level(const rule& r, clock_time now) const {
  if (fresh)
    return r.burst;
  std::chrono::duration<double> elapsed = now - updated;
  return std::min(r.burst,
                  tokens + std::max(0.0, elapsed.count()) * r.per_second);
}

void bucket::refill(const rule& r, clock_time now) {
  tokens = level(r, now);
  updated = std::max(updated, now);
  fresh = false;
}

bool bucket::full(const rule& r, clock_time now) const {
  return level(r, now) >= r.burst;
}

uint32_t wait_ms(const bucket& b, const rule& r, clock_time now) {
  auto missing = 1.0 - b.level(r, now);
  if (missing <= 0)
    return 0;
  return static_cast<uint32_t>(std::ceil(missing / r.per_second * 1000.0));
}

decision admit(bucket* own, const rule& own_rule, bucket* shared,
               const rule& shared_rule, clock_time now) {
  decision d;
  uint32_t wait = 0;
  if (own != nullptr)
    wait = std::max(wait, wait_ms(*own, own_rule, now));
  if (shared != nullptr)
    wait = std::max(wait, wait_ms(*shared, shared_rule, now));
  if (wait > 0)
    return decision{false, wait};
  if (own != nullptr) {
    own->refill(own_rule, now);
    own->tokens -= 1;
  }
  if (shared != nullptr) {
    shared->refill(shared_rule, now);
    shared->tokens -= 1;
  }
  return d;
}

policy messages_policy(double per_minute, double global_per_second) {
  return {"wa", {per_minute / 60.0, per_minute},
          {global_per_second, global_per_second}};
}

policy per_key_policy(std::string name, double count,
                      std::chrono::milliseconds window) {
  auto seconds = std::chrono::duration<double>(window).count();
  if (count <= 0 || seconds <= 0)
    return {std::move(name), {0, 0}, {0, 0}};
  return {std::move(name), {count / seconds, count}, {0, 0}};
}

uint32_t retry_after_seconds(const decision& d) {
  return std::max<uint32_t>(1, (d.retry_after_ms + 999) / 1000);
}

} // namespace easymo::ratelimit
