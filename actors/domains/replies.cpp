#include "actors/domains/replies.hpp"

#include <nlohmann/json.hpp>

#include <set>

namespace easymo::domains {

namespace {

std::string too_long(const char* what, const std::string& text, size_t max) {
  auto n = utf8_length(text);
  if (n > max)
    return std::string{what} + " has " + std::to_string(n)
           + " characters, over Meta's " + std::to_string(max);
  if (n == 0)
    return std::string{what} + " is empty";
  return {};
}

std::string check_buttons(const reply& r) {
  if (r.buttons.empty() || r.buttons.size() > buttons_max)
    return "reply buttons: 1 to 3 buttons, got "
           + std::to_string(r.buttons.size());
  std::set<std::string> ids, titles;
  for (auto& b : r.buttons) {
    if (auto why = too_long("button title", b.title,
                            limit_of(text_kind::button_title));
        !why.empty())
      return why;
    if (auto why = too_long("button id", b.id, reply_id_max); !why.empty())
      return why;
    if (!ids.insert(b.id).second || !titles.insert(b.title).second)
      return "reply buttons: ids and titles must be unique";
  }
  return {};
}

std::string check_list(const reply& r) {
  if (r.rows.empty() || r.rows.size() > rows_max)
    return "list: 1 to 10 rows, got " + std::to_string(r.rows.size());
  if (auto why = too_long("list button", r.list_button,
                          limit_of(text_kind::list_button));
      !why.empty())
    return why;
  if (auto why = too_long("section title", r.section_title,
                          limit_of(text_kind::section_title));
      !why.empty())
    return why;
  std::set<std::string> ids;
  for (auto& row : r.rows) {
    if (auto why = too_long("row title", row.title,
                            limit_of(text_kind::row_title));
        !why.empty())
      return why;
    if (utf8_length(row.description) > limit_of(text_kind::row_description))
      return "row description over Meta's 72 characters";
    if (auto why = too_long("row id", row.id, reply_id_max); !why.empty())
      return why;
    if (!ids.insert(row.id).second)
      return "list: row ids must be unique";
  }
  return {};
}

nlohmann::json interactive(const reply& r) {
  nlohmann::json out{{"body", {{"text", r.body}}}};
  if (r.type == reply::kind::buttons) {
    auto buttons = nlohmann::json::array();
    for (auto& b : r.buttons)
      buttons.push_back(
        {{"type", "reply"}, {"reply", {{"id", b.id}, {"title", b.title}}}});
    out["type"] = "button";
    out["action"] = {{"buttons", std::move(buttons)}};
    return out;
  }
  auto rows = nlohmann::json::array();
  for (auto& row : r.rows) {
    nlohmann::json item{{"id", row.id}, {"title", row.title}};
    if (!row.description.empty())
      item["description"] = row.description;
    rows.push_back(std::move(item));
  }
  out["type"] = "list";
  out["action"] = {{"button", r.list_button},
                   {"sections", {{{"title", r.section_title},
                                  {"rows", std::move(rows)}}}}};
  return out;
}

} // namespace

reply text_reply(std::string body) {
  reply r;
  r.type = reply::kind::text;
  r.body = std::move(body);
  return r;
}

reply buttons_reply(std::string body, std::vector<button> buttons) {
  reply r;
  r.type = reply::kind::buttons;
  r.body = std::move(body);
  r.buttons = std::move(buttons);
  return r;
}

reply list_reply(std::string body, std::string list_button,
                 std::string section_title, std::vector<row> rows) {
  reply r;
  r.type = reply::kind::list;
  r.body = std::move(body);
  r.list_button = std::move(list_button);
  r.section_title = std::move(section_title);
  r.rows = std::move(rows);
  return r;
}

reply image_reply(std::string link, std::string caption) {
  reply r;
  r.type = reply::kind::image;
  r.link = std::move(link);
  r.body = std::move(caption);
  return r;
}

std::string violation(const reply& r) {
  if (r.type == reply::kind::text)
    return too_long("text body", r.body, limit_of(text_kind::text_body));
  if (r.type == reply::kind::image) {
    if (r.link.rfind("https://", 0) != 0 && r.link.rfind("http://", 0) != 0)
      return "image: the link must be an http(s) URL";
    // A caption is optional; when there is one, Meta allows 1024.
    if (utf8_length(r.body) > limit_of(text_kind::interactive_body))
      return "image caption over Meta's 1024 characters";
    return {};
  }
  if (auto why = too_long("interactive body", r.body,
                          limit_of(text_kind::interactive_body));
      !why.empty())
    return why;
  return r.type == reply::kind::buttons ? check_buttons(r) : check_list(r);
}

std::string render(const reply& r, const std::string& to) {
  nlohmann::json out{{"messaging_product", "whatsapp"},
                     {"recipient_type", "individual"},
                     {"to", to}};
  if (r.type == reply::kind::text) {
    out["type"] = "text";
    out["text"] = {{"preview_url", false}, {"body", r.body}};
  } else if (r.type == reply::kind::image) {
    out["type"] = "image";
    out["image"] = {{"link", r.link}};
    if (!r.body.empty())
      out["image"]["caption"] = r.body;
  } else {
    out["type"] = "interactive";
    out["interactive"] = interactive(r);
  }
  return out.dump();
}

} // namespace easymo::domains
