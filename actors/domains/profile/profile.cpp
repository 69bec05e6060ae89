#include "actors/domains/profile/profile.hpp"

namespace easymo::domains::profile {

namespace {

constexpr std::string_view domain_name = "profile";

std::vector<button> card_buttons(const catalog& texts, language lang) {
  return {{"profile:name", texts.get(lang, "profile.button.name")},
          {"profile:lang", texts.get(lang, "profile.button.language")},
          {"home:menu", texts.get(lang, "profile.button.menu")}};
}

std::string language_name(const catalog& texts, language lang) {
  return texts.get(lang, std::string{"language.name."} + code_of(lang));
}

reply card(const catalog& texts, language lang, const std::string& name) {
  auto shown = name.empty() ? texts.get(lang, "profile.name_unset") : name;
  auto body = texts.format(lang, "profile.body",
                           {{"name", shown},
                            {"language", language_name(texts, lang)}});
  return buttons_reply(std::move(body), card_buttons(texts, lang));
}

reply language_choice(const catalog& texts, language lang) {
  std::vector<button> buttons;
  for (size_t i = 0; i < language_count; ++i) {
    auto option = static_cast<language>(i);
    buttons.push_back({std::string{"profile:lang:"} + code_of(option),
                       language_name(texts, option)});
  }
  return buttons_reply(texts.get(lang, "language.body"), std::move(buttons));
}

decision set_language(const catalog& texts, language chosen) {
  decision out;
  out.next.lang = chosen;
  profile_change change;
  change.set_language = true;
  change.lang = chosen;
  out.effects.profile.push_back(change);
  // Answer in the language just chosen: that is the confirmation.
  out.replies.push_back(buttons_reply(texts.get(chosen, "language.saved"),
                                      card_buttons(texts, chosen)));
  return out;
}

decision take_name(const catalog& texts, const decision_request& req) {
  auto lang = req.session.flow.lang;
  decision out;
  out.next.lang = lang;
  auto name = req.message.kind == "text" ? clean_name(req.message.text)
                                         : std::nullopt;
  if (!name) {
    // Stay in the flow: the next message is another try.
    out.next.domain = std::string{domain_name};
    out.next.step = std::string{await_name};
    out.replies.push_back(text_reply(texts.get(lang, "profile.name_invalid")));
    return out;
  }
  profile_change change;
  change.set_name = true;
  change.name = *name;
  out.effects.profile.push_back(change);
  out.replies.push_back(buttons_reply(
    texts.format(lang, "profile.name_saved", {{"name", *name}}),
    card_buttons(texts, lang)));
  return out;
}

bool is_letter(uint32_t cp) {
  return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z')
         || (cp >= 0xC0 && cp < 0x2000 && cp != 0xD7 && cp != 0xF7);
}

// Letters of any script, and the few marks names carry (Jean-Paul,
// O'Neill, J. Mugisha); no digits, symbols, emoji or invisible characters.
bool allowed_in_name(uint32_t cp) {
  return is_letter(cp) || cp == '-' || cp == '\'' || cp == '.';
}

} // namespace

std::optional<std::string> clean_name(std::string_view text) {
  std::string out;
  bool space = false;
  bool letter = false;
  for (size_t i = 0; i < text.size();) {
    size_t start = i;
    auto cp = utf8_next(text, i);
    if (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r') {
      space = !out.empty();
      continue;
    }
    if (!allowed_in_name(cp))
      return std::nullopt;
    letter = letter || is_letter(cp);
    if (space)
      out.push_back(' ');
    space = false;
    out.append(text.substr(start, i - start));
  }
  auto n = utf8_length(out);
  if (!letter || n < name_chars_min || n > name_chars_max)
    return std::nullopt;
  return out;
}

decision decide(const catalog& texts, const decision_request& req) {
  auto lang = req.session.flow.lang;
  auto& action = req.action;
  if (action == "lang") {
    if (auto chosen = parse_language(req.arg))
      return set_language(texts, *chosen);
    decision out;
    out.next.lang = lang;
    out.replies.push_back(language_choice(texts, lang));
    return out;
  }
  if (action == "continue" && req.session.flow.step == await_name)
    return take_name(texts, req);
  decision out;
  out.next.lang = lang;
  if (action == "name") {
    out.next.domain = std::string{domain_name};
    out.next.step = std::string{await_name};
    out.replies.push_back(text_reply(texts.get(lang, "profile.ask_name")));
    return out;
  }
  out.replies.push_back(card(texts, lang, req.session.name));
  return out;
}

} // namespace easymo::domains::profile
