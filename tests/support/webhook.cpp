#include "tests/support/webhook.hpp"

#include "protocols/whatsapp/signature.hpp"

#include <nlohmann/json.hpp>

#include <set>

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
                     {"timestamp", "1718012345"},
                     {"type", "text"},
                     {"text", {{"body", m.body}}}});
  }
  return envelope({{"contacts", contacts}, {"messages", items}}).dump();
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

} // namespace easymo::test
