#include "actors/ratelimit/metrics.hpp"

#include "runtime/metrics.hpp"

namespace easymo::ratelimit {

void count_decisions(const std::string& policy, const check_reply& reply) {
  static auto& fam = metrics::registry::global().counters(
    "easymo_ratelimit_decisions_total",
    "Rate-limit admissions by policy and outcome", {"policy", "outcome"});
  uint64_t refused = 0;
  for (auto& d : reply.decisions)
    refused += d.allowed ? 0 : 1;
  auto allowed = reply.decisions.size() - refused;
  if (allowed > 0)
    fam.with({policy, "allowed"}).inc(static_cast<double>(allowed));
  if (refused > 0)
    fam.with({policy, "refused"}).inc(static_cast<double>(refused));
}

void count_errors(const char* backend, uint64_t n) {
  static auto& fam = metrics::registry::global().counters(
    "easymo_ratelimit_errors_total",
    "Admissions let through because the limiter could not decide",
    {"backend"});
  fam.with({backend}).inc(static_cast<double>(n));
}

void count_untracked(uint64_t n) {
  static auto& c = metrics::registry::global()
                     .counters("easymo_ratelimit_untracked_total",
                               "Keys admitted without a bucket of their own "
                               "because the bucket table was full")
                     .with();
  c.inc(static_cast<double>(n));
}

} // namespace easymo::ratelimit
