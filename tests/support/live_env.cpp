#include "tests/support/live_env.hpp"

#include "tests/support/http_client.hpp"
#include "tests/support/webhook.hpp"

#include <pqxx/pqxx>

#include <sstream>
#include <stdexcept>

namespace easymo::test {

namespace {

using json = nlohmann::json;

// Support code throws instead of using Boost.Test's macros, so the library
// does not depend on the test framework; Boost.Test reports the exception.
void require(bool ok, const std::string& what) {
  if (!ok)
    throw std::runtime_error(what);
}

daemon::options live_options(const std::string& label, const std::string& url,
                             const graph_sim& sim,
                             std::map<std::string, std::string> extra) {
  daemon::options o;
  o.database_url = url;
  o.label = label;
  o.env = {{"EASYMO_MODE", "live"},
           {"EASYMO_WHATSAPP_API_URL", sim.base_url()},
           {"EASYMO_WHATSAPP_PHONE_NUMBER_ID", live_env::phone_number_id},
           {"EASYMO_WHATSAPP_TOKEN", sim.token()},
           {"EASYMO_WHATSAPP_APP_SECRET", live_env::app_secret},
           {"EASYMO_WHATSAPP_VERIFY_TOKEN", "e2e-verify-token"},
           {"EASYMO_ADMIN_TOKEN", live_env::admin_token},
           {"EASYMO_PAYMENTS_URL_SECRET", "e2e-payments-url-secret"},
           // Live mode needs somewhere for USSD payments to go.
           {"EASYMO_MOMO_MERCHANT_CODE", "123456"},
           // Retries after a fault come quickly, so tests stay short.
           {"EASYMO_OUTBOX_RETRY_BACKOFF_MIN", "50ms"},
           {"EASYMO_OUTBOX_RETRY_BACKOFF_MAX", "200ms"},
           {"EASYMO_OUTBOX_SWEEP_INTERVAL", "100ms"}};
  for (auto& [k, v] : extra)
    o.env[k] = v;
  return o;
}

} // namespace

live_env::live_env(const std::string& label,
                   std::map<std::string, std::string> env)
  : db{"e2e_" + label, false},
    d{live_options(label, db.url(), sim, std::move(env))},
    label_(label) {
}

void live_env::start() {
  d.start();
  require(d.wait_ready(), "easymod did not get ready:\n" + d.log());
}

long live_env::post(const std::string& body) {
  auto r = post_webhook(d.http_port(), body, app_secret);
  require(r && r->status == 200,
          "webhook refused: " + (r ? r->body : std::string{"no answer"}));
  return json::parse(r->body).value("new", 0L);
}

std::string live_env::next_wamid() {
  return "wamid.E2E." + label_ + "." + std::to_string(++wamids_);
}

std::string live_env::text(const std::string& from, const std::string& body) {
  auto wamid = next_wamid();
  require(post(text_webhook({{wamid, from, body}})) == 1, "not new: " + wamid);
  return wamid;
}

std::string live_env::tap(const std::string& from, const std::string& id,
                          const std::string& title, bool list) {
  auto wamid = next_wamid();
  require(post(reply_webhook(wamid, from, id, title, list)) == 1,
          "not new: " + wamid);
  return wamid;
}

size_t live_env::accepted(const std::string& to) const {
  size_t n = 0;
  for (auto& r : sim.requests_to(to))
    n += r.status == 200 ? 1 : 0;
  return n;
}

json live_env::reply(const std::string& to, size_t n,
                     std::chrono::milliseconds timeout) {
  std::optional<json> found;
  eventually(
    [&] {
      size_t seen = 0;
      for (auto& r : sim.requests_to(to))
        if (r.status == 200 && ++seen == n) {
          found = json::parse(r.body);
          return true;
        }
      return false;
    },
    timeout);
  require(found.has_value(), "reply " + std::to_string(n) + " to " + to
                               + " never reached the simulator\n" + d.log());
  return *found;
}

json live_env::with_row_id(json body, const std::string& to, size_t n) const {
  pqxx::connection c{db.url()};
  pqxx::read_transaction tx{c};
  auto rows = tx.exec_params("SELECT id FROM outbox WHERE wa_id = $1 ORDER BY id",
                             to);
  require(rows.size() >= n, "no outbox row " + std::to_string(n) + " for " + to);
  body["biz_opaque_callback_data"] = rows[n - 1][0].as<std::string>();
  return body;
}

std::optional<double> live_env::metric(const std::string& series) const {
  auto res = http_get(d.http_port(), "/metrics");
  if (!res || res->status != 200)
    return std::nullopt;
  std::istringstream in{res->body};
  std::optional<double> sum;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#' || line.rfind(series, 0) != 0)
      continue;
    // The name must end where the series does (no longer metric names).
    auto rest = line.substr(series.size());
    if (series.find('{') == std::string::npos && !rest.empty() && rest[0] != '{'
        && rest[0] != ' ')
      continue;
    auto space = line.rfind(' ');
    sum = sum.value_or(0) + std::stod(line.substr(space + 1));
  }
  return sum;
}

json live_env::admin(const std::string& target) const {
  auto res = http_get(d.admin_port(), target,
                      {{"Authorization", std::string{"Bearer "} + admin_token}});
  require(res && res->status == 200,
          target + ": " + (res ? res->body : std::string{"no answer"}));
  return json::parse(res->body);
}

json text_body(const std::string& to, const std::string& body) {
  return {{"messaging_product", "whatsapp"},
          {"recipient_type", "individual"},
          {"to", to},
          {"type", "text"},
          {"text", {{"preview_url", false}, {"body", body}}}};
}

json buttons_body(const std::string& to, const std::string& body,
                  const std::vector<std::pair<std::string, std::string>>& buttons) {
  auto list = json::array();
  for (auto& [id, title] : buttons)
    list.push_back({{"type", "reply"}, {"reply", {{"id", id}, {"title", title}}}});
  return {{"messaging_product", "whatsapp"},
          {"recipient_type", "individual"},
          {"to", to},
          {"type", "interactive"},
          {"interactive",
           {{"type", "button"},
            {"body", {{"text", body}}},
            {"action", {{"buttons", list}}}}}};
}

} // namespace easymo::test
