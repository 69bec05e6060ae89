#include "actors/domains/wallet/flow.hpp"

#include "actors/domains/wallet/phone.hpp"

namespace easymo::wallet {

namespace {

reply say(std::string key, std::map<std::string, std::string> params = {}) {
  return reply{std::move(key), std::move(params), {}};
}

reply confirmation(std::string key, std::map<std::string, std::string> params) {
  auto r = say(std::move(key), std::move(params));
  r.buttons = {{confirm_button, "wallet.button.confirm"},
               {cancel_button, "wallet.button.cancel"}};
  return r;
}

outcome stay(const flow_state& at, reply r) {
  return outcome{at, {std::move(r)}, {}};
}

outcome go(step s, int64_t amount, std::string recipient, reply r) {
  return outcome{flow_state{s, amount, std::move(recipient)}, {std::move(r)}, {}};
}

std::string shown(int64_t amount, ledger::currency cur) {
  return ledger::display(amount, cur);
}

// The last step before a transfer: both parts are known and valid.
outcome confirm_send(int64_t amount, const phone& to, const input& in) {
  if (to.wa_id == in.wa_id)
    return go(step::idle, 0, {}, say("wallet.send.self"));
  return go(step::send_confirm, amount, to.e164,
            confirmation("wallet.send.confirm",
                         {{"amount", shown(amount, in.cur)},
                          {"recipient", to.e164}}));
}

outcome start_send(const command& cmd, const input& in) {
  std::optional<phone> to;
  if (!cmd.recipient.empty()) {
    to = parse_phone(cmd.recipient);
    if (!to)
      return go(step::send_recipient, cmd.amount.value_or(0), {},
                say("wallet.send.bad_recipient"));
  }
  if (cmd.amount && to)
    return confirm_send(*cmd.amount, *to, in);
  if (cmd.amount)
    return go(step::send_recipient, *cmd.amount, {},
              say("wallet.send.ask_recipient"));
  return go(step::send_amount, 0, to ? to->e164 : "", say("wallet.ask_amount"));
}

outcome start(const command& cmd, const input& in) {
  switch (cmd.what) {
    case verb::balance:
      return outcome{{}, {}, {effect::balance, 0, {}}};
    case verb::history:
      return outcome{{}, {}, {effect::history, 0, {}}};
    case verb::send:
      return start_send(cmd, in);
    case verb::topup:
      if (cmd.amount)
        return outcome{{}, {say("wallet.topup.starting",
                                {{"amount", shown(*cmd.amount, in.cur)}})},
                       {effect::topup, *cmd.amount, {}}};
      return go(step::topup_amount, 0, {}, say("wallet.ask_amount"));
    default: // withdraw
      if (cmd.amount)
        return go(step::withdraw_confirm, *cmd.amount, {},
                  confirmation("wallet.withdraw.confirm",
                               {{"amount", shown(*cmd.amount, in.cur)}}));
      return go(step::withdraw_amount, 0, {}, say("wallet.ask_amount"));
  }
}

// The confirm button (or yes): the effect, and back to idle.
outcome confirmed(const flow_state& at, const input& in) {
  auto amount = shown(at.amount, in.cur);
  if (at.at == step::send_confirm)
    return outcome{{},
                   {say("wallet.send.sending",
                        {{"amount", amount}, {"recipient", at.recipient}})},
                   {effect::p2p, at.amount, at.recipient.substr(1)}};
  if (at.at == step::withdraw_confirm)
    return outcome{{},
                   {say("wallet.withdraw.starting", {{"amount", amount}})},
                   {effect::withdraw, at.amount, {}}};
  return stay(at, say("wallet.help"));
}

bool confirming(const flow_state& at) {
  return at.at == step::send_confirm || at.at == step::withdraw_confirm;
}

// A message that is not a command, read as the answer the step asked for.
outcome answer(const flow_state& at, const input& in) {
  switch (at.at) {
    case step::send_amount:
    case step::topup_amount:
    case step::withdraw_amount: {
      auto amount = parse_amount(in.text, in.cur);
      if (!amount)
        return stay(at, say("wallet.bad_amount"));
      command cmd;
      cmd.what = at.at == step::send_amount    ? verb::send
                 : at.at == step::topup_amount ? verb::topup
                                               : verb::withdraw;
      cmd.amount = amount;
      cmd.recipient = at.recipient; // Typed before the amount, if at all.
      return start(cmd, in);
    }
    case step::send_recipient: {
      auto to = parse_phone(in.text);
      if (!to)
        return stay(at, say("wallet.send.bad_recipient"));
      // A number typed first, after a bad one ("send money to mum"): the
      // amount is still to come, never a transfer of zero.
      if (at.amount <= 0)
        return go(step::send_amount, 0, to->e164, say("wallet.ask_amount"));
      return confirm_send(at.amount, *to, in);
    }
    case step::send_confirm:
      return stay(at, confirmation("wallet.send.confirm",
                                   {{"amount", shown(at.amount, in.cur)},
                                    {"recipient", at.recipient}}));
    case step::withdraw_confirm:
      return stay(at, confirmation("wallet.withdraw.confirm",
                                   {{"amount", shown(at.amount, in.cur)}}));
    default:
      return stay(at, say("wallet.help"));
  }
}

} // namespace

const char* to_string(step s) {
  static constexpr const char* names[] = {
    "idle",         "send_amount",     "send_recipient",  "send_confirm",
    "topup_amount", "withdraw_amount", "withdraw_confirm"};
  return names[static_cast<size_t>(s)];
}

std::optional<step> parse_step(std::string_view name) {
  for (auto s : {step::idle, step::send_amount, step::send_recipient,
                 step::send_confirm, step::topup_amount, step::withdraw_amount,
                 step::withdraw_confirm})
    if (name == to_string(s))
      return s;
  return std::nullopt;
}

outcome begin(const command& cmd, const input& in) {
  if (cmd.what == verb::none || cmd.what == verb::yes || cmd.what == verb::no)
    return stay({}, say("wallet.help"));
  return start(cmd, in);
}

outcome advance(const flow_state& at, const input& in) {
  if (in.button == confirm_button)
    return confirming(at) ? confirmed(at, in) : stay(at, say("wallet.help"));
  if (in.button == cancel_button)
    return go(step::idle, 0, {}, say("wallet.cancelled"));
  auto cmd = parse_command(in.text, in.cur);
  if (cmd.what == verb::no)
    return go(step::idle, 0, {}, say("wallet.cancelled"));
  if (cmd.what == verb::yes)
    return confirming(at) ? confirmed(at, in) : stay(at, say("wallet.help"));
  if (cmd.what != verb::none)
    return start(cmd, in);
  return answer(at, in);
}

const std::vector<std::string>& reply_keys() {
  static const std::vector<std::string> keys{
    "wallet.help",           "wallet.cancelled",
    "wallet.ask_amount",     "wallet.bad_amount",
    "wallet.send.ask_recipient", "wallet.send.bad_recipient",
    "wallet.send.self",      "wallet.send.confirm",
    "wallet.send.sending",   "wallet.topup.starting",
    "wallet.withdraw.confirm", "wallet.withdraw.starting",
    "wallet.button.confirm", "wallet.button.cancel"};
  return keys;
}

} // namespace easymo::wallet
