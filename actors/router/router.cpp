#include "actors/router/router.hpp"

#include "actors/domains/services.hpp"

#include <nlohmann/json.hpp>

#include <fstream>

namespace easymo::router {

namespace {

bool known_domain(std::string_view name) {
  return name == domains::home_domain
         || domains::find_service(name) != nullptr;
}

// A target of a service without a domain actor goes to the home domain,
// which answers "coming soon" for it.
route to_route(source from, const target& t) {
  auto svc = domains::find_service(t.domain);
  if (svc != nullptr && !svc->built)
    return {from, std::string{domains::home_domain}, std::string{soon_action},
            t.domain};
  return {from, t.domain, t.action, t.arg};
}

} // namespace

std::optional<target> parse_target(std::string_view id) {
  auto first = id.find(':');
  if (first == std::string_view::npos || first == 0)
    return std::nullopt;
  target out;
  out.domain = std::string{id.substr(0, first)};
  auto rest = id.substr(first + 1);
  auto second = rest.find(':');
  out.action = std::string{rest.substr(0, second)};
  if (second != std::string_view::npos)
    out.arg = std::string{rest.substr(second + 1)};
  if (out.action.empty() || !known_domain(out.domain))
    return std::nullopt;
  return out;
}

std::optional<std::string> keyword_table::load(const std::string& path,
                                               keyword_table& out) {
  std::ifstream in{path};
  if (!in)
    return "keywords: cannot open " + path;
  auto doc = nlohmann::json::parse(in, nullptr, false);
  if (!doc.is_object())
    return "keywords: " + path + " is not a JSON object";
  keyword_table table;
  for (auto& [id, words] : doc.items()) {
    if (!id.empty() && id.front() == '_')
      continue;
    if (!words.is_array())
      return "keywords: '" + id + "' is not an array of words";
    for (auto& word : words) {
      if (!word.is_string() || !table.add(word.get<std::string>(), id))
        return "keywords: '" + id + "': bad target, or a word that is "
               + "empty or already leads elsewhere: " + word.dump();
    }
  }
  out = std::move(table);
  return std::nullopt;
}

bool keyword_table::add(std::string_view word, std::string_view target_id) {
  constexpr std::string_view prefix_mark = " *";
  bool prefix = word.size() > prefix_mark.size()
                && word.substr(word.size() - prefix_mark.size()) == prefix_mark;
  if (prefix)
    word.remove_suffix(prefix_mark.size());
  auto t = parse_target(target_id);
  auto key = normalize(word);
  if (!t || key.empty())
    return false;
  auto [it, inserted] = (prefix ? prefixes_ : words_).emplace(key, *t);
  if (inserted)
    return true;
  auto& old = it->second;
  return old.domain == t->domain && old.action == t->action
         && old.arg == t->arg;
}

const target* keyword_table::find(const std::string& normalized) const {
  if (auto it = words_.find(normalized); it != words_.end())
    return &it->second;
  // Normalized text has single spaces: each space ends a candidate prefix,
  // and the longest candidate that is one wins.
  const target* found = nullptr;
  for (auto space = normalized.find(' '); space != std::string::npos;
       space = normalized.find(' ', space + 1))
    if (auto it = prefixes_.find(normalized.substr(0, space));
        it != prefixes_.end())
      found = &it->second;
  return found;
}

const char* to_string(source s) {
  switch (s) {
    case source::reply_id:
      return "reply_id";
    case source::keyword:
      return "keyword";
    case source::flow:
      return "flow";
    case source::home:
      return "home";
    case source::ignore:
      return "ignore";
  }
  return "unknown";
}

route decide(const keyword_table& keywords, const input& in) {
  // A reaction is an emoji on an earlier message, not a request.
  if (in.kind == "reaction")
    return {source::ignore, {}, {}, {}};
  if (!in.reply_id.empty())
    if (auto t = parse_target(in.reply_id))
      return to_route(source::reply_id, *t);
  // Typed text, or the title of a button whose id we do not know (an old
  // menu sent before an upgrade).
  if (!in.text.empty())
    if (auto t = keywords.find(normalize(in.text)))
      return to_route(source::keyword, *t);
  if (!in.active_domain.empty() && !in.active_step.empty()
      && known_domain(in.active_domain))
    return to_route(source::flow, {std::string{in.active_domain},
                                   std::string{continue_action}, {}});
  return {source::home, std::string{domains::home_domain},
          std::string{menu_action}, {}};
}

} // namespace easymo::router
