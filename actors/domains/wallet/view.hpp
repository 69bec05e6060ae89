// What the wallet domain keeps and shows, as pure code: the wallet flow's
// state in the session's terms (domain "wallet", the step's name, the amount
// and recipient as a JSON context), the flow's replies rendered from the
// locales, the wallet menu, and the texts of what an effect came to (a
// balance, the last movements, a transfer's receipt or refusal, a payment
// started). The actor (wallet.hpp) only fetches and posts.
#pragma once

#include "actors/domains/protocol.hpp"
#include "actors/domains/wallet/flow.hpp"
#include "actors/ledger/protocol.hpp"
#include "actors/payments/protocol.hpp"

#include <string>
#include <vector>

namespace easymo::wallet {

/// The domain's name: reply ids "wallet:<action>", the session's flow.
inline constexpr std::string_view domain_name = "wallet";

/// Movements a history shows (a WhatsApp message stays readable).
constexpr uint32_t history_movements_max = 10;

/// The wallet flow stored in a session's flow; idle ends the flow.
domains::flow_state to_session(const flow_state& at, domains::language lang);

/// The wallet flow a session's flow holds (idle when it is another
/// domain's, or unreadable).
flow_state from_session(const domains::flow_state& flow);

/// The flow's replies as WhatsApp replies in `lang`.
std::vector<domains::reply> render(const domains::catalog& texts,
                                   domains::language lang,
                                   const std::vector<reply>& replies);

/// The wallet menu: one list row per thing the wallet does.
domains::reply menu(const domains::catalog& texts, domains::language lang);

/// "Your balance is 5,000 RWF." (with what is on hold, if anything).
domains::reply balance_text(const domains::catalog& texts,
                            domains::language lang,
                            const ledger::account_balance& b);

/// The last movements of `account`, newest first, one line each.
domains::reply history_text(const domains::catalog& texts,
                            domains::language lang, int64_t account,
                            const std::vector<ledger::transfer_record>& moves);

/// What a confirmed P2P transfer came to: posted, held for review, or
/// refused (`refusal`, a ledger::errc that is not an operating error).
domains::reply sent_text(const domains::catalog& texts, domains::language lang,
                         const ledger::transfer_receipt& receipt,
                         const std::string& amount, const std::string& to);
domains::reply send_refused_text(const domains::catalog& texts,
                                 domains::language lang, ledger::errc refusal);

/// How to pay a started top-up: the USSD code, its tel: link and QR image,
/// or the MoMo prompt on the phone.
std::vector<domains::reply> topup_texts(const domains::catalog& texts,
                                        domains::language lang,
                                        const payments::payment_started& p,
                                        const std::string& amount);

/// A started withdrawal: on its way, or held for review.
domains::reply withdraw_text(const domains::catalog& texts,
                             domains::language lang,
                             const payments::payment_started& p,
                             const std::string& amount);

/// Why a top-up or withdrawal could not start (a payments::errc that is
/// not an operating error), or that the wallet does not offer it.
domains::reply payment_refused_text(const domains::catalog& texts,
                                    domains::language lang, bool withdrawal,
                                    std::optional<payments::errc> why);

/// Every locale key this file reads besides the flow's (reply_keys()).
const std::vector<domains::text_key>& view_keys();

} // namespace easymo::wallet
