// The wallet's view without actors: its flow state survives the session's
// storage, every text it may send exists in en, fr and rw and renders
// within Meta's limits (the biggest amount, the longest number), and what a
// ledger or gateway answer comes to reads as it should.
#include "actors/domains/wallet/view.hpp"

#include <boost/test/unit_test.hpp>

#include <algorithm>

using namespace easymo;
using namespace easymo::wallet;
using domains::language;

namespace {

const domains::catalog& texts() {
  static const domains::catalog c = [] {
    domains::catalog out;
    auto err = domains::catalog::load(EASYMO_SOURCE_DIR "/config/locales", out);
    BOOST_REQUIRE_MESSAGE(!err, err.value_or(""));
    return out;
  }();
  return c;
}

constexpr language all_languages[] = {language::en, language::fr, language::rw};

void check_sendable(const domains::reply& r, const std::string& what) {
  auto why = domains::violation(r);
  BOOST_CHECK_MESSAGE(why.empty(), what << ": " << why);
}

} // namespace

BOOST_AUTO_TEST_CASE(every_step_survives_the_session_and_idle_ends_the_flow) {
  for (auto s : {step::send_amount, step::send_recipient, step::send_confirm,
                 step::topup_amount, step::withdraw_amount,
                 step::withdraw_confirm}) {
    flow_state at{s, 123'456, "+250788123456"};
    auto stored = to_session(at, language::fr);
    BOOST_CHECK_EQUAL(stored.domain, "wallet");
    BOOST_CHECK(stored.lang == language::fr);
    auto back = from_session(stored);
    BOOST_CHECK(back.at == s);
    BOOST_CHECK_EQUAL(back.amount, 123'456);
    BOOST_CHECK_EQUAL(back.recipient, "+250788123456");
  }
  auto idle = to_session({}, language::rw);
  BOOST_CHECK(idle.domain.empty() && idle.step.empty());
  BOOST_CHECK(idle.lang == language::rw);
  // Another domain's flow, or a context that is not ours, is no wallet flow.
  BOOST_CHECK(from_session({"profile", "await_name", "", language::en}).at
              == step::idle);
  BOOST_CHECK(from_session({"wallet", "send_confirm", "[1]", language::en}).at
              == step::idle);
  BOOST_CHECK(from_session({"wallet", "no_such_step", "{}", language::en}).at
              == step::idle);
}

BOOST_AUTO_TEST_CASE(every_text_the_flow_can_send_is_registered_and_loaded) {
  auto& keys = view_keys();
  for (auto& key : reply_keys())
    BOOST_CHECK_MESSAGE(std::any_of(keys.begin(), keys.end(),
                                    [&](auto& k) { return k.key == key; }),
                        key << " is not registered with the catalog");
  // Loading checked every registered key in every language.
  for (auto lang : all_languages)
    for (auto& k : keys)
      BOOST_CHECK(!texts().get(lang, k.key).empty());
}

BOOST_AUTO_TEST_CASE(menus_and_confirmations_render_within_meta_limits) {
  auto biggest = ledger::display(ledger::amount_minor_max, ledger::currency::RWF);
  for (auto lang : all_languages) {
    check_sendable(menu(texts(), lang), "menu");
    std::vector<reply> flow{
      {"wallet.send.confirm",
       {{"amount", biggest}, {"recipient", "+250788123456789"}},
       {{confirm_button, "wallet.button.confirm"},
        {cancel_button, "wallet.button.cancel"}}},
      {"wallet.withdraw.confirm",
       {{"amount", biggest}},
       {{confirm_button, "wallet.button.confirm"},
        {cancel_button, "wallet.button.cancel"}}},
      {"wallet.help", {}, {}}};
    for (auto& r : render(texts(), lang, flow))
      check_sendable(r, r.body);
  }
}

BOOST_AUTO_TEST_CASE(the_history_shows_each_movement_from_the_wallets_side) {
  std::vector<ledger::transfer_record> moves;
  for (int i = 0; i < 10; ++i) {
    ledger::transfer_record t;
    t.kind = i % 2 == 0 ? ledger::transfer_kind::p2p
                        : ledger::transfer_kind::topup;
    t.debit = i % 2 == 0 ? 7 : 1;
    t.credit = i % 2 == 0 ? 9 : 7;
    t.amount = 1'000 * (i + 1);
    t.status = i == 0 ? ledger::transfer_status::pending
                      : ledger::transfer_status::posted;
    t.created_at = "2026-11-20T08:00:00Z";
    moves.push_back(t);
  }
  for (auto lang : all_languages)
    check_sendable(history_text(texts(), lang, 7, moves), "history");
  auto en = history_text(texts(), language::en, 7, moves).body;
  BOOST_CHECK(en.rfind("Your last movements:\n", 0) == 0);
  BOOST_CHECK(en.find("2026-11-20  -1,000 RWF  sent (on hold)")
              != std::string::npos);
  BOOST_CHECK(en.find("2026-11-20  +2,000 RWF  top-up") != std::string::npos);
  BOOST_CHECK_EQUAL(std::count(en.begin(), en.end(), '\n'), 10);
  BOOST_CHECK_EQUAL(history_text(texts(), language::en, 7, {}).body,
                    texts().get(language::en, "wallet.history.empty"));
}

BOOST_AUTO_TEST_CASE(answers_of_the_ledger_and_gateways_read_as_they_should) {
  auto& t = texts();
  auto en = language::en;
  ledger::account_balance b;
  b.balance = 15'000;
  b.held = 2'000;
  BOOST_CHECK(balance_text(t, en, b).body.find("15,000 RWF, of which 2,000 RWF")
              != std::string::npos);
  ledger::transfer_receipt held{"k", 1, ledger::transfer_status::pending, false};
  BOOST_CHECK_EQUAL(sent_text(t, en, held, "200,000 RWF", "+250788123456").body,
                    t.format(en, "wallet.send.held",
                             {{"amount", "200,000 RWF"},
                              {"recipient", "+250788123456"}}));
  BOOST_CHECK_EQUAL(
    send_refused_text(t, en, ledger::errc::daily_limit_exceeded).body,
    t.get(en, "wallet.send.limit"));
  BOOST_CHECK_EQUAL(
    send_refused_text(t, en, ledger::errc::balance_overflow).body,
    t.get(en, "wallet.send.refused"));
  BOOST_CHECK_EQUAL(payment_refused_text(t, en, true, std::nullopt).body,
                    t.get(en, "wallet.withdraw.unavailable"));
  BOOST_CHECK_EQUAL(
    payment_refused_text(t, en, true, payments::errc::ledger_refused).body,
    t.get(en, "wallet.withdraw.insufficient"));
  BOOST_CHECK_EQUAL(
    payment_refused_text(t, en, false, payments::errc::invalid_request).body,
    t.get(en, "wallet.topup.refused"));
  payments::payment_started api{"momo", "r", "pending", "", "", "", ""};
  auto prompt = topup_texts(t, en, api, "5,000 RWF");
  BOOST_REQUIRE_EQUAL(prompt.size(), 1u);
  BOOST_CHECK(prompt[0].body.find("approve 5,000 RWF") != std::string::npos);
  payments::payment_started queued{"momo", "r", "created", "", "", "", ""};
  BOOST_CHECK_EQUAL(withdraw_text(t, en, queued, "9 RWF").body,
                    t.format(en, "wallet.withdraw.queued", {{"amount", "9 RWF"}}));
}
