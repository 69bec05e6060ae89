// parse_status and the notify helpers of protocol.hpp: the pure and the
// fire-and-forget parts of the contract, usable without the dispatcher.
#include "actors/outbox/protocol.hpp"

#include "runtime/directory.hpp"

#include <caf/all.hpp>

#include <nlohmann/json.hpp>

#include <charconv>

namespace easymo::outbox {

namespace {

using json = nlohmann::json;

/// Longest wamid or recipient accepted; Meta's wamids are about 60
/// characters, so anything far longer is not one.
constexpr size_t id_chars_max = 256;

std::string text_at(const json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_string())
    return {};
  return it->get<std::string>();
}

// Meta sends the timestamp as a decimal string; tolerate a number too.
int64_t timestamp_at(const json& obj) {
  auto it = obj.find("timestamp");
  if (it == obj.end())
    return 0;
  if (it->is_number_integer())
    return it->get<int64_t>();
  if (!it->is_string())
    return 0;
  auto& s = it->get_ref<const std::string&>();
  int64_t out = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && end == s.data() + s.size() ? out : 0;
}

bool known_status(const std::string& s) {
  return s == "sent" || s == "delivered" || s == "read" || s == "failed";
}

} // namespace

std::optional<status_report> parse_status(const std::string& payload_json) {
  auto doc = json::parse(payload_json, nullptr, false);
  if (!doc.is_object())
    return std::nullopt;
  // The journal stores the item wrapped with its change's metadata
  // ({"status":{...},"metadata":{...}}); a bare item has a string there.
  if (auto inner = doc.find("status"); inner != doc.end() && inner->is_object()) {
    json item = std::move(*inner);
    doc = std::move(item);
  }
  status_report out;
  out.wamid = text_at(doc, "id");
  out.status = text_at(doc, "status");
  out.recipient = text_at(doc, "recipient_id");
  out.biz_opaque_callback_data = text_at(doc, "biz_opaque_callback_data");
  out.timestamp = timestamp_at(doc);
  if (out.wamid.empty() || out.wamid.size() > id_chars_max
      || out.recipient.size() > id_chars_max || !known_status(out.status))
    return std::nullopt;
  if (auto it = doc.find("errors"); it != doc.end() && it->is_array())
    out.errors = it->dump();
  return out;
}

std::optional<int64_t> row_id_of(const status_report& report) {
  auto& s = report.biz_opaque_callback_data;
  int64_t id = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), id);
  if (s.empty() || ec != std::errc{} || end != s.data() + s.size() || id <= 0)
    return std::nullopt;
  return id;
}

bool notify_committed(caf::actor_system& sys, committed rows) {
  auto target = directory::get(sys, directory::outbox);
  if (!target)
    return false;
  caf::anon_send(target, std::move(rows));
  return true;
}

bool notify_status(caf::actor_system& sys, status_report report) {
  auto target = directory::get(sys, directory::outbox);
  if (!target)
    return false;
  caf::anon_send(target, std::move(report));
  return true;
}

} // namespace easymo::outbox
