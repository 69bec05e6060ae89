// The envelope: object -> entry[] -> changes[] -> {field, value}. Items are
// read by messages.cpp and statuses.cpp.
#include "protocols/whatsapp/parse.hpp"

#include "protocols/whatsapp/fields.hpp"
#include "protocols/whatsapp/items.hpp"
#include "protocols/whatsapp/signature.hpp"

#include <algorithm>
#include <unordered_map>

namespace easymo::whatsapp {

namespace {

using detail::json;

constexpr std::string_view business_account = "whatsapp_business_account";

struct shape_error {
  parse_error code;
  std::string message;
};

// What one `messages` change shares among its items.
struct change_context {
  std::string metadata_json = "null";
  std::string phone_number_id;
  std::unordered_map<std::string_view, const json*> contacts;
};

// PostgreSQL's jsonb refuses the escape \u0000, valid JSON though it is. One
// such character in one message would fail the whole group commit, and Meta
// would redeliver the batch for days; U+FFFD keeps the rest of the text.
// nlohmann writes a NUL as exactly "\u0000", and every other escape it writes
// is skipped whole, so an escaped backslash before "u0000" is left alone.
void replace_nul_escapes(std::string& text) {
  for (size_t i = 0; i + 1 < text.size(); ++i) {
    if (text[i] != '\\')
      continue;
    if (text.compare(i + 1, 5, "u0000") == 0)
      text.replace(i + 2, 4, "fffd");
    ++i;
  }
}

change_context read_context(const json& value) {
  change_context ctx;
  auto meta = value.find("metadata");
  if (meta != value.end() && meta->is_object()) {
    ctx.metadata_json = meta->dump();
    auto id = meta->find("phone_number_id");
    if (id != meta->end() && id->is_string())
      ctx.phone_number_id = id->get<std::string>();
  }
  auto contacts = value.find("contacts");
  if (contacts != value.end() && contacts->is_array()) {
    for (auto& c : *contacts) {
      auto wa = c.is_object() ? c.find("wa_id") : c.end();
      if (c.is_object() && wa != c.end() && wa->is_string())
        ctx.contacts.emplace(wa->get_ref<const std::string&>(), &c);
    }
  }
  return ctx;
}

std::string profile_name(const json* contact) {
  if (contact == nullptr)
    return {};
  auto profile = contact->find("profile");
  if (profile == contact->end() || !profile->is_object())
    return {};
  auto name = profile->find("name");
  return name != profile->end() && name->is_string() ? name->get<std::string>()
                                                     : std::string{};
}

// A rejected item keeps its own id when it has a usable one, otherwise a
// digest of its content, so a redelivered bad item is still stored once.
event rejected_event(const json& item, const char* list, std::string reason,
                     const change_context& ctx) {
  event e;
  e.cat = event::category::rejected;
  e.kind = std::string{"rejected."} + (list[0] == 'm' ? "message" : "status");
  auto text = item.dump();
  auto id = item.is_object() ? item.find("id") : item.end();
  if (item.is_object() && id != item.end() && id->is_string()
      && detail::is_identifier(id->get_ref<const std::string&>(),
                               detail::key_bytes_max))
    e.key = id->get<std::string>();
  else
    e.key = "sha256:" + sha256_hex(text);
  auto user = item.is_object() ? item.find(list[0] == 'm' ? "from"
                                                          : "recipient_id")
                               : item.end();
  if (item.is_object() && user != item.end() && user->is_string()
      && detail::is_identifier(user->get_ref<const std::string&>(),
                               detail::wa_id_bytes_max))
    e.wa_id = user->get<std::string>();
  e.payload = R"({"rejected":{"list":")" + std::string{list}
              + R"(","reason":)" + json(reason).dump() + R"(,"item":)" + text
              + R"(},"metadata":)" + ctx.metadata_json + "}";
  replace_nul_escapes(e.payload);
  e.reason = std::move(reason);
  return e;
}

event message_event(const json& item, const change_context& ctx) {
  message m;
  std::string reason;
  if (!detail::read_message(item, m, reason))
    return rejected_event(item, "messages", std::move(reason), ctx);
  event e;
  e.cat = event::category::message;
  e.key = m.id;
  e.kind = m.type;
  e.wa_id = m.from;
  auto contact = ctx.contacts.find(m.from);
  const json* c = contact == ctx.contacts.end() ? nullptr : contact->second;
  m.phone_number_id = ctx.phone_number_id;
  m.profile_name = profile_name(c);
  e.payload = R"({"message":)" + item.dump() + R"(,"metadata":)"
              + ctx.metadata_json + R"(,"contact":)"
              + (c == nullptr ? std::string{"null"} : c->dump()) + "}";
  replace_nul_escapes(e.payload);
  e.detail = std::move(m);
  return e;
}

event status_event(const json& item, const change_context& ctx) {
  status_update s;
  std::string reason;
  if (!detail::read_status(item, s, reason))
    return rejected_event(item, "statuses", std::move(reason), ctx);
  event e;
  e.cat = event::category::status;
  e.key = s.id;
  e.kind = std::string{"status."} + to_string(s.status);
  e.wa_id = s.recipient_id;
  s.phone_number_id = ctx.phone_number_id;
  e.payload = R"({"status":)" + item.dump() + R"(,"metadata":)"
              + ctx.metadata_json + "}";
  replace_nul_escapes(e.payload);
  e.detail = std::move(s);
  return e;
}

