// The reader for status updates (delivery reports of our outbound messages).
#include "protocols/whatsapp/fields.hpp"
#include "protocols/whatsapp/items.hpp"

namespace easymo::whatsapp::detail {

namespace {

bool read_state(const std::string& text, status_update::state& out) {
  static constexpr std::pair<const char*, status_update::state> states[] = {
    {"sent", status_update::state::sent},
    {"delivered", status_update::state::delivered},
    {"read", status_update::state::read},
    {"failed", status_update::state::failed},
  };
  for (auto& [name, value] : states) {
    if (text == name) {
      out = value;
      return true;
    }
  }
  return false;
}

void read_conversation(fields& f, status_update& out) {
  auto* conv = f.object("conversation");
  if (conv == nullptr)
    return;
  fields c{conv, "conversation"};
  conversation_info info;
  info.id = c.str("id", need::optional, 256);
  info.expiration_timestamp = c.timestamp("expiration_timestamp");
  if (auto* origin = c.object("origin")) {
    fields o{origin, "origin"};
    info.origin_type = o.str("type", need::optional, 64);
    c.fail(o.error());
  }
  f.fail(c.error());
  out.conversation = std::move(info);
}

void read_pricing(fields& f, status_update& out) {
  auto* pricing = f.object("pricing");
  if (pricing == nullptr)
    return;
  fields p{pricing, "pricing"};
  pricing_info info;
  info.billable = p.flag("billable");
  info.pricing_model = p.str("pricing_model", need::optional, 64);
  info.category = p.str("category", need::optional, 64);
  f.fail(p.error());
  out.pricing = std::move(info);
}

} // namespace

bool read_status(const json& item, status_update& out, std::string& reason) {
  fields f{&item, "status"};
  out.id = f.str("id", need::required, key_bytes_max);
  auto state = f.str("status", need::required, 64);
  out.recipient_id = f.str("recipient_id", need::required, wa_id_bytes_max);
  out.timestamp = f.timestamp("timestamp", need::required);
  out.biz_opaque_callback_data = f.str("biz_opaque_callback_data");
  if (f.ok() && !is_identifier(out.id, key_bytes_max))
    f.fail("status.id is not an identifier");
  if (f.ok() && !read_state(state, out.status))
    f.fail("status.status is not sent, delivered, read or failed");
  read_conversation(f, out);
  read_pricing(f, out);
  read_errors(f.array("errors"), out.errors, f);
  reason = f.error();
  return f.ok();
}

} // namespace easymo::whatsapp::detail

namespace easymo::whatsapp {

const char* to_string(status_update::state s) {
  switch (s) {
    case status_update::state::sent:
      return "sent";
    case status_update::state::delivered:
      return "delivered";
    case status_update::state::read:
      return "read";
    default:
      return "failed";
  }
}

} // namespace easymo::whatsapp
