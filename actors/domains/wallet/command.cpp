#include "actors/domains/wallet/command.hpp"

#include <algorithm>
#include <cctype>
#include <iterator>
#include <vector>

namespace easymo::wallet {

namespace {

struct keyword {
  std::string_view word;
  verb what;
  std::string_view lang;
};

// First words of a wallet message. Accents are folded before matching, so
// "dépôt" is "depot" and "transférer" is "transferer".
constexpr keyword keywords[] = {
  {"balance", verb::balance, "en"},     {"history", verb::history, "en"},
  {"movements", verb::history, "en"},   {"statement", verb::history, "en"},
  {"send", verb::send, "en"},           {"pay", verb::send, "en"},
  {"transfer", verb::send, "en"},       {"topup", verb::topup, "en"},
  {"top-up", verb::topup, "en"},        {"deposit", verb::topup, "en"},
  {"withdraw", verb::withdraw, "en"},   {"cashout", verb::withdraw, "en"},
  {"yes", verb::yes, "en"},             {"confirm", verb::yes, "en"},
  {"no", verb::no, "en"},               {"cancel", verb::no, "en"},
  {"solde", verb::balance, "fr"},       {"historique", verb::history, "fr"},
  {"mouvements", verb::history, "fr"},  {"envoyer", verb::send, "fr"},
  {"envoie", verb::send, "fr"},         {"envoyez", verb::send, "fr"},
  {"payer", verb::send, "fr"},          {"transferer", verb::send, "fr"},
  {"recharger", verb::topup, "fr"},     {"recharge", verb::topup, "fr"},
  {"depot", verb::topup, "fr"},         {"retirer", verb::withdraw, "fr"},
  {"retrait", verb::withdraw, "fr"},    {"oui", verb::yes, "fr"},
  {"confirmer", verb::yes, "fr"},       {"non", verb::no, "fr"},
  {"annuler", verb::no, "fr"},          {"amafaranga", verb::balance, "rw"},
  {"konti", verb::balance, "rw"},       {"amateka", verb::history, "rw"},
  {"ohereza", verb::send, "rw"},        {"kohereza", verb::send, "rw"},
  {"yohereza", verb::send, "rw"},       {"ishyura", verb::send, "rw"},
  {"shyiramo", verb::topup, "rw"},      {"kongeraho", verb::topup, "rw"},
  {"bikuza", verb::withdraw, "rw"},     {"kubikuza", verb::withdraw, "rw"},
  {"yego", verb::yes, "rw"},            {"emeza", verb::yes, "rw"},
  {"oya", verb::no, "rw"},
};

// Words between an amount and its recipient: "to", "à"/"au", "kuri".
constexpr std::string_view prepositions[] = {"to",   "a",    "au", "aux",
                                             "vers", "kuri", "kwa"};

// Currency words around an amount, already lower case.
constexpr std::string_view currency_words[] = {
  "rwf", "frw", "rw", "xof", "fcfa", "cfa", "eur", "euro", "euros", "\xe2\x82\xac"};

// Lower-cases ASCII and folds the accented letters French uses to their
// base letter, so keywords match with or without accents.
std::string fold(std::string_view text) {
  static constexpr std::pair<std::string_view, char> accents[] = {
    {"\xc3\xa0", 'a'}, {"\xc3\xa2", 'a'}, {"\xc3\xa9", 'e'}, {"\xc3\xa8", 'e'},
    {"\xc3\xaa", 'e'}, {"\xc3\xb4", 'o'}, {"\xc3\xbb", 'u'}, {"\xc3\xa7", 'c'},
    {"\xc3\x80", 'a'}, {"\xc3\x89", 'e'}};
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    bool folded = false;
    for (auto& [utf8, base] : accents) {
      if (text.substr(i, utf8.size()) == utf8) {
        out += base;
        i += utf8.size() - 1;
        folded = true;
        break;
      }
    }
    if (!folded)
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(text[i])));
  }
  return out;
}

std::vector<std::string> words(const std::string& text) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : text) {
    bool space = c == ' ' || c == '\t' || c == '\n' || c == '\r';
    if (space) {
      if (!cur.empty())
        out.push_back(std::move(cur));
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty())
    out.push_back(std::move(cur));
  return out;
}

