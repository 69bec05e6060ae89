// What a wallet message asks for, read from free text in English, French or
// Kinyarwanda:
//
//   balance / solde / amafaranga                     the balance
//   history / historique / amateka                   the last movements
//   send 5000 to 0788123456                          a P2P transfer (en)
//   envoyer 5 000 à 0788 123 456                     (fr)
//   ohereza 5000 kuri 0788123456                     (rw)
//   top up 5000 / recharger 5000 / shyiramo 5000     a top-up
//   withdraw 5000 / retirer 5000 / bikuza 5000       a withdrawal
//   yes / oui / yego, no / non / oya                 answers to a confirmation
//
// Any part may be missing ("send", "send 5000"): the flow asks for the rest.
// Amounts are major units of the wallet's currency; "5,000", "5 000",
// "5000 RWF" and "5000frw" are the same amount.
#pragma once

#include "persistence/ledger/money.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace easymo::wallet {

enum class verb {
  none,
  balance,
  history,
  send,
  topup,
  withdraw,
  yes,
  no,
};

const char* to_string(verb v);

struct command {
  verb what = verb::none;
  /// Minor units, when the message carries a valid amount.
  std::optional<int64_t> amount;
  /// The recipient as typed (validated later with parse_phone).
  std::string recipient;
  /// "en", "fr" or "rw": the language the verb was written in, when known.
  std::string lang;
};

/// Reads `text` for a wallet of currency `cur`.
command parse_command(std::string_view text, ledger::currency cur);

/// Reads an amount alone ("5,000", "5000 RWF"); nothing when `text` is not
/// one, or it is zero or has more decimals than `cur`.
std::optional<int64_t> parse_amount(std::string_view text, ledger::currency cur);

} // namespace easymo::wallet
