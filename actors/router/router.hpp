// The router: which domain answers an inbound message, and with which action.
//
// Pure code, tested without actors (tests/unit/router.test.cpp). The session
// calls it for every message, in this order:
//   1. an interactive reply id of the form <domain>:<action>[:<arg>]
//      (the ids of our own buttons and list rows);
//   2. a keyword in English, French or Kinyarwanda from
//      config/locales/keywords.json, matched against the whole message after
//      normalize() (so "MENU", "Marché!" and "  ahabanza " match); a word
//      written with a trailing " *" matches a message that starts with it
//      and goes on ("send *": "send 5000 to 0788123456"), the longest such
//      word winning;
//   3. the continuation of the active flow;
//   4. otherwise the home menu.
// A service that has no domain actor yet is answered by the home domain
// ("soon"), and reactions change nothing (ignore).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace easymo::router {

/// A reply id or keyword target: "<domain>:<action>[:<arg>]".
struct target {
  std::string domain;
  std::string action;
  std::string arg;
};

/// Parses a target; nothing unless domain and action are non-empty and the
/// domain is home or a service of the menu.
std::optional<target> parse_target(std::string_view id);

/// Lowercases, folds accented Latin letters to their base letter, turns
/// punctuation into spaces, drops emoji and other symbols, and collapses
/// whitespace. Letters of other scripts are kept as they are.
std::string normalize(std::string_view text);

/// Normalized words and phrases -> targets.
class keyword_table {
public:
  /// Reads a JSON object {"<target>": ["word", ...]}; keys starting with
  /// '_' are comments. Returns a one-line error.
  static std::optional<std::string> load(const std::string& path,
                                         keyword_table& out);

  /// Adds `word` (normalized here; a trailing " *" makes it a prefix);
  /// false when the target is invalid or the word already leads elsewhere.
  bool add(std::string_view word, std::string_view target_id);

  /// The target of an already normalized text, if any: a whole-message
  /// word first, else the longest prefix followed by more words.
  const target* find(const std::string& normalized) const;

  size_t size() const { return words_.size() + prefixes_.size(); }

private:
  std::unordered_map<std::string, target> words_;
  std::unordered_map<std::string, target> prefixes_;
};

/// What the router reads from one message and the session.
struct input {
  /// The message type: "text", "interactive", "button", "reaction", ...
  std::string_view kind;
  /// A text's body, or the title of the button or row tapped.
  std::string_view text;
  /// The id of the button or row tapped, or a template button's payload.
  std::string_view reply_id;
  /// The active flow ("" when none).
  std::string_view active_domain;
  std::string_view active_step;
};

enum class source : uint8_t { reply_id, keyword, flow, home, ignore };

const char* to_string(source s);

struct route {
  source from = source::home;
  /// The domain actor that decides: "home" or a built service.
  std::string domain;
  std::string action;
  std::string arg;
};

/// The action the home domain takes for a service that is not built yet;
/// the service is the route's arg.
inline constexpr std::string_view soon_action = "soon";
/// The action of a flow's continuation.
inline constexpr std::string_view continue_action = "continue";
/// The home menu's action.
inline constexpr std::string_view menu_action = "menu";

route decide(const keyword_table& keywords, const input& in);

} // namespace easymo::router
