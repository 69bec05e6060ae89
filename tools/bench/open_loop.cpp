#include "tools/bench/open_loop.hpp"

#include "tests/support/webhook.hpp"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <deque>
#include <memory>

namespace easymo::bench {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

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
  double rate = 0;
  clock_type::duration span{};
  const std::vector<std::string>* requests = nullptr;
  std::vector<std::unique_ptr<connection>> conns;
  std::deque<clock_type::time_point> waiting; // due times not yet sent
  size_t issued = 0;
  open_loop_result out;
  asio::steady_timer tick{io};

  void dispatch();
  void send(connection& c, clock_type::time_point due);
  void on_tick();
};

void rate_run::send(connection& c, clock_type::time_point due) {
  c.busy = true;
  c.due = due;
  c.res = {};
  auto& bytes = (*requests)[out.sent++ % requests->size()];
  asio::async_write(c.socket, asio::buffer(bytes), [this, &c](beast::error_code ec, size_t) {
    if (ec) {
      ++out.failed;
      return;
    }
    http::async_read(c.socket, c.buffer, c.res, [this, &c](beast::error_code ec, size_t) {
      if (ec) {
        ++out.failed;
        return;
      }
      std::chrono::duration<double, std::milli> took = clock_type::now() - c.due;
      out.latency_ms.push_back(took.count());
      (c.res.result_int() == 200 ? out.ok : out.failed) += 1;
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
  auto elapsed = std::min(now - out.start, span);
  std::chrono::duration<double> secs = elapsed;
  // Requests 0..floor(t * rate) are due at t (request i at i / rate); the
  // + 1 issues each at its due time rather than one interval late, which
  // added 1 / rate to every latency (1 s at 1/s, 0.1 ms at 10,000/s).
  auto should = static_cast<size_t>(secs.count() * rate) + 1;
  auto step = std::chrono::duration<double>(1.0 / rate);
  for (; issued < should; ++issued)
    waiting.push_back(out.start
                      + std::chrono::duration_cast<clock_type::duration>(step * issued));
  dispatch();
  if (now - out.start < span) {
    tick.expires_after(std::chrono::microseconds(200));
    tick.async_wait([this](beast::error_code) { on_tick(); });
  }
}

} // namespace

std::string signed_webhook_request(const std::string& body, const std::string& secret) {
  return "POST /webhook HTTP/1.1\r\nHost: 127.0.0.1\r\n"
         "Content-Type: application/json\r\nX-Hub-Signature-256: "
         + test::meta_signature(body, secret)
         + "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

open_loop_result run_open_loop(uint16_t port, double rate, int seconds,
                               size_t connections,
                               const std::vector<std::string>& requests) {
  rate_run r;
  r.rate = rate;
  r.span = std::chrono::seconds(seconds);
  r.requests = &requests;
  tcp::endpoint target{asio::ip::make_address("127.0.0.1"), port};
  for (size_t i = 0; i < connections; ++i) {
    r.conns.push_back(std::make_unique<connection>(r.io));
    r.conns.back()->socket.connect(target);
    r.conns.back()->socket.set_option(tcp::no_delay(true));
  }
  r.out.start = clock_type::now();
  r.on_tick();
  r.io.run_for(r.span + std::chrono::seconds(10));
  r.out.unsent = r.waiting.size();
  return std::move(r.out);
}

double percentile(std::vector<double>& xs, double p) {
  if (xs.empty())
    return 0;
  auto k = static_cast<size_t>(p * static_cast<double>(xs.size() - 1));
  std::nth_element(xs.begin(), xs.begin() + static_cast<long>(k), xs.end());
  return xs[k];
}

} // namespace easymo::bench
