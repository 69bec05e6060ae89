#include "actors/domains/wallet/view.hpp"

#include "runtime/clock.hpp"

#include <nlohmann/json.hpp>

namespace easymo::wallet {

namespace {

using domains::catalog;
using domains::language;
using domains::text_kind;

// Room an amount ("1,000,000,000 RWF") or a recipient (E.164) takes once
// filled in, on top of the text itself.
constexpr size_t amount_room = 20;
constexpr size_t recipient_room = 16;

// The menu's rows: the action of each, in order.
constexpr std::string_view menu_actions[] = {"balance", "history", "send",
                                             "topup", "withdraw"};

// The Kigali day of a transfer's created_at ("2026-11-20T22:15:00Z").
std::string day_of(const std::string& created_at) {
  if (created_at.size() < 19)
    return created_at;
  auto text = created_at.substr(0, 10) + " " + created_at.substr(11, 8);
  auto t = parse_local(text, "UTC");
  return t ? local_day(*t, "Africa/Kigali") : created_at.substr(0, 10);
}

// What one movement was, seen from the wallet `account`.
std::string what_of(const catalog& texts, language lang, int64_t account,
                    const ledger::transfer_record& t) {
  using ledger::transfer_kind;
  std::string key;
  switch (t.kind) {
    case transfer_kind::p2p:
      key = t.credit == account ? "wallet.kind.received" : "wallet.kind.sent";
      break;
    default:
      key = std::string{"wallet.kind."} + ledger::to_string(t.kind);
  }
  auto out = texts.get(lang, key);
  if (t.status == ledger::transfer_status::pending)
    out += " " + texts.get(lang, "wallet.history.pending");
  else if (t.status == ledger::transfer_status::voided)
    out += " " + texts.get(lang, "wallet.history.voided");
  return out;
}

domains::reply text(const catalog& texts, language lang, std::string_view key,
                    const std::map<std::string, std::string>& params = {}) {
  return domains::text_reply(texts.format(lang, key, params));
}

} // namespace

domains::flow_state to_session(const flow_state& at, language lang) {
  domains::flow_state out;
  out.lang = lang;
  if (at.at == step::idle)
    return out;
  out.domain = std::string{domain_name};
  out.step = to_string(at.at);
  out.context
    = nlohmann::json{{"amount", at.amount}, {"recipient", at.recipient}}.dump();
  return out;
}

flow_state from_session(const domains::flow_state& flow) {
  flow_state out;
  auto s = parse_step(flow.step);
  if (flow.domain != domain_name || !s)
    return out;
  auto ctx = nlohmann::json::parse(flow.context, nullptr, false);
  if (!ctx.is_object())
    return out;
  out.at = *s;
  out.amount = ctx.value("amount", int64_t{0});
  out.recipient = ctx.value("recipient", "");
  return out;
}

std::vector<domains::reply> render(const catalog& texts, language lang,
                                   const std::vector<reply>& replies) {
  std::vector<domains::reply> out;
  for (auto& r : replies) {
    auto body = texts.format(lang, r.key, r.params);
    if (r.buttons.empty()) {
      out.push_back(domains::text_reply(std::move(body)));
      continue;
    }
    std::vector<domains::button> buttons;
    for (auto& [id, label] : r.buttons)
      buttons.push_back({id, texts.get(lang, label)});
    out.push_back(domains::buttons_reply(std::move(body), std::move(buttons)));
  }
  return out;
}

domains::reply menu(const catalog& texts, language lang) {
  std::vector<domains::row> rows;
  for (auto action : menu_actions) {
    std::string name{action};
    rows.push_back({std::string{domain_name} + ":" + name,
                    texts.get(lang, "wallet.row." + name + ".title"),
                    texts.get(lang, "wallet.row." + name + ".description")});
  }
  return domains::list_reply(texts.get(lang, "wallet.menu.body"),
                             texts.get(lang, "wallet.menu.button"),
                             texts.get(lang, "wallet.menu.section"),
                             std::move(rows));
}

domains::reply balance_text(const catalog& texts, language lang,
                            const ledger::account_balance& b) {
  auto amount = ledger::display(b.balance, b.cur);
  if (b.held == 0)
    return text(texts, lang, "wallet.balance", {{"amount", amount}});
  return text(texts, lang, "wallet.balance.held",
              {{"amount", amount}, {"held", ledger::display(b.held, b.cur)}});
}

domains::reply history_text(const catalog& texts, language lang,
                            int64_t account,
                            const std::vector<ledger::transfer_record>& moves) {
  if (moves.empty())
    return text(texts, lang, "wallet.history.empty");
  auto body = texts.get(lang, "wallet.history.title");
  for (auto& t : moves) {
    auto sign = t.credit == account ? "+" : "-";
    body += "\n"
            + texts.format(lang, "wallet.history.line",
                           {{"date", day_of(t.created_at)},
                            {"amount", sign + ledger::display(t.amount, t.cur)},
                            {"what", what_of(texts, lang, account, t)}});
  }
  return domains::text_reply(std::move(body));
}

domains::reply sent_text(const catalog& texts, language lang,
                         const ledger::transfer_receipt& receipt,
                         const std::string& amount, const std::string& to) {
  auto key = receipt.status == ledger::transfer_status::pending
               ? "wallet.send.held"
               : "wallet.send.done";
  return text(texts, lang, key, {{"amount", amount}, {"recipient", to}});
}

domains::reply send_refused_text(const catalog& texts, language lang,
                                 ledger::errc refusal) {
  switch (refusal) {
    case ledger::errc::insufficient_funds:
      return text(texts, lang, "wallet.send.insufficient");
    case ledger::errc::daily_limit_exceeded:
      return text(texts, lang, "wallet.send.limit");
    default:
      return text(texts, lang, "wallet.send.refused");
  }
}

std::vector<domains::reply> topup_texts(const catalog& texts, language lang,
                                        const payments::payment_started& p,
                                        const std::string& amount) {
  if (p.ussd_code.empty())
    return {text(texts, lang, "wallet.topup.prompt", {{"amount", amount}})};
  std::vector<domains::reply> out{
    text(texts, lang, "wallet.topup.ussd",
         {{"amount", amount}, {"code", p.ussd_code}, {"link", p.tel_link}})};
  if (!p.qr_url.empty())
    out.push_back(
      domains::image_reply(p.qr_url, texts.get(lang, "wallet.topup.qr")));
  return out;
}

domains::reply withdraw_text(const catalog& texts, language lang,
                             const payments::payment_started& p,
                             const std::string& amount) {
  // "pending": MoMo has the payout; "created": held for review, or waiting
  // for MoMo to answer again.
  auto key = p.status == "pending" ? "wallet.withdraw.sent"
                                   : "wallet.withdraw.queued";
  return text(texts, lang, key, {{"amount", amount}});
}

domains::reply payment_refused_text(const catalog& texts, language lang,
                                    bool withdrawal,
                                    std::optional<payments::errc> why) {
  std::string base = withdrawal ? "wallet.withdraw." : "wallet.topup.";
  if (!why || *why == payments::errc::unsupported
      || *why == payments::errc::gateway_unavailable)
    return text(texts, lang, base + "unavailable");
  if (withdrawal && *why == payments::errc::ledger_refused)
    return text(texts, lang, "wallet.withdraw.insufficient");
  return text(texts, lang, base + "refused");
}

const std::vector<domains::text_key>& view_keys() {
  using k = text_kind;
  static const std::vector<domains::text_key> keys{
    // The flow's replies (flow.cpp reply_keys()).
    {"wallet.help", k::text_body},
    {"wallet.cancelled", k::text_body},
    {"wallet.ask_amount", k::text_body},
    {"wallet.bad_amount", k::text_body},
    {"wallet.send.ask_recipient", k::text_body},
    {"wallet.send.bad_recipient", k::text_body},
    {"wallet.send.self", k::text_body},
    {"wallet.send.confirm", k::interactive_body, amount_room + recipient_room},
    {"wallet.send.sending", k::text_body},
    {"wallet.topup.starting", k::text_body},
    {"wallet.withdraw.confirm", k::interactive_body, amount_room},
    {"wallet.withdraw.starting", k::text_body},
    {"wallet.button.confirm", k::button_title},
    {"wallet.button.cancel", k::button_title},
    // The menu.
    {"wallet.menu.body", k::interactive_body},
    {"wallet.menu.button", k::list_button},
    {"wallet.menu.section", k::section_title},
    {"wallet.row.balance.title", k::row_title},
    {"wallet.row.balance.description", k::row_description},
    {"wallet.row.history.title", k::row_title},
    {"wallet.row.history.description", k::row_description},
    {"wallet.row.send.title", k::row_title},
    {"wallet.row.send.description", k::row_description},
    {"wallet.row.topup.title", k::row_title},
    {"wallet.row.topup.description", k::row_description},
    {"wallet.row.withdraw.title", k::row_title},
    {"wallet.row.withdraw.description", k::row_description},
    // What effects came to.
    {"wallet.balance", k::text_body},
    {"wallet.balance.held", k::text_body},
    {"wallet.history.title", k::text_body},
    {"wallet.history.empty", k::text_body},
    {"wallet.history.line", k::text_body},
    {"wallet.history.pending", k::fragment},
    {"wallet.history.voided", k::fragment},
    {"wallet.kind.received", k::fragment},
    {"wallet.kind.sent", k::fragment},
    {"wallet.kind.topup", k::fragment},
    {"wallet.kind.withdrawal", k::fragment},
    {"wallet.kind.payment", k::fragment},
    {"wallet.kind.fee", k::fragment},
    {"wallet.kind.refund", k::fragment},
    {"wallet.kind.adjustment", k::fragment},
    {"wallet.send.done", k::text_body},
    {"wallet.send.held", k::text_body},
    {"wallet.send.insufficient", k::text_body},
    {"wallet.send.limit", k::text_body},
    {"wallet.send.refused", k::text_body},
    {"wallet.topup.ussd", k::text_body},
    {"wallet.topup.qr", k::interactive_body},
    {"wallet.topup.prompt", k::text_body},
    {"wallet.topup.refused", k::text_body},
    {"wallet.topup.unavailable", k::text_body},
    {"wallet.withdraw.sent", k::text_body},
    {"wallet.withdraw.queued", k::text_body},
    {"wallet.withdraw.insufficient", k::text_body},
    {"wallet.withdraw.refused", k::text_body},
    {"wallet.withdraw.unavailable", k::text_body},
  };
  return keys;
}

} // namespace easymo::wallet
