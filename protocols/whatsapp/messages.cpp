// Readers for inbound messages, one per content type.
#include "protocols/whatsapp/fields.hpp"
#include "protocols/whatsapp/items.hpp"

#include <cstring>

namespace easymo::whatsapp::detail {

namespace {

using reader = void (*)(message& out, fields& f);

void read_text(message& out, fields& f) {
  fields text{f.object("text", need::required), "text"};
  out.content = text_content{text.str("body", need::required)};
  f.fail(text.error());
}

void read_interactive(message& out, fields& f) {
  fields in{f.object("interactive", need::required), "interactive"};
  auto type = in.str("type", need::required, 64);
  interactive_content c;
  const char* member = nullptr;
  if (type == "button_reply") {
    c.type = interactive_content::reply::button_reply;
    member = "button_reply";
  } else if (type == "list_reply") {
    c.type = interactive_content::reply::list_reply;
    member = "list_reply";
  } else if (type == "nfm_reply") {
    c.type = interactive_content::reply::nfm_reply;
    member = "nfm_reply";
  } else {
    // A reply kind Meta added after this code: keep it, act on it later.
    f.fail(in.error());
    out.content = other_content{"interactive." + type};
    return;
  }
  fields reply{in.object(member, need::required), member};
  if (c.type == interactive_content::reply::nfm_reply) {
    c.flow_name = reply.str("name");
    c.flow_body = reply.str("body");
    c.flow_response_json = reply.str("response_json", need::required);
  } else {
    c.id = reply.str("id", need::required, 256);
    c.title = reply.str("title");
    c.description = reply.str("description");
  }
  f.fail(in.error());
  f.fail(reply.error());
  out.content = std::move(c);
}

void read_button(message& out, fields& f) {
  fields b{f.object("button", need::required), "button"};
  button_content c{b.str("payload"), b.str("text")};
  f.fail(b.error());
  out.content = std::move(c);
}

void read_location(message& out, fields& f) {
  fields l{f.object("location", need::required), "location"};
  location_content c;
  c.latitude = l.number("latitude", need::required);
  c.longitude = l.number("longitude", need::required);
  c.name = l.str("name");
  c.address = l.str("address");
  c.url = l.str("url");
  if (l.ok() && (c.latitude < -90 || c.latitude > 90 || c.longitude < -180
                 || c.longitude > 180))
    l.fail("location is out of range");
  f.fail(l.error());
  out.content = std::move(c);
}

// image, document, audio, video and sticker share one shape.
void read_media(message& out, fields& f) {
  auto* where = out.type.c_str();
  fields m{f.object(where, need::required), where};
  media_content c;
  c.id = m.str("id", need::required, 256);
  c.mime_type = m.str("mime_type");
  c.sha256 = m.str("sha256", need::optional, 128);
  c.caption = m.str("caption");
  c.filename = m.str("filename");
  c.voice = m.flag("voice");
  c.animated = m.flag("animated");
  f.fail(m.error());
  out.content = std::move(c);
}

void read_reaction(message& out, fields& f) {
  fields r{f.object("reaction", need::required), "reaction"};
  reaction_content c{r.str("message_id", need::required, key_bytes_max),
                     r.str("emoji", need::optional, 64)};
  f.fail(r.error());
  out.content = std::move(c);
}

void read_card(const json& item, contact_card& card, fields& f) {
  fields c{&item, "contact"};
  if (auto* name = c.object("name")) {
    fields n{name, "name"};
    card.formatted_name = n.str("formatted_name");
    c.fail(n.error());
  }
  if (auto* phones = c.array("phones")) {
    for (auto& p : *phones) {
      fields pf{&p, "phone"};
      card.phones.push_back(contact_phone{pf.str("phone", need::optional, 64),
                                          pf.str("wa_id", need::optional, 64),
                                          pf.str("type", need::optional, 64)});
      c.fail(pf.error());
    }
  }
  f.fail(c.error());
}

void read_contacts(message& out, fields& f) {
  contacts_content c;
  if (auto* cards = f.array("contacts", need::required))
    for (auto& card : *cards)
      read_card(card, c.cards.emplace_back(), f);
  out.content = std::move(c);
}

void read_unsupported(message& out, fields& f) {
  unsupported_content c;
  read_errors(f.array("errors"), c.errors, f);
  out.content = std::move(c);
}

struct type_entry {
  const char* type;
  reader read;
};

constexpr type_entry readers[] = {
  {"text", read_text},         {"interactive", read_interactive},
  {"button", read_button},     {"location", read_location},
  {"image", read_media},       {"document", read_media},
  {"audio", read_media},       {"video", read_media},
  {"sticker", read_media},     {"reaction", read_reaction},
  {"contacts", read_contacts}, {"unsupported", read_unsupported},
};

// Unknown types become kinds of their own in the journal, so they must look
// like the type names Meta uses: lowercase words with underscores.
bool is_type_name(const std::string& type) {
  if (type.empty() || type.size() > 32)
    return false;
  for (char c : type)
    if (!((c >= 'a' && c <= 'z') || c == '_'))
      return false;
  return true;
}

void read_context(fields& f, message& out) {
  auto* ctx = f.object("context");
  if (ctx == nullptr)
    return;
  fields c{ctx, "context"};
  message_context mc;
  mc.from = c.str("from", need::optional, wa_id_bytes_max);
  mc.id = c.str("id", need::optional, key_bytes_max);
  mc.forwarded = c.flag("forwarded");
  mc.frequently_forwarded = c.flag("frequently_forwarded");
  f.fail(c.error());
  out.context = std::move(mc);
}

} // namespace

void read_errors(const json* list, std::vector<error_detail>& out,
                 fields& f) {
  if (list == nullptr)
    return;
  for (auto& e : *list) {
    fields ef{&e, "error"};
    error_detail d;
    d.code = ef.integer("code");
    d.title = ef.str("title");
    d.message = ef.str("message");
    if (auto* data = ef.object("error_data")) {
      fields df{data, "error_data"};
      d.details = df.str("details");
      ef.fail(df.error());
    }
    f.fail(ef.error());
    out.push_back(std::move(d));
  }
}

bool read_message(const json& item, message& out, std::string& reason) {
  fields f{&item, "message"};
  out.id = f.str("id", need::required, key_bytes_max);
  out.from = f.str("from", need::required, wa_id_bytes_max);
  out.timestamp = f.timestamp("timestamp", need::required);
  out.type = f.str("type", need::required, 64);
  if (f.ok() && !is_identifier(out.id, key_bytes_max))
    f.fail("message.id is not an identifier");
  if (f.ok() && !is_identifier(out.from, wa_id_bytes_max))
    f.fail("message.from is not an identifier");
  read_context(f, out);
  if (f.ok()) {
    reader read = nullptr;
    for (auto& entry : readers)
      if (out.type == entry.type)
        read = entry.read;
    if (read != nullptr)
      read(out, f);
    else if (is_type_name(out.type))
      out.content = other_content{out.type};
    else
      f.fail("message.type is not a type name");
  }
  reason = f.error();
  return f.ok();
}

} // namespace easymo::whatsapp::detail