std::string join(const std::vector<std::string>& ws, size_t from, size_t to) {
  std::string out;
  for (size_t i = from; i < to && i < ws.size(); ++i)
    out += (out.empty() ? "" : " ") + ws[i];
  return out;
}

// Drops currency words and signs stuck to either end ("5000rwf", "€12").
std::string strip_currency(std::string s) {
  for (auto w : currency_words) {
    if (s.size() > w.size() && s.compare(s.size() - w.size(), w.size(), w) == 0)
      s.erase(s.size() - w.size());
    if (s.size() > w.size() && s.compare(0, w.size(), w) == 0)
      s.erase(0, w.size());
  }
  return s;
}

// "5,000" or "5 000" -> "5000"; with decimals, "12,50" -> "12.50". Nothing
// when the separators are not thousands groups or a decimal point.
std::optional<std::string> normalise_number(const std::string& s, int decimals) {
  std::string digits;
  std::vector<size_t> groups; // digits between separators
  size_t run = 0;
  for (char c : s) {
    if (c >= '0' && c <= '9') {
      digits += c;
      ++run;
    } else if (c == ',' || c == '.' || c == ' ') {
      groups.push_back(run);
      run = 0;
    } else {
      return std::nullopt;
    }
  }
  groups.push_back(run);
  if (digits.empty() || groups.front() == 0)
    return std::nullopt;
  if (groups.size() == 1)
    return digits;
  // A last group of 1 or 2 digits is the decimal part, where there is one.
  auto last = groups.back();
  bool has_fraction = decimals > 0 && last >= 1
                      && last <= static_cast<size_t>(decimals);
  for (size_t i = 1; i + (has_fraction ? 1 : 0) < groups.size(); ++i)
    if (groups[i] != 3)
      return std::nullopt;
  if (has_fraction)
    digits.insert(digits.size() - last, 1, '.');
  return digits;
}

} // namespace

const char* to_string(verb v) {
  static constexpr const char* names[] = {"none",  "balance",  "history", "send",
                                          "topup", "withdraw", "yes",     "no"};
  return names[static_cast<size_t>(v)];
}

std::optional<int64_t> parse_amount(std::string_view text, ledger::currency cur) {
  auto ws = words(fold(text));
  std::string kept;
  for (auto& w : ws) {
    auto s = strip_currency(w);
    if (std::find(std::begin(currency_words), std::end(currency_words), w)
          != std::end(currency_words)
        || s.empty())
      continue;
    kept += (kept.empty() ? "" : " ") + s;
  }
  auto number = normalise_number(kept, ledger::exponent(cur));
  if (!number)
    return std::nullopt;
  return ledger::parse_major(*number, cur);
}

command parse_command(std::string_view text, ledger::currency cur) {
  command out;
  auto ws = words(fold(text));
  if (ws.empty())
    return out;
  size_t first = 1;
  // "top up" is two words.
  if (ws.size() >= 2 && ws[0] == "top" && ws[1] == "up") {
    ws[1] = "topup";
    ws.erase(ws.begin());
  }
  auto kw = std::find_if(std::begin(keywords), std::end(keywords),
                         [&](const keyword& k) { return k.word == ws[0]; });
  if (kw == std::end(keywords))
    return out;
  out.what = kw->what;
  out.lang = std::string{kw->lang};
  if (out.what != verb::send && out.what != verb::topup
      && out.what != verb::withdraw)
    return out;
  auto prep = std::find_if(ws.begin() + 1, ws.end(), [](const std::string& w) {
    return std::find(std::begin(prepositions), std::end(prepositions), w)
           != std::end(prepositions);
  });
  auto cut = static_cast<size_t>(prep - ws.begin());
  out.amount = parse_amount(join(ws, first, cut), cur);
  if (prep != ws.end())
    out.recipient = join(ws, cut + 1, ws.size());
  else if (out.what == verb::send && !out.amount && ws.size() > 2) {
    // No preposition: "send 5000 0788123456".
    out.amount = parse_amount(ws[1], cur);
    out.recipient = join(ws, 2, ws.size());
  }
  return out;
}

} // namespace easymo::wallet
