// An open-loop load generator shared by the benchmark drivers
// (ingress_load, e2e_load): pre-built HTTP requests sent at a fixed rate
// over keep-alive connections, as wrk2 does. Request i is due at
// start + i / rate; its latency counts from that moment, so time spent
// waiting for a free connection behind a slow answer is counted, not hidden.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace easymo::bench {

using clock_type = std::chrono::steady_clock;

struct open_loop_result {
  /// When request 0 was due.
  clock_type::time_point start;
  size_t sent = 0;
  size_t ok = 0;
  size_t failed = 0;
  /// Due but never sent (every connection was busy until the end).
  size_t unsent = 0;
  /// Due-to-answer latency of every answered request.
  std::vector<double> latency_ms;
};

/// The raw bytes of a signed POST /webhook of `body` (Meta's signature).
std::string signed_webhook_request(const std::string& body, const std::string& secret);

/// Sends `requests` in order (wrapping around when there are fewer than
/// rate * seconds) to 127.0.0.1:port at `rate` per second for `seconds`
/// over `connections` connections, then waits up to 10 s for the answers.
open_loop_result run_open_loop(uint16_t port, double rate, int seconds,
                               size_t connections,
                               const std::vector<std::string>& requests);

/// The p-quantile (0..1) of xs; reorders xs. 0 when empty.
double percentile(std::vector<double>& xs, double p);

} // namespace easymo::bench
