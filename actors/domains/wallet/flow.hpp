// The wallet conversation as a pure state machine: the session's wallet
// state and one incoming message in, the replies, the next state and at
// most one effect out. The wallet domain actor (on the conversation
// branch's domain protocol) runs the effects (ledger transfers, gateway
// starts, balance reads) and renders the replies from the locales; this
// file decides, and is tested without actors.
//
// A transfer is never posted from one message: whatever the user typed, the
// last step before an effect that moves money is a confirmation with two
// buttons, and only the confirm button (or yes/oui/yego) produces the
// effect.
#pragma once

#include "actors/domains/wallet/command.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace easymo::wallet {

enum class step {
  idle,
  send_amount,    // "How much?"
  send_recipient, // "To which number?"
  send_confirm,   // "Send X to Y?" [Confirm] [Cancel]
  topup_amount,
  withdraw_amount,
  withdraw_confirm,
};

const char* to_string(step s);

/// What the session keeps between messages.
struct flow_state {
  step at = step::idle;
  int64_t amount = 0;
  /// E.164 of the recipient of a transfer being confirmed.
  std::string recipient;
};

/// Interactive reply ids of the confirmation buttons (<domain>:<action>,
/// as the router reads them).
constexpr const char* confirm_button = "wallet:confirm";
constexpr const char* cancel_button = "wallet:cancel";

/// One incoming message, as the router hands it over.
struct input {
  /// The message text, or empty for a button reply.
  std::string text;
  /// The interactive reply id, or empty for text.
  std::string button;
  /// The sender's wa_id (a transfer to oneself is refused).
  std::string wa_id;
  ledger::currency cur = ledger::currency::RWF;
};

/// A reply to render: a locale key ("wallet.send.confirm"), its
/// parameters, and buttons (id -> locale key of the label).
struct reply {
  std::string key;
  std::map<std::string, std::string> params;
  std::vector<std::pair<std::string, std::string>> buttons;
};

/// What the domain actor must do after the replies.
struct effect {
  enum kind { none, balance, history, p2p, topup, withdraw } what = none;
  int64_t amount = 0;
  /// p2p: the recipient's wa_id.
  std::string recipient;
};

struct outcome {
  flow_state next;
  std::vector<reply> replies;
  effect todo;
};

/// Advances the wallet conversation by one message.
outcome advance(const flow_state& at, const input& in);

/// Starts what `cmd` asks for, whatever step the flow was at: a menu row
/// ("Send money") or a keyword is a command without its arguments.
outcome begin(const command& cmd, const input& in);

/// Reads a step's name (to_string); nothing for an unknown one.
std::optional<step> parse_step(std::string_view name);

/// Every locale key advance() may produce (tests check each exists in
/// every language).
const std::vector<std::string>& reply_keys();

} // namespace easymo::wallet