std::optional<shape_error> read_change(const json& value,
                                       const parse_limits& limits,
                                       parsed_webhook& out) {
  if (!value.is_object())
    return shape_error{parse_error::wrong_shape, "change value is not an object"};
  auto messages = value.find("messages");
  auto statuses = value.find("statuses");
  bool has_messages = messages != value.end() && !messages->is_null();
  bool has_statuses = statuses != value.end() && !statuses->is_null();
  if ((has_messages && !messages->is_array())
      || (has_statuses && !statuses->is_array()))
    return shape_error{parse_error::wrong_shape,
                       "messages and statuses must be arrays"};
  size_t items = (has_messages ? messages->size() : 0)
                 + (has_statuses ? statuses->size() : 0);
  if (out.events.size() + items > limits.events_max)
    return shape_error{parse_error::too_many_events, "too many events"};
  auto ctx = read_context(value);
  if (has_messages)
    for (auto& item : *messages)
      out.events.push_back(message_event(item, ctx));
  if (has_statuses)
    for (auto& item : *statuses)
      out.events.push_back(status_event(item, ctx));
  return std::nullopt;
}

std::optional<shape_error> read_entry(const json& entry,
                                      const parse_limits& limits,
                                      parsed_webhook& out) {
  auto changes = entry.is_object() ? entry.find("changes") : entry.end();
  if (!entry.is_object() || changes == entry.end() || !changes->is_array())
    return shape_error{parse_error::wrong_shape,
                       "each entry needs a changes array"};
  for (auto& change : *changes) {
    auto field = change.is_object() ? change.find("field") : change.end();
    if (!change.is_object() || field == change.end() || !field->is_string())
      return shape_error{parse_error::wrong_shape,
                         "each change needs a field name"};
    if (*field != "messages") {
      ++out.ignored;
      continue;
    }
    auto value = change.find("value");
    if (value == change.end())
      return shape_error{parse_error::wrong_shape, "change without a value"};
    if (auto err = read_change(*value, limits, out))
      return err;
  }
  return std::nullopt;
}

std::optional<shape_error> read_body(const json& doc,
                                     const parse_limits& limits,
                                     parsed_webhook& out) {
  auto object = doc.is_object() ? doc.find("object") : doc.end();
  if (!doc.is_object() || object == doc.end() || !object->is_string())
    return shape_error{parse_error::wrong_shape,
                       "body is not a webhook notification"};
  if (*object != business_account) {
    // Another product's notification: acknowledged, nothing to do.
    ++out.ignored;
    return std::nullopt;
  }
  auto entries = doc.find("entry");
  if (entries == doc.end() || !entries->is_array())
    return shape_error{parse_error::wrong_shape, "entry is not an array"};
  for (auto& entry : *entries)
    if (auto err = read_entry(entry, limits, out))
      return err;
  return std::nullopt;
}

} // namespace

size_t parsed_webhook::count(event::category c) const {
  return static_cast<size_t>(std::count_if(
    events.begin(), events.end(), [c](const event& e) { return e.cat == c; }));
}

// A linear scan that skips string contents. It runs before the DOM exists,
// so hostile nesting never reaches nlohmann's recursive dump and copy (nor
// our own recursive readers), and it is cheaper than a parser callback,
// which would cost a std::function call per JSON token.
bool nesting_exceeds(std::string_view text, size_t depth_max) {
  size_t depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > depth_max)
        return true;
    } else if ((c == '}' || c == ']') && depth > 0) {
      --depth;
    }
  }
  return false;
}

parse_result parse_webhook(std::string_view body, const parse_limits& limits) {
  parse_result r;
  if (nesting_exceeds(body, limits.depth_max)) {
    r.error = parse_error::too_deep;
    r.error_message = "JSON nested too deeply";
    return r;
  }
  auto doc = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    r.error = parse_error::malformed_json;
    r.error_message = "malformed JSON";
    return r;
  }
  if (auto err = read_body(doc, limits, r.body)) {
    r.error = err->code;
    r.error_message = std::move(err->message);
    r.body = {};
  }
  return r;
}

bool decode_stored(std::string_view payload, stored_event& out,
                   std::string& reason) {
  auto doc = json::parse(payload, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    reason = "payload is not a JSON object";
    return false;
  }
  auto ctx = read_context(doc);
  if (auto m = doc.find("message"); m != doc.end()) {
    message msg;
    if (!detail::read_message(*m, msg, reason))
      return false;
    auto c = doc.find("contact");
    msg.phone_number_id = ctx.phone_number_id;
    msg.profile_name = profile_name(c == doc.end() ? nullptr : &*c);
    out = std::move(msg);
    return true;
  }
  if (auto s = doc.find("status"); s != doc.end()) {
    status_update st;
    if (!detail::read_status(*s, st, reason))
      return false;
    st.phone_number_id = ctx.phone_number_id;
    out = std::move(st);
    return true;
  }
  reason = "payload holds a rejected item";
  return false;
}

const char* to_string(parse_error e) {
  switch (e) {
    case parse_error::none:
      return "none";
    case parse_error::malformed_json:
      return "malformed_json";
    case parse_error::too_deep:
      return "too_deep";
    case parse_error::wrong_shape:
      return "wrong_shape";
    default:
      return "too_many_events";
  }
}

} // namespace easymo::whatsapp
