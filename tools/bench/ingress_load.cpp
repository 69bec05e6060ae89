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

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <deque>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using clock_type = std::chrono::steady_clock;

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

struct connection {
  explicit connection(asio::io_context& io) : socket(io) {}
  tcp::socket socket;
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  clock_type::time_point due;
  bool busy = false;
};

struct rate_run {
  asio::io_context io;
  tcp::endpoint target;
  double rate = 0;
  clock_type::duration span{};
  std::vector<std::string> requests;
  std::vector<std::unique_ptr<connection>> conns;
  std::deque<clock_type::time_point> waiting; // due times not yet sent
  clock_type::time_point start;
  size_t issued = 0;
  size_t sent = 0;
  size_t ok = 0;
  size_t failed = 0;
  std::vector<double> latency_ms;
  asio::steady_timer tick{io};

  void dispatch();
  void send(connection& c, clock_type::time_point due);
  void on_tick();
};

void rate_run::send(connection& c, clock_type::time_point due) {
  c.busy = true;
  c.due = due;
  c.res = {};
  auto& bytes = requests[sent++ % requests.size()];
  asio::async_write(c.socket, asio::buffer(bytes), [this, &c](beast::error_code ec, size_t) {
    if (ec) {
      ++failed;
      return;
    }
    http::async_read(c.socket, c.buffer, c.res, [this, &c](beast::error_code ec, size_t) {
      if (ec) {
        ++failed;
        return;
      }
      std::chrono::duration<double, std::milli> took = clock_type::now() - c.due;
      latency_ms.push_back(took.count());
      (c.res.result_int() == 200 ? ok : failed) += 1;
      c.busy = false;
      dispatch();
    });
  });
}

void rate_run::dispatch() {
  for (auto& c : conns) {
    if (waiting.empty())
      return;
    if (!c->busy) {
      auto due = waiting.front();
      waiting.pop_front();
      send(*c, due);
    }
  }
}

void rate_run::on_tick() {
  auto now = clock_type::now();
  auto elapsed = std::min(now - start, span);
  std::chrono::duration<double> secs = elapsed;
  auto should = static_cast<size_t>(secs.count() * rate);
  auto step = std::chrono::duration<double>(1.0 / rate);
  for (; issued < should; ++issued)
    waiting.push_back(start + std::chrono::duration_cast<clock_type::duration>(step * issued));
  dispatch();
  if (now - start < span) {
    tick.expires_after(std::chrono::microseconds(200));
    tick.async_wait([this](beast::error_code) { on_tick(); });
  }
}

double percentile(std::vector<double>& xs, double p) {
  if (xs.empty())
    return 0;
  auto k = static_cast<size_t>(p * static_cast<double>(xs.size() - 1));
  std::nth_element(xs.begin(), xs.begin() + static_cast<long>(k), xs.end());
  return xs[k];
}

int rate(unsigned short port, double per_second, int seconds, size_t connections,
         const std::string& secret, const std::string& run_id) {
  rate_run r;
  r.target = {asio::ip::make_address("127.0.0.1"), port};
  r.rate = per_second;
  r.span = std::chrono::seconds(seconds);
  auto count = static_cast<size_t>(per_second * seconds) + 1;
  for (size_t n = 0; n < count; ++n) {
    auto body = body_for(run_id, n);
    r.requests.push_back("POST /webhook HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                         "Content-Type: application/json\r\nX-Hub-Signature-256: "
                         + easymo::test::meta_signature(body, secret)
                         + "\r\nContent-Length: " + std::to_string(body.size())
                         + "\r\n\r\n" + body);
  }
  for (size_t i = 0; i < connections; ++i) {
    r.conns.push_back(std::make_unique<connection>(r.io));
    r.conns.back()->socket.connect(r.target);
    r.conns.back()->socket.set_option(tcp::no_delay(true));
  }
  r.start = clock_type::now();
  r.on_tick();
  r.io.run_for(r.span + std::chrono::seconds(10));
  auto& l = r.latency_ms;
  auto p50 = percentile(l, 0.50);
  auto p90 = percentile(l, 0.90);
  auto p99 = percentile(l, 0.99);
  auto p999 = percentile(l, 0.999);
  auto max = l.empty() ? 0 : *std::max_element(l.begin(), l.end());
  std::printf("rate=%.0f sent=%zu ok=%zu failed=%zu unsent=%zu p50_ms=%.2f p90_ms=%.2f "
              "p99_ms=%.2f p999_ms=%.2f max_ms=%.2f\n",
              per_second, r.sent, r.ok, r.failed, r.waiting.size(), p50, p90, p99, p999, max);
  return r.failed == 0 && r.waiting.empty() ? 0 : 1;
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
