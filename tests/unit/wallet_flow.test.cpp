// The wallet conversation's pure parts: E.164 recipients through
// libphonenumber (region RW), commands in English, French and Kinyarwanda,
// amounts as people type them, and the confirmation state machine, which
// must never produce a money effect without the confirm step. Every reply
// key the flow can produce exists in every locale file.
#include "actors/domains/wallet/command.hpp"
#include "actors/domains/wallet/flow.hpp"
#include "actors/domains/wallet/phone.hpp"

#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include <fstream>

using namespace easymo;
using namespace easymo::wallet;

namespace {

constexpr auto rwf = ledger::currency::RWF;

input text(std::string t) {
  return input{std::move(t), {}, "250788000001", rwf};
}

input button(std::string id) {
  return input{{}, std::move(id), "250788000001", rwf};
}

} // namespace

BOOST_AUTO_TEST_CASE(rwandan_numbers_become_e164_in_any_spelling) {
  for (auto typed : {"0788123456", "0788 123 456", "+250788123456",
                     "250788123456", "+250 78 812 3456", "0788-123-456"}) {
    auto p = parse_phone(typed);
    BOOST_REQUIRE_MESSAGE(p, typed);
    BOOST_CHECK_EQUAL(p->e164, "+250788123456");
    BOOST_CHECK_EQUAL(p->wa_id, "250788123456");
  }
  // Airtel's 073 is a mobile range too; a foreign number keeps its country.
  BOOST_CHECK_EQUAL(parse_phone("0732123456")->e164, "+250732123456");
  BOOST_CHECK_EQUAL(parse_phone("+33612345678")->e164, "+33612345678");
}

BOOST_AUTO_TEST_CASE(non_mobile_short_and_junk_numbers_are_refused) {
  for (auto typed : {"078812345", "07881234567", "0252123456", "hello",
                     "", "+250", "0788123456789012345678901234567890"})
    BOOST_CHECK_MESSAGE(!parse_phone(typed), typed);
}

BOOST_AUTO_TEST_CASE(send_commands_parse_in_three_languages) {
  struct sample {
    const char* text;
    const char* lang;
  };
  for (auto s : {sample{"send 5000 to 0788123456", "en"},
                 sample{"Send 5,000 RWF to 0788 123 456", "en"},
                 sample{"envoyer 5 000 \xc3\xa0 0788123456", "fr"},
                 sample{"Envoie 5000frw au 0788 123 456", "fr"},
                 sample{"ohereza 5000 kuri 0788123456", "rw"},
                 sample{"send 5000 0788123456", "en"}}) {
    auto cmd = parse_command(s.text, rwf);
    BOOST_CHECK_MESSAGE(cmd.what == verb::send, s.text);
    BOOST_CHECK_EQUAL(cmd.lang, s.lang);
    BOOST_REQUIRE_MESSAGE(cmd.amount, s.text);
    BOOST_CHECK_EQUAL(*cmd.amount, 5000);
    BOOST_CHECK_EQUAL(parse_phone(cmd.recipient)->e164, "+250788123456");
  }
}

BOOST_AUTO_TEST_CASE(other_commands_and_answers_parse) {
  BOOST_CHECK(parse_command("Balance", rwf).what == verb::balance);
  BOOST_CHECK(parse_command("solde", rwf).what == verb::balance);
  BOOST_CHECK(parse_command("amafaranga", rwf).what == verb::balance);
  BOOST_CHECK(parse_command("historique", rwf).what == verb::history);
  auto top = parse_command("top up 2000", rwf);
  BOOST_CHECK(top.what == verb::topup);
  BOOST_CHECK_EQUAL(*top.amount, 2000);
  BOOST_CHECK(parse_command("d\xc3\xa9p\xc3\xb4t 2000", rwf).what == verb::topup);
  BOOST_CHECK(parse_command("bikuza 700", rwf).what == verb::withdraw);
  BOOST_CHECK(parse_command("yego", rwf).what == verb::yes);
  BOOST_CHECK(parse_command("Non", rwf).what == verb::no);
  BOOST_CHECK(parse_command("what is this", rwf).what == verb::none);
  BOOST_CHECK(!parse_command("send", rwf).amount);
}

BOOST_AUTO_TEST_CASE(amounts_follow_the_currency) {
  BOOST_CHECK_EQUAL(*parse_amount("5,000", rwf), 5000);
  BOOST_CHECK_EQUAL(*parse_amount("1 234 567 RWF", rwf), 1234567);
  BOOST_CHECK(!parse_amount("5,00", rwf));   // Not a thousands group.
  BOOST_CHECK(!parse_amount("12.5", rwf));   // RWF has no decimals.
  BOOST_CHECK(!parse_amount("0", rwf));
  BOOST_CHECK(!parse_amount("-5", rwf));
  BOOST_CHECK(!parse_amount("five", rwf));
  auto eur = ledger::currency::EUR;
  BOOST_CHECK_EQUAL(*parse_amount("12,50", eur), 1250);
  BOOST_CHECK_EQUAL(*parse_amount("1,234.50 EUR", eur), 123450);
  BOOST_CHECK_EQUAL(*parse_amount("\xe2\x82\xac" "3", eur), 300);
}

