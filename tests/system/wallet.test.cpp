// The wallet end to end: signed webhooks into the real easymod (live mode,
// real PostgreSQL), through the journal, the dispatcher, the session and
// the wallet domain to the ledger and the payment gateway actors, and the
// replies out to the Graph API simulator. A typed transfer waits for its
// confirm button, posts once however the button is tapped again, and shows
// in the balance; the home menu's wallet row opens the wallet, and a guided
// top-up answers with the USSD code, its tel: link and the QR image.
#include "tests/support/ledger.hpp"
#include "tests/support/live_env.hpp"

#include <boost/test/unit_test.hpp>
#include <pqxx/pqxx>

using namespace easymo;
using json = nlohmann::json;

namespace {

std::string text_of(const json& body) {
  if (body.value("type", "") == "text")
    return body["text"].value("body", "");
  if (body.value("type", "") == "image")
    return body["image"].value("caption", "");
  return body["interactive"]["body"].value("text", "");
}

// Replies first to last of `to`: the outbox sends a decision's messages at
// once, so they may reach the simulator in any order.
std::vector<json> replies(test::live_env& env, const std::string& to,
                          size_t first, size_t last) {
  std::vector<json> out;
  for (auto n = first; n <= last; ++n)
    out.push_back(env.reply(to, n));
  return out;
}

bool has_text(const std::vector<json>& bodies, const std::string& text) {
  for (auto& b : bodies)
    if (text_of(b) == text)
      return true;
  return false;
}

} // namespace

BOOST_AUTO_TEST_CASE(a_typed_transfer_is_confirmed_then_posted_once) {
  test::live_env env{"wallet_p2p"};
  env.start();
  const std::string alice = "250788400001";
  {
    pqxx::connection c{env.db.url()};
    auto momo = test::clearing(c, "momo");
    BOOST_REQUIRE(
      test::fund(c, momo, test::wallet(c, alice), 20'000, "e2e-fund").ok());
  }
  env.text(alice, "send 5000 to 0788 123 456");
  auto ask = env.reply(alice, 1);
  BOOST_CHECK_EQUAL(text_of(ask), "Send 5,000 RWF to +250788123456?");
  auto& buttons = ask["interactive"]["action"]["buttons"];
  BOOST_REQUIRE_EQUAL(buttons.size(), 2u);
  BOOST_CHECK_EQUAL(buttons[0]["reply"]["id"], "wallet:confirm");
  BOOST_CHECK_EQUAL(test::scalar(env.db.url(),
                                 "SELECT count(*) FROM ledger_transfers"
                                 " WHERE kind = 'p2p'"),
                    0);
  env.tap(alice, "wallet:confirm", "Confirm");
  auto sent = replies(env, alice, 2, 3);
  BOOST_CHECK(has_text(sent, "Sending 5,000 RWF to +250788123456..."));
  BOOST_CHECK(has_text(sent, "Done: 5,000 RWF sent to +250788123456."));
  // The same button again: nothing waits for confirmation any more.
  env.tap(alice, "wallet:confirm", "Confirm");
  BOOST_CHECK(text_of(env.reply(alice, 4)).rfind("Wallet: type", 0) == 0);
  env.text(alice, "Solde");
  BOOST_CHECK_EQUAL(text_of(env.reply(alice, 5)),
                    "Your wallet balance is 15,000 RWF.");
  BOOST_CHECK_EQUAL(test::scalar(env.db.url(),
                                 "SELECT count(*) FROM ledger_transfers"
                                 " WHERE kind = 'p2p'"),
                    1);
  BOOST_CHECK_EQUAL(test::scalar(env.db.url(),
                                 "SELECT balance FROM ledger_accounts"
                                 " WHERE owner = '250788123456'"),
                    5'000);
}

BOOST_AUTO_TEST_CASE(the_menu_row_opens_the_wallet_and_a_top_up_gets_its_code) {
  test::live_env env{"wallet_topup"};
  env.start();
  const std::string bob = "250788400002";
  env.tap(bob, "wallet:open", "Wallet", true);
  auto menu = env.reply(bob, 1);
  BOOST_CHECK_EQUAL(menu["interactive"]["type"], "list");
  auto& rows = menu["interactive"]["action"]["sections"][0]["rows"];
  BOOST_REQUIRE_EQUAL(rows.size(), 5u);
  BOOST_CHECK_EQUAL(rows[3]["id"], "wallet:topup");
  env.tap(bob, "wallet:topup", "Top up", true);
  BOOST_CHECK_EQUAL(text_of(env.reply(bob, 2)),
                    "How much? Type the amount, for example 5000.");
  env.text(bob, "5,000");
  size_t texts = 0, images = 0;
  for (auto& body : replies(env, bob, 3, 5)) {
    auto text = text_of(body);
    if (body["type"] == "image") {
      ++images;
      BOOST_CHECK(body["image"].value("link", "").find("/payments/momo/qr?")
                  != std::string::npos);
    } else if (text.find("*182*8*1*123456*5000#") != std::string::npos) {
      ++texts;
      BOOST_CHECK(text.find("tel:*182*8*1*123456*5000%23") != std::string::npos);
    } else {
      BOOST_CHECK_MESSAGE(text.rfind("Top-up of 5,000 RWF", 0) == 0, text);
    }
  }
  BOOST_CHECK_EQUAL(texts, 1u);
  BOOST_CHECK_EQUAL(images, 1u);
  BOOST_CHECK_EQUAL(test::scalar(env.db.url(),
                                 "SELECT count(*) FROM payment_intents WHERE"
                                 " gateway = 'momo_ussd' AND wa_id = '"
                                   + bob + "' AND amount = 5000"),
                    1);
}
