// Load for tools/bench/ingress.
//
//   ingress_load prepare <prefix> <files> <count> <secret> <run>
//     Writes <count> signed webhook bodies, each with its own wamid, as
//     "<signature>\t<body>" lines spread over <prefix>.0 ... <prefix>.<files-1>
//     (one file per wrk thread; see ingress.lua).
//   ingress_load rate <port> <rate/s> <seconds> <connections> <secret> <run>
//     Sends signed webhooks at a fixed rate over keep-alive connections and
//     prints latency percentiles. Open loop, as wrk2 does: each request's
//     latency counts from the moment it was due, so time spent waiting for
//     a free connection behind a slow answer is counted, not hidden.
#include "tests/support/webhook.hpp"
#include "tools/bench/open_loop.hpp"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

namespace {

std::string body_for(const std::string& run, size_t n) {
  easymo::test::text_message m;
  m.wamid = "wamid.bench." + run + "." + std::to_string(n);
  m.from = "2507" + std::to_string(80000000 + n % 1000000);
  return easymo::test::text_webhook({m});
}

int prepare(const std::string& prefix, size_t files, size_t count,
            const std::string& secret, const std::string& run) {
  std::vector<std::ofstream> out;
  for (size_t i = 0; i < files; ++i)
    out.emplace_back(prefix + "." + std::to_string(i));
  for (size_t n = 0; n < count; ++n) {
    auto body = body_for(run, n);
    out[n % files] << easymo::test::meta_signature(body, secret) << '\t' << body << '\n';
  }
  return 0;
}

int rate(unsigned short port, double per_second, int seconds, size_t connections,
         const std::string& secret, const std::string& run_id) {
  using easymo::bench::percentile;
  auto count = static_cast<size_t>(per_second * seconds) + 1;
  std::vector<std::string> requests;
  for (size_t n = 0; n < count; ++n)
    requests.push_back(easymo::bench::signed_webhook_request(body_for(run_id, n), secret));
  auto r = easymo::bench::run_open_loop(port, per_second, seconds, connections, requests);
  auto& l = r.latency_ms;
  auto p50 = percentile(l, 0.50);
  auto p90 = percentile(l, 0.90);
  auto p99 = percentile(l, 0.99);
  auto p999 = percentile(l, 0.999);
  auto max = l.empty() ? 0 : *std::max_element(l.begin(), l.end());
  std::printf("rate=%.0f sent=%zu ok=%zu failed=%zu unsent=%zu p50_ms=%.2f p90_ms=%.2f "
              "p99_ms=%.2f p999_ms=%.2f max_ms=%.2f\n",
              per_second, r.sent, r.ok, r.failed, r.unsent, p50, p90, p99, p999, max);
  return r.failed == 0 && r.unsent == 0 ? 0 : 1;
}

} // namespace

int main(int argc, char** argv) {
  std::vector<std::string> a(argv + 1, argv + argc);
  if (a.size() == 6 && a[0] == "prepare")
    return prepare(a[1], std::stoul(a[2]), std::stoul(a[3]), a[4], a[5]);
  if (a.size() == 7 && a[0] == "rate")
    return rate(static_cast<unsigned short>(std::stoi(a[1])), std::stod(a[2]),
                std::stoi(a[3]), std::stoul(a[4]), a[5], a[6]);
  std::fprintf(stderr,
               "usage: ingress_load prepare <prefix> <files> <count> <secret> <run>\n"
               "       ingress_load rate <port> <rate/s> <seconds> <connections> <secret> <run>\n");
  return 64;
}