BOOST_AUTO_TEST_CASE(a_full_command_still_asks_for_confirmation) {
  auto o = advance({}, text("send 5000 to 0788123456"));
  BOOST_CHECK(o.next.at == step::send_confirm);
  BOOST_CHECK(o.todo.what == effect::none);
  BOOST_REQUIRE_EQUAL(o.replies.size(), 1u);
  auto& r = o.replies[0];
  BOOST_CHECK_EQUAL(r.key, "wallet.send.confirm");
  BOOST_CHECK_EQUAL(r.params.at("amount"), "5,000 RWF");
  BOOST_CHECK_EQUAL(r.params.at("recipient"), "+250788123456");
  BOOST_REQUIRE_EQUAL(r.buttons.size(), 2u);
  BOOST_CHECK_EQUAL(r.buttons[0].first, confirm_button);
  auto done = advance(o.next, button(confirm_button));
  BOOST_CHECK(done.todo.what == effect::p2p);
  BOOST_CHECK_EQUAL(done.todo.amount, 5000);
  BOOST_CHECK_EQUAL(done.todo.recipient, "250788123456");
  BOOST_CHECK(done.next.at == step::idle);
}

BOOST_AUTO_TEST_CASE(guided_steps_collect_amount_then_recipient) {
  auto a = advance({}, text("ohereza"));
  BOOST_CHECK(a.next.at == step::send_amount);
  BOOST_CHECK_EQUAL(a.replies[0].key, "wallet.ask_amount");
  auto bad = advance(a.next, text("a lot"));
  BOOST_CHECK(bad.next.at == step::send_amount);
  BOOST_CHECK_EQUAL(bad.replies[0].key, "wallet.bad_amount");
  auto b = advance(a.next, text("3 000"));
  BOOST_CHECK(b.next.at == step::send_recipient);
  auto wrong = advance(b.next, text("12345"));
  BOOST_CHECK_EQUAL(wrong.replies[0].key, "wallet.send.bad_recipient");
  BOOST_CHECK(wrong.next.at == step::send_recipient);
  auto c = advance(b.next, text("+250 73 212 3456"));
  BOOST_CHECK(c.next.at == step::send_confirm);
  BOOST_CHECK_EQUAL(c.next.amount, 3000);
  auto yes = advance(c.next, text("yego"));
  BOOST_CHECK(yes.todo.what == effect::p2p);
  BOOST_CHECK_EQUAL(yes.todo.recipient, "250732123456");
}

BOOST_AUTO_TEST_CASE(a_bad_number_without_an_amount_still_asks_for_the_amount) {
  auto a = advance({}, text("send money to mum"));
  BOOST_CHECK(a.next.at == step::send_recipient);
  BOOST_CHECK_EQUAL(a.replies[0].key, "wallet.send.bad_recipient");
  auto b = advance(a.next, text("0788123456"));
  BOOST_CHECK(b.next.at == step::send_amount);
  BOOST_CHECK_EQUAL(b.replies[0].key, "wallet.ask_amount");
  auto c = advance(b.next, text("2500"));
  BOOST_CHECK(c.next.at == step::send_confirm);
  BOOST_CHECK_EQUAL(c.next.amount, 2500);
  BOOST_CHECK_EQUAL(c.next.recipient, "+250788123456");
}

BOOST_AUTO_TEST_CASE(cancel_or_anything_else_never_moves_money) {
  auto c = advance({}, text("send 5000 to 0788123456"));
  auto other = advance(c.next, text("hmm"));
  BOOST_CHECK(other.todo.what == effect::none);
  BOOST_CHECK(other.next.at == step::send_confirm); // Asked again.
  auto no = advance(c.next, button(cancel_button));
  BOOST_CHECK(no.todo.what == effect::none);
  BOOST_CHECK(no.next.at == step::idle);
  BOOST_CHECK_EQUAL(no.replies[0].key, "wallet.cancelled");
  // A stray confirm button when nothing awaits confirmation does nothing.
  BOOST_CHECK(advance({}, button(confirm_button)).todo.what == effect::none);
  BOOST_CHECK(advance({}, text("yes")).todo.what == effect::none);
}

BOOST_AUTO_TEST_CASE(sending_to_oneself_is_refused) {
  auto o = advance({}, text("send 100 to 0788000001"));
  BOOST_CHECK_EQUAL(o.replies[0].key, "wallet.send.self");
  BOOST_CHECK(o.next.at == step::idle);
}

BOOST_AUTO_TEST_CASE(withdrawals_confirm_and_top_ups_start_at_once) {
  auto w = advance({}, text("retirer 700"));
  BOOST_CHECK(w.next.at == step::withdraw_confirm);
  BOOST_CHECK(w.todo.what == effect::none);
  auto go = advance(w.next, text("oui"));
  BOOST_CHECK(go.todo.what == effect::withdraw);
  BOOST_CHECK_EQUAL(go.todo.amount, 700);
  // A top-up moves nothing until the gateway confirms: no button needed.
  auto t = advance({}, text("recharger 2000"));
  BOOST_CHECK(t.todo.what == effect::topup);
  BOOST_CHECK(advance({}, text("solde")).todo.what == effect::balance);
}

BOOST_AUTO_TEST_CASE(every_reply_key_exists_in_every_locale) {
  for (auto lang : {"en", "fr", "rw"}) {
    std::ifstream in{std::string{EASYMO_SOURCE_DIR} + "/config/locales/" + lang
                     + ".json"};
    BOOST_REQUIRE_MESSAGE(in, lang);
    auto json = nlohmann::json::parse(in);
    // Flat keys, as the conversation catalog reads them.
    for (auto& key : reply_keys())
      BOOST_CHECK_MESSAGE(json.contains(key) && json[key].is_string()
                            && !json[key].get<std::string>().empty(),
                          std::string{lang} + " lacks " + key);
  }
}
