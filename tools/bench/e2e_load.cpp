// Load and measurement for tools/bench/e2e: the whole path from a signed
// webhook to the Graph API request, through a running easymod in live mode.
//
//   e2e_load <easymod port> <sim port> <sim token> <rate/s> <seconds>
//            <connections> <secret> <run>
//
// The Graph API simulator runs in this process on <sim port> (easymod was
// started pointed at it), so its receipt times share this process's steady
// clock. Message n is a text "menu" from a user of its own, so it earns
// exactly one reply (the home menu) addressed to that user: the reply's
// recipient identifies the message. Latency counts from when the webhook
// was due (open loop, tools/bench/open_loop.hpp) to when the simulator
// received the reply; a message whose reply never came counts as infinitely
// late, so lost replies cannot improve the p99.
//
// Prints one line on stdout:
//   e2e_msgs_per_s=<replies per second, first due to last receipt>
//   p99_ms=… p50_ms=… offered=<rate> acked=<webhooks answered 200>
//   answered=<replies received> webhook_p99_ms=<post to 200 alone>
//   driver_cpu_us_per_msg=<this process, simulator included>
// Exit 1 when a webhook was refused or a reply is missing.
#include "tests/support/graph_sim.hpp"
#include "tests/support/webhook.hpp"
#include "tools/bench/open_loop.hpp"

#include <algorithm>
#include <cstdio>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include <sys/resource.h>

using namespace easymo;
using bench::clock_type;

namespace {

// Users are numbered by message: "25073" + seven digits.
constexpr const char* user_prefix = "25073";

std::string user_of(size_t n) {
  auto digits = std::to_string(n);
  return user_prefix + std::string(7 - std::min<size_t>(7, digits.size()), '0') + digits;
}

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto tv = [](timeval t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return tv(u.ru_utime) + tv(u.ru_stime);
}

// Waits until `want` replies arrived, or until none has arrived for 10 s
// (the rest are lost or stuck; the caller reports them).
void wait_for_replies(const test::graph_sim& sim, size_t want) {
  size_t last = 0;
  auto last_progress = clock_type::now();
  while (clock_type::now() - last_progress < std::chrono::seconds(10)) {
    auto now = sim.counts().accepted;
    if (now >= want)
      return;
    if (now != last) {
      last = now;
      last_progress = clock_type::now();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

int run(uint16_t port, uint16_t sim_port, const std::string& token, double rate,
        int seconds, size_t connections, const std::string& secret,
        const std::string& run_id) {
  test::graph_sim::options so;
  so.port = sim_port;
  so.token = token;
  so.keep_bodies = false;
  so.control_api = false;
  test::graph_sim sim{so};

  auto count = static_cast<size_t>(rate * seconds) + 1;
  if (count > 10'000'000) {
    std::fprintf(stderr, "e2e_load: at most 10,000,000 messages per run\n");
    return 64;
  }
  std::vector<std::string> requests;
  requests.reserve(count);
  for (size_t n = 0; n < count; ++n) {
    auto body = test::text_webhook(
      {{"wamid.e2e." + run_id + "." + std::to_string(n), user_of(n), "menu"}});
    requests.push_back(bench::signed_webhook_request(body, secret));
  }

  auto cpu0 = cpu_seconds();
  auto load = bench::run_open_loop(port, rate, seconds, connections, requests);
  wait_for_replies(sim, load.ok);
  auto cpu = cpu_seconds() - cpu0;

  // The first accepted copy per message; a later copy would be a duplicate,
  // which the outbox does not make without a crash.
  std::vector<double> latency(load.sent, std::numeric_limits<double>::infinity());
  size_t answered = 0, foreign = 0;
  auto last = load.start;
  auto step = std::chrono::duration<double>(1.0 / rate);
  for (auto& r : sim.requests()) {
    if (r.status != 200)
      continue;
    size_t n = std::numeric_limits<size_t>::max();
    if (r.to.size() == 12 && r.to.rfind(user_prefix, 0) == 0)
      n = std::stoul(r.to.substr(5));
    if (n >= latency.size() || latency[n] != std::numeric_limits<double>::infinity()) {
      ++foreign;
      continue;
    }
    auto due = load.start + std::chrono::duration_cast<clock_type::duration>(step * n);
    latency[n] = std::chrono::duration<double, std::milli>(r.received - due).count();
    last = std::max(last, r.received);
    ++answered;
  }
  std::chrono::duration<double> span = last - load.start;
  auto per_s = span.count() > 0 ? static_cast<double>(answered) / span.count() : 0;
  auto p99 = bench::percentile(latency, 0.99);
  auto p50 = bench::percentile(latency, 0.50);
  auto webhook_p99 = bench::percentile(load.latency_ms, 0.99);
  std::fprintf(stderr,
               "e2e_load: sent=%zu acked=%zu failed=%zu unsent=%zu answered=%zu "
               "foreign_or_duplicate=%zu span_s=%.2f\n",
               load.sent, load.ok, load.failed, load.unsent, answered, foreign,
               span.count());
  std::printf("e2e_msgs_per_s=%.0f p99_ms=%.1f p50_ms=%.1f offered=%.0f acked=%zu "
              "answered=%zu webhook_p99_ms=%.1f driver_cpu_us_per_msg=%.0f\n",
              per_s, p99, p50, rate, load.ok, answered, webhook_p99,
              answered ? cpu * 1e6 / static_cast<double>(answered) : 0.0);
  return load.failed == 0 && load.unsent == 0 && answered == load.sent ? 0 : 1;
}

} // namespace

int main(int argc, char** argv) {
  std::vector<std::string> a(argv + 1, argv + argc);
  if (a.size() != 8) {
    std::fprintf(stderr, "usage: e2e_load <easymod port> <sim port> <sim token> "
                         "<rate/s> <seconds> <connections> <secret> <run>\n");
    return 64;
  }
  return run(static_cast<uint16_t>(std::stoi(a[0])), static_cast<uint16_t>(std::stoi(a[1])),
             a[2], std::stod(a[3]), std::stoi(a[4]), std::stoul(a[5]), a[6], a[7]);
}
