#include "tests/support/webhook.hpp"

#include "protocols/whatsapp/signature.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <set>
#include <sstream>

namespace easymo::test {

namespace {

using json = nlohmann::json;

json envelope(json value) {
  value["messaging_product"] = "whatsapp";
  value["metadata"] = {{"display_phone_number", "250788000111"},
                       {"phone_number_id", "106540352242922"}};
  return {{"object", "whatsapp_business_account"},
          {"entry",
           {{{"id", "102290129340398"},
             {"changes", {{{"field", "messages"}, {"value", std::move(value)}}}}}}}};
}

std::string stamp(int64_t timestamp) {
  if (timestamp == 0)
    timestamp = std::chrono::duration_cast<std::chrono::seconds>(
                  std::chrono::system_clock::now().time_since_epoch())
                  .count();
  return std::to_string(timestamp);
}

} // namespace

std::string text_webhook(const std::vector<text_message>& messages) {
  json contacts = json::array();
  json items = json::array();
  std::set<std::string> senders;
  for (auto& m : messages) {
    if (senders.insert(m.from).second)
      contacts.push_back({{"profile", {{"name", "Test User"}}}, {"wa_id", m.from}});
    items.push_back({{"from", m.from},
                     {"id", m.wamid},
                     {"timestamp", stamp(m.timestamp)},
                     {"type", "text"},
                     {"text", {{"body", m.body}}}});
  }
  return envelope({{"contacts", contacts}, {"messages", items}}).dump();
}

std::string reply_webhook(const std::string& wamid, const std::string& from,
                          const std::string& id, const std::string& title,
                          bool list) {
  const char* type = list ? "list_reply" : "button_reply";
  json item = {{"from", from},
               {"id", wamid},
               {"timestamp", stamp(0)},
               {"type", "interactive"},
               {"interactive", {{"type", type}, {type, {{"id", id}, {"title", title}}}}}};
  json contacts = json::array(
    {{{"profile", {{"name", "Test User"}}}, {"wa_id", from}}});
  return envelope({{"contacts", contacts}, {"messages", json::array({item})}}).dump();
}

std::string status_webhook(const std::string& wamid, const std::string& status,
                           const std::string& recipient) {
  json item = {{"id", wamid},
               {"status", status},
               {"timestamp", "1718012400"},
               {"recipient_id", recipient}};
  return envelope({{"statuses", json::array({item})}}).dump();
}

std::string meta_signature(const std::string& body, const std::string& app_secret) {
  return whatsapp::sign(body, app_secret);
}

header_list signed_headers(const std::string& body, const std::string& app_secret) {
  return {{"Content-Type", "application/json"},
          {"X-Hub-Signature-256", meta_signature(body, app_secret)}};
}

std::optional<http_result> post_webhook(uint16_t port, const std::string& body,
                                        const std::string& app_secret) {
  return http_post(port, "/webhook", body, signed_headers(body, app_secret));
}

std::string signed_request_text(const std::string& body,
                                const std::string& app_secret, bool chunked) {
  std::string head = "POST /webhook HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     "Content-Type: application/json\r\nX-Hub-Signature-256: "
                     + meta_signature(body, app_secret) + "\r\n";
  if (!chunked)
    return head + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n"
           + body;
  auto half = body.size() / 2;
  auto chunk = [](const std::string& part) {
    std::ostringstream out;
    out << std::hex << part.size() << "\r\n" << part << "\r\n";
    return out.str();
  };
  return head + "Transfer-Encoding: chunked\r\n\r\n" + chunk(body.substr(0, half))
         + chunk(body.substr(half)) + "0\r\n\r\n";
}

} // namespace easymo::test
