// The outbox's admin routes: counts by status, the DLQ, and replays.
#include "actors/outbox/internal.hpp"

#include "persistence/db/query.hpp"
#include "protocols/http/query.hpp"
#include "runtime/log.hpp"

#include <caf/all.hpp>

#include <nlohmann/json.hpp>

namespace easymo::outbox::detail {

namespace {

namespace bhttp = boost::beast::http;
using json = nlohmann::json;

/// Entries per GET /admin/dlq page, by default and at most.
constexpr int64_t dlq_page_default = 100;
constexpr int64_t dlq_page_max = 1000;

template <class Fn, class OnValue>
void run_admin_job(outbox_pointer self, const char* label, Fn fn,
                   http::responder res, OnValue on_value) {
  auto pool = pool_of(self);
  if (!pool) {
    res(http::json_error(bhttp::status::service_unavailable,
                         "database pool not running"));
    return;
  }
  db::query(self, pool, label, std::move(fn), self->state.opts.db_timeout)
    .then(std::move(on_value), [res](caf::error&) {
      res(http::json_error(bhttp::status::service_unavailable,
                           "database unavailable"));
    });
}

json dispatcher_json(const outbox_state& st) {
  return {{"ready", st.ready.size()},
          {"in_flight", st.sends_in_flight},
          {"results_buffered", st.results.size()},
          {"sent", st.counters.sent},
          {"retried", st.counters.retried},
          {"dead", st.counters.dead},
          {"resent", st.counters.resent}};
}

} // namespace

void answer_counts(outbox_pointer self, http::responder res) {
  run_admin_job(self, "outbox.counts", repo::counts_job(), res,
                [self, res](std::string& text) {
                  auto out = json::parse(text);
                  out["dispatcher"] = dispatcher_json(self->state);
                  res(http::json_response(bhttp::status::ok, out));
                });
}

void answer_dlq(outbox_pointer self, const http::request& req,
                http::responder res) {
  auto after = http::query_int(req, "after", 0);
  auto limit = http::query_int(req, "limit", dlq_page_default);
  if (!after || !limit || *limit == 0 || *limit > dlq_page_max) {
    res(http::json_error(bhttp::status::bad_request,
                         "after and limit must be non-negative integers, "
                         "limit 1 to 1000"));
    return;
  }
  run_admin_job(self, "outbox.dlq", repo::dlq_job(*after, *limit), res,
                [res](std::string& text) {
                  res(http::json_response(bhttp::status::ok,
                                          json::parse(text)));
                });
}

void answer_replay(outbox_pointer self, const http::request& req,
                   http::responder res) {
  auto body = json::parse(req.body(), nullptr, false);
  int64_t id = -1;
  if (body.is_object() && body.contains("id")
      && body["id"].is_number_integer() && body["id"].get<int64_t>() > 0)
    id = body["id"].get<int64_t>();
  else if (body.is_object() && body.value("all", false) == true)
    id = 0;
  if (id < 0) {
    res(http::json_error(bhttp::status::bad_request,
                         "expected {\"id\": <dlq id>} or {\"all\": true}"));
    return;
  }
  log::warn("outbox", "DLQ replay requested",
            {{"dlq_id", id}, {"remote", req.remote.address().to_string()}},
            req.id);
  run_admin_job(self, "outbox.replay", repo::replay_job(id), res,
                [self, res](int64_t n) {
                  // Replayed rows are due now: look for them at once rather
                  // than at the next tick.
                  sweep(self, false);
                  res(http::json_response(bhttp::status::ok,
                                          {{"replayed", n}}));
                });
}

} // namespace easymo::outbox::detail
