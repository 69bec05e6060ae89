// check_message: Meta's limits applied to a request body, field by field.
// The first violation wins; its context names the field path so a failing
// test points at the exact button or row.
#include "protocols/whatsapp/outbound.hpp"
#include "protocols/whatsapp/utf8.hpp"

#include <set>

namespace easymo::whatsapp {

namespace {

using json = nlohmann::json;

const json* member(const json& obj, std::string_view key) {
  if (!obj.is_object())
    return nullptr;
  auto it = obj.find(key);
  return it == obj.end() ? nullptr : &*it;
}

std::string figures(std::string_view path, std::size_t got, std::size_t max) {
  return std::string{path} + ": " + std::to_string(got) + " > "
         + std::to_string(max);
}

// A string member of `obj` with min..max characters; min 0 makes it
// optional (absent or empty is fine).
caf::error check_chars(const json& obj, std::string_view key,
                       std::string_view path, std::size_t min, std::size_t max) {
  auto* value = member(obj, key);
  if (value == nullptr && min == 0)
    return {};
  if (value == nullptr || !value->is_string())
    return make_limit_error(limit_errc::missing_field, std::string{path});
  auto len = utf8_length(value->get_ref<const std::string&>());
  if (!len)
    return make_limit_error(limit_errc::invalid_utf8, std::string{path});
  if (*len < min)
    return make_limit_error(limit_errc::empty_text, std::string{path});
  if (*len > max)
    return make_limit_error(limit_errc::text_too_long,
                            figures(path, *len, max));
  return {};
}

// An array member with min..max items.
caf::error check_items(const json* items, std::string_view path,
                       std::size_t min, std::size_t max) {
  if (items == nullptr || !items->is_array())
    return make_limit_error(limit_errc::missing_field, std::string{path});
  if (items->size() < min)
    return make_limit_error(limit_errc::too_few_items, std::string{path});
  if (items->size() > max)
    return make_limit_error(limit_errc::too_many_items,
                            figures(path, items->size(), max));
  return {};
}

// Records `value` of field `path` as seen; a second sighting is an error.
caf::error unique(std::set<std::string>& seen, const json& obj,
                  std::string_view key, const std::string& path) {
  auto* value = member(obj, key);
  if (value != nullptr && value->is_string()
      && !seen.insert(value->get<std::string>()).second)
    return make_limit_error(limit_errc::duplicate, path);
  return {};
}

caf::error check_frame(const json& inter) {
  auto* header = member(inter, "header");
  if (header != nullptr && member(*header, "type") != nullptr
      && (*header)["type"] == "text")
    if (auto err = check_chars(*header, "text", "interactive.header.text", 1,
                               limits::header_chars_max))
      return err;
  auto* body = member(inter, "body");
  if (body == nullptr)
    return make_limit_error(limit_errc::missing_field, "interactive.body");
  if (auto err = check_chars(*body, "text", "interactive.body.text", 1,
                             limits::interactive_body_chars_max))
    return err;
  if (auto* footer = member(inter, "footer"))
    return check_chars(*footer, "text", "interactive.footer.text", 0,
                       limits::footer_chars_max);
  return {};
}

caf::error check_buttons(const json& action) {
  auto* buttons = member(action, "buttons");
  if (auto err = check_items(buttons, "interactive.action.buttons",
                             limits::buttons_min, limits::buttons_max))
    return err;
  std::set<std::string> titles;
  std::set<std::string> ids;
  for (std::size_t i = 0; i < buttons->size(); ++i) {
    auto path = "interactive.action.buttons[" + std::to_string(i) + "].reply";
    auto* reply = member((*buttons)[i], "reply");
    if (reply == nullptr)
      return make_limit_error(limit_errc::missing_field, path);
    if (auto err = check_chars(*reply, "title", path + ".title", 1,
                               limits::button_title_chars_max))
      return err;
    if (auto err = check_chars(*reply, "id", path + ".id", 1,
                               limits::button_id_chars_max))
      return err;
    if (auto err = unique(titles, *reply, "title", path + ".title"))
      return err;
    if (auto err = unique(ids, *reply, "id", path + ".id"))
      return err;
  }
  return {};
}

caf::error check_row(const json& row, const std::string& path,
                     std::set<std::string>& ids) {
  if (auto err = check_chars(row, "id", path + ".id", 1,
                             limits::row_id_chars_max))
    return err;
  if (auto err = check_chars(row, "title", path + ".title", 1,
                             limits::row_title_chars_max))
    return err;
  if (auto err = check_chars(row, "description", path + ".description", 0,
                             limits::row_description_chars_max))
    return err;
  return unique(ids, row, "id", path + ".id");
}

caf::error check_list(const json& action) {
  if (auto err = check_chars(action, "button", "interactive.action.button", 1,
                             limits::list_button_chars_max))
    return err;
  auto* sections = member(action, "sections");
  if (auto err = check_items(sections, "interactive.action.sections", 1,
                             limits::list_sections_max))
    return err;
  std::size_t rows_total = 0;
  std::set<std::string> ids;
  for (std::size_t s = 0; s < sections->size(); ++s) {
    auto& section = (*sections)[s];
    auto path = "interactive.action.sections[" + std::to_string(s) + "]";
    // Meta needs a title on each section only when there are several.
    auto title_min = sections->size() > 1 ? std::size_t{1} : std::size_t{0};
    if (auto err = check_chars(section, "title", path + ".title", title_min,
                               limits::section_title_chars_max))
      return err;
    auto* rows = member(section, "rows");
    if (auto err = check_items(rows, path + ".rows", 1, limits::list_rows_max))
      return err;
    for (std::size_t r = 0; r < rows->size(); ++r)
      if (auto err = check_row((*rows)[r],
                               path + ".rows[" + std::to_string(r) + "]", ids))
        return err;
    rows_total += rows->size();
  }
  if (rows_total > limits::list_rows_max)
    return make_limit_error(limit_errc::too_many_items,
                            figures("interactive.action.sections[*].rows",
                                    rows_total, limits::list_rows_max));
  return {};
}

caf::error check_interactive(const json& body) {
  auto* inter = member(body, "interactive");
  if (inter == nullptr || !inter->is_object())
    return make_limit_error(limit_errc::missing_field, "interactive");
  auto* type = member(*inter, "type");
  if (type == nullptr || !type->is_string())
    return make_limit_error(limit_errc::missing_field, "interactive.type");
  if (auto err = check_frame(*inter))
    return err;
  auto* action = member(*inter, "action");
  if (action == nullptr || !action->is_object())
    return make_limit_error(limit_errc::missing_field, "interactive.action");
  if (*type == "button")
    return check_buttons(*action);
  if (*type == "list")
    return check_list(*action);
  if (*type == "location_request_message")
    return check_chars(*action, "name", "interactive.action.name", 1, 64);
  return make_limit_error(limit_errc::unsupported_type,
                          "interactive.type " + type->get<std::string>());
}

caf::error check_template(const json& body) {
  auto* tpl = member(body, "template");
  if (tpl == nullptr)
    return make_limit_error(limit_errc::missing_field, "template");
  if (auto err = check_chars(*tpl, "name", "template.name", 1,
                             limits::template_name_chars_max))
    return err;
  auto* language = member(*tpl, "language");
  if (language == nullptr)
    return make_limit_error(limit_errc::missing_field, "template.language");
  if (auto err = check_chars(*language, "code", "template.language.code", 1,
                             16))
    return err;
  auto* components = member(*tpl, "components");
  if (components != nullptr && !components->is_array())
    return make_limit_error(limit_errc::missing_field, "template.components");
  return {};
}

bool is_http_link(const json& value) {
  if (!value.is_string())
    return false;
  auto& s = value.get_ref<const std::string&>();
  return s.rfind("https://", 0) == 0 || s.rfind("http://", 0) == 0;
}

caf::error check_media(const json& body, const std::string& type) {
  auto* media = member(body, type);
  if (media == nullptr || !media->is_object())
    return make_limit_error(limit_errc::missing_field, type);
  auto* id = member(*media, "id");
  auto* link = member(*media, "link");
  bool has_id = id != nullptr && id->is_string() && !id->empty();
  bool has_link = link != nullptr && is_http_link(*link);
  if (has_id == has_link)
    return make_limit_error(limit_errc::bad_media, type + ".id|link");
  return check_chars(*media, "caption", type + ".caption", 0,
                     limits::caption_chars_max);
}

} // namespace

caf::error check_message(const nlohmann::json& body) {
  if (!body.is_object())
    return make_limit_error(limit_errc::missing_field, "body");
  auto* product = member(body, "messaging_product");
  if (product == nullptr || *product != "whatsapp")
    return make_limit_error(limit_errc::missing_field, "messaging_product");
  if (auto err = check_chars(body, "to", "to", 1, limits::recipient_chars_max))
    return err;
  if (auto err = check_chars(body, "biz_opaque_callback_data",
                             "biz_opaque_callback_data", 0,
                             limits::callback_data_chars_max))
    return err;
  auto* type = member(body, "type");
  if (type == nullptr || !type->is_string())
    return make_limit_error(limit_errc::missing_field, "type");
  auto& t = type->get_ref<const std::string&>();
  if (t == "text") {
    auto* text = member(body, "text");
    if (text == nullptr)
      return make_limit_error(limit_errc::missing_field, "text");
    return check_chars(*text, "body", "text.body", 1,
                       limits::text_body_chars_max);
  }
  if (t == "interactive")
    return check_interactive(body);
  if (t == "template")
    return check_template(body);
  if (t == "image" || t == "video" || t == "document" || t == "audio"
      || t == "sticker")
    return check_media(body, t);
  if (t == "location" || t == "reaction" || t == "contacts") {
    if (member(body, t) == nullptr)
      return make_limit_error(limit_errc::missing_field, t);
    return {};
  }
  return make_limit_error(limit_errc::unsupported_type, "type " + t);
}

bool is_template(const nlohmann::json& body) {
  auto* type = member(body, "type");
  return type != nullptr && *type == "template";
}

} // namespace easymo::whatsapp
