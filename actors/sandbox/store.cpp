// What the sink stored, for easymoctl chat and the console; and where the
// sandbox lives (protocol.hpp helpers).
#include "actors/sandbox/sink.hpp"

#include "persistence/db/query.hpp"
#include "protocols/http/query.hpp"
#include "runtime/directory.hpp"

#include <caf/all.hpp>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

namespace easymo::sandbox {

namespace {

namespace bhttp = boost::beast::http;
using json = nlohmann::json;

constexpr int64_t page_default = 100;
constexpr int64_t page_max = 1000;

constexpr const char* select_sql =
  "SELECT id, wa_id, wamid, coalesce(outbox_id, 0), message::text,"
  " to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"
  " FROM sandbox_outbound WHERE ($1 = '' OR wa_id = $1) AND id > $2"
  " ORDER BY id LIMIT $3";

std::string read_page(pqxx::connection_base& c, const std::string& wa_id,
                      int64_t after, int64_t limit) {
  pqxx::read_transaction tx{c};
  auto messages = json::array();
  for (auto r : tx.exec_params(select_sql, wa_id, after, limit))
    messages.push_back(
      {{"id", r[0].as<int64_t>()},
       {"wa_id", r[1].as<std::string>()},
       {"wamid", r[2].as<std::string>()},
       {"outbox_id", r[3].as<int64_t>()},
       {"message", json::parse(r[4].as<std::string>(), nullptr, false)},
       {"created_at", r[5].as<std::string>()}});
  return json{{"messages", messages}}.dump();
}

} // namespace

std::string reachable_host(const std::string& host) {
  if (host.empty() || host == "0.0.0.0")
    return "127.0.0.1";
  if (host == "::")
    return "[::1]";
  return host.find(':') != std::string::npos ? "[" + host + "]" : host;
}

std::string api_url(const settings& s) {
  return "http://" + reachable_host(s.admin_host) + ":"
         + std::to_string(s.admin_port) + graph_prefix;
}

std::string messages_path(const settings& s) {
  return std::string{graph_prefix} + "/" + s.whatsapp_api_version + "/"
         + s.phone_number_id() + "/messages";
}

std::string webhook_url(const settings& s) {
  return "http://" + reachable_host(s.http_host) + ":"
         + std::to_string(s.http_port) + "/webhook";
}

sink_options options_from(const settings& s) {
  sink_options o;
  o.token = s.whatsapp_token;
  o.phone_number_id = s.phone_number_id();
  o.app_secret = s.whatsapp_app_secret;
  o.webhook_url = webhook_url(s);
  o.statuses = s.sandbox_statuses;
  o.batch_rows_max = s.outbox_batch_rows_max;
  o.db_timeout = s.db_query_timeout + std::chrono::seconds(5);
  return o;
}

namespace detail {

void answer_messages(sink_actor* self, const http::request& req,
                     http::responder res) {
  auto wa_id = http::query_param(req, "wa_id").value_or("");
  auto after = http::query_int(req, "after", 0);
  auto limit = http::query_int(req, "limit", page_default);
  if (!after || !limit || *limit == 0 || *limit > page_max) {
    res(http::json_error(bhttp::status::bad_request,
                         "after and limit must be non-negative integers, "
                         "limit 1 to 1000"));
    return;
  }
  auto pool = directory::get(self->system(), directory::db_pool);
  if (!pool) {
    res(http::json_error(bhttp::status::service_unavailable,
                         "database pool not running"));
    return;
  }
  db::query(
    self, pool, "sandbox.read",
    [wa_id, after = *after, limit = *limit](pqxx::connection_base& c) {
      return read_page(c, wa_id, after, limit);
    },
    self->state.opts.db_timeout)
    .then(
      [res](std::string& text) {
        res(http::json_response(bhttp::status::ok, json::parse(text)));
      },
      [res](caf::error&) {
        res(http::json_error(bhttp::status::service_unavailable,
                             "database unavailable"));
      });
}

} // namespace detail

} // namespace easymo::sandbox
