#include "actors/ingress/webhook_route.hpp"

#include "actors/ingress/webhook_append.hpp"
#include "actors/ingress/webhook_metrics.hpp"
#include "actors/journal/protocol.hpp"
#include "protocols/whatsapp/handshake.hpp"
#include "runtime/directory.hpp"
#include "runtime/log.hpp"

#include <caf/all.hpp>

#include <atomic>
#include <chrono>

namespace easymo::ingress {

namespace {

namespace bhttp = boost::beast::http;
using std::chrono::steady_clock;

struct webhook_context {
  caf::actor_system& sys;
  std::string app_secret;
  std::string verify_token;
  whatsapp::parse_limits limits;
};

// Forged requests can come fast; one warning a second says enough, and the
// metrics count every one.
bool log_allowed() {
  static std::atomic<int64_t> last{0};
  auto now = steady_clock::now().time_since_epoch().count();
  auto prev = last.load(std::memory_order_relaxed);
  return now - prev >= std::chrono::nanoseconds(std::chrono::seconds(1)).count()
         && last.compare_exchange_strong(prev, now);
}

request_facts facts_of(const http::request& req) {
  return {req.id, static_cast<uint32_t>(req.body().size()),
          std::chrono::duration_cast<std::chrono::nanoseconds>(
            req.received.time_since_epoch())
            .count()};
}

void on_handshake(const webhook_context& ctx, const http::request& req,
                  http::responder& res) {
  std::string_view target{req.message.target()};
  auto q = target.find('?');
  auto query = q == std::string_view::npos ? std::string_view{} : target.substr(q + 1);
  auto answer = whatsapp::answer_handshake(query, ctx.verify_token);
  if (answer.status == 200) {
    log::info("webhook", "subscription verified", nullptr, req.id);
    res(http::text_response(bhttp::status::ok, std::move(answer.body)));
    return;
  }
  if (log_allowed())
    log::warn("webhook", "handshake refused", {{"status", answer.status}}, req.id);
  res(http::json_error(static_cast<bhttp::status>(answer.status), answer.body));
}

// 401 or 400 now; the audit row follows in the journal's next batch.
void refuse(const webhook_context& ctx, const http::request& req,
            http::responder& res, const whatsapp::post_verdict& v) {
  auto& m = webhook_metrics::get();
  if (v.status == 401) {
    m.posts.with({"unauthorized"}).inc();
    m.signature_failures.with({whatsapp::to_string(v.signature)}).inc();
    if (log_allowed())
      log::warn("webhook", "signature refused",
                {{"reason", whatsapp::to_string(v.signature)},
                 {"body_bytes", req.body().size()}},
                req.id);
  } else {
    m.posts.with({"bad_request"}).inc();
    m.bad_bodies.with({whatsapp::to_string(v.parsed.error)}).inc();
    if (log_allowed())
      log::warn("webhook", "body refused",
                {{"reason", whatsapp::to_string(v.parsed.error)}}, req.id);
  }
  res(http::json_error(static_cast<bhttp::status>(v.status), v.error));
  if (auto journal = directory::get(ctx.sys, directory::journal))
    caf::anon_send(journal, refused_append(v, facts_of(req)));
}

void answer_committed(http::responder& res,
                      caf::expected<journal::append_result>& result) {
  auto& m = webhook_metrics::get();
  if (!result) {
    m.posts.with({"unavailable"}).inc();
    res(http::json_error(bhttp::status::service_unavailable,
                         "could not store the events, retry later"));
    return;
  }
  m.posts.with({"stored"}).inc();
  res(http::json_response(bhttp::status::ok,
                          {{"status", "stored"},
                           {"new", result->inserted},
                           {"duplicates", result->duplicates}}));
}

void on_post(const webhook_context& ctx, const http::request& req,
             http::responder& res) {
  auto signature = req.message["X-Hub-Signature-256"];
  auto verdict = whatsapp::judge_post(req.body(), {signature.data(), signature.size()},
                                      ctx.app_secret, ctx.limits);
  if (!verdict.accepted()) {
    refuse(ctx, req, res, verdict);
    return;
  }
  auto journal = directory::get(ctx.sys, directory::journal);
  if (!journal) {
    webhook_metrics::get().posts.with({"unavailable"}).inc();
    res(http::json_error(bhttp::status::service_unavailable,
                         "journal restarting, retry later"));
    return;
  }
  auto append = accepted_append(verdict.parsed.body, facts_of(req));
  webhook_metrics::get().events_per_post.observe(
    static_cast<double>(append.records.size()));
  // Even a body without events goes through the journal: its audit row is
  // committed before the 200, like any other.
  caf::anon_send(journal, std::move(append),
                 journal::completion{[res](caf::expected<journal::append_result> r) mutable {
                   answer_committed(res, r);
                 }});
}

} // namespace

void add_webhook_routes(http::router& routes, caf::actor_system& sys,
                        const settings& s) {
  auto ctx = std::make_shared<webhook_context>(
    webhook_context{sys, s.whatsapp_app_secret, s.whatsapp_verify_token, {}});
  routes.add(bhttp::verb::get, "/webhook",
             [ctx](http::request_ptr req, http::responder res) {
               on_handshake(*ctx, *req, res);
             });
  routes.add(bhttp::verb::post, "/webhook",
             [ctx](http::request_ptr req, http::responder res) {
               on_post(*ctx, *req, res);
             });
}

} // namespace easymo::ingress
