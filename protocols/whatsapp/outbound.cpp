// The builders assemble Meta's JSON and then run check_message on it, so the
// rules live in one place (outbound_checks.cpp) and a builder cannot return
// a body the dispatcher, the sink or the simulator would refuse.
#include "protocols/whatsapp/outbound.hpp"

#include "protocols/whatsapp/utf8.hpp"

#include <caf/message.hpp>

namespace easymo::whatsapp {

namespace {

using json = nlohmann::json;

const char* errc_name(limit_errc code) {
  switch (code) {
    case limit_errc::invalid_utf8:
      return "invalid_utf8";
    case limit_errc::missing_field:
      return "missing_field";
    case limit_errc::empty_text:
      return "empty_text";
    case limit_errc::text_too_long:
      return "text_too_long";
    case limit_errc::too_few_items:
      return "too_few_items";
    case limit_errc::too_many_items:
      return "too_many_items";
    case limit_errc::duplicate:
      return "duplicate";
    case limit_errc::unsupported_type:
      return "unsupported_type";
    case limit_errc::bad_media:
      return "bad_media";
  }
  return "unknown";
}

// nlohmann::json throws when it serialises invalid UTF-8, so every string a
// caller hands in is checked before it enters a json value.
bool all_utf8(std::initializer_list<std::string_view> texts) {
  for (auto t : texts)
    if (!utf8_length(t))
      return false;
  return true;
}

json envelope(std::string_view to, const char* type) {
  return json{{"messaging_product", "whatsapp"},
              {"recipient_type", "individual"},
              {"to", std::string{to}},
              {"type", type}};
}

built finish(json body) {
  if (auto err = check_message(body))
    return err;
  return body;
}

json interactive(const char* type, const interactive_text& text) {
  json inter{{"type", type}, {"body", {{"text", text.body}}}};
  if (!text.header.empty())
    inter["header"] = {{"type", "text"}, {"text", text.header}};
  if (!text.footer.empty())
    inter["footer"] = {{"text", text.footer}};
  return inter;
}

bool frame_utf8(std::string_view to, const interactive_text& t) {
  return all_utf8({to, t.header, t.body, t.footer});
}

caf::error bad_utf8(const char* what) {
  return make_limit_error(limit_errc::invalid_utf8, what);
}

} // namespace

caf::error make_limit_error(limit_errc code, std::string context) {
  return caf::error{static_cast<uint8_t>(code), limit_error_category,
                    caf::make_message(std::move(context))};
}

std::string render_limit_error(uint8_t code, caf::atom_value,
                               const caf::message& context) {
  std::string out = "wa.limits:";
  out += errc_name(static_cast<limit_errc>(code));
  if (context.match_elements<std::string>())
    out += " (" + context.get_as<std::string>(0) + ")";
  return out;
}

std::optional<limit_errc> limit_code(const caf::error& err) {
  if (!err || err.category() != limit_error_category)
    return std::nullopt;
  return static_cast<limit_errc>(err.code());
}

built text_message(std::string_view to, std::string_view body,
                   bool preview_url) {
  if (!all_utf8({to, body}))
    return bad_utf8("text");
  auto msg = envelope(to, "text");
  msg["text"] = {{"preview_url", preview_url}, {"body", std::string{body}}};
  return finish(std::move(msg));
}

built buttons_message(std::string_view to, const buttons_spec& spec) {
  if (!frame_utf8(to, spec.text))
    return bad_utf8("interactive");
  auto inter = interactive("button", spec.text);
  auto buttons = json::array();
  for (auto& b : spec.buttons) {
    if (!all_utf8({b.id, b.title}))
      return bad_utf8("interactive.action.buttons");
    buttons.push_back(
      {{"type", "reply"}, {"reply", {{"id", b.id}, {"title", b.title}}}});
  }
  inter["action"] = {{"buttons", std::move(buttons)}};
  auto msg = envelope(to, "interactive");
  msg["interactive"] = std::move(inter);
  return finish(std::move(msg));
}

built list_message(std::string_view to, const list_spec& spec) {
  if (!frame_utf8(to, spec.text) || !all_utf8({spec.button}))
    return bad_utf8("interactive");
  auto sections = json::array();
  for (auto& s : spec.sections) {
    auto rows = json::array();
    for (auto& r : s.rows) {
      if (!all_utf8({r.id, r.title, r.description}))
        return bad_utf8("interactive.action.sections.rows");
      json row{{"id", r.id}, {"title", r.title}};
      if (!r.description.empty())
        row["description"] = r.description;
      rows.push_back(std::move(row));
    }
    if (!all_utf8({s.title}))
      return bad_utf8("interactive.action.sections.title");
    json section{{"rows", std::move(rows)}};
    if (!s.title.empty())
      section["title"] = s.title;
    sections.push_back(std::move(section));
  }
  auto inter = interactive("list", spec.text);
  inter["action"] = {{"button", spec.button}, {"sections", std::move(sections)}};
  auto msg = envelope(to, "interactive");
  msg["interactive"] = std::move(inter);
  return finish(std::move(msg));
}

built location_request_message(std::string_view to, std::string_view body) {
  if (!all_utf8({to, body}))
    return bad_utf8("interactive");
  auto inter = interactive("location_request_message",
                           interactive_text{{}, std::string{body}, {}});
  inter["action"] = {{"name", "send_location"}};
  auto msg = envelope(to, "interactive");
  msg["interactive"] = std::move(inter);
  return finish(std::move(msg));
}

built template_message(std::string_view to, const template_spec& spec) {
  if (!all_utf8({to, spec.name, spec.language}))
    return bad_utf8("template");
  json tpl{{"name", spec.name}, {"language", {{"code", spec.language}}}};
  // An empty array means "no parameters"; anything but an array is passed
  // on so the check refuses it rather than dropping it silently.
  if (!spec.components.is_array() || !spec.components.empty())
    tpl["components"] = spec.components;
  auto msg = envelope(to, "template");
  msg["template"] = std::move(tpl);
  return finish(std::move(msg));
}

built image_message(std::string_view to, const image_spec& spec) {
  if (!all_utf8({to, spec.media_id, spec.link, spec.caption}))
    return bad_utf8("image");
  json image = json::object();
  if (!spec.media_id.empty())
    image["id"] = spec.media_id;
  if (!spec.link.empty())
    image["link"] = spec.link;
  if (!spec.caption.empty())
    image["caption"] = spec.caption;
  auto msg = envelope(to, "image");
  msg["image"] = std::move(image);
  return finish(std::move(msg));
}

} // namespace easymo::whatsapp
