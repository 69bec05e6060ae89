// The wallet domain actor on CAF's deterministic test coordinator, with a
// fake ledger (wallets in memory, idempotent by key as the real one is) and
// fake gateway actors. Each test sends the decision requests a session would
// send, runs the mailboxes dry with sched.run() (the request timeouts never
// fire: time does not move) and reads the decision the session would commit:
// the replies, the next flow state, and what reached the ledger or gateway.
#define CAF_SUITE wallet

#include "actors/domains/wallet/view.hpp"
#include "actors/domains/wallet/wallet.hpp"
#include "actors/ledger/protocol.hpp"
#include "actors/payments/protocol.hpp"

#include <caf/test/dsl.hpp>

using namespace caf;
using namespace easymo;
using namespace std::chrono_literals;

namespace {

constexpr auto alice = "250788000001";
constexpr auto bob = "250788123456";

struct fake_ledger_state {
  std::map<std::string, int64_t> ids;
  std::map<int64_t, int64_t> balances;
  std::map<std::string, ledger::transfer_receipt> receipts;
  std::vector<ledger::transfer_request> posted;
  /// When set, every request fails as a ledger that cannot reach PostgreSQL.
  bool down = false;
  static inline const char* name = "fake_ledger";
};

using fake_ledger_actor = stateful_actor<fake_ledger_state>;

result<ledger::transfer_receipt> post(fake_ledger_actor* self,
                                      ledger::transfer_request& t) {
  auto& st = self->state;
  if (st.down)
    return ledger::make_error(ledger::errc::unavailable, t.key);
  if (auto it = st.receipts.find(t.key); it != st.receipts.end()) {
    auto again = it->second;
    again.replayed = true;
    return again;
  }
  if (st.balances[t.debit] < t.amount)
    return ledger::make_error(ledger::errc::insufficient_funds, t.key);
  st.balances[t.debit] -= t.amount;
  st.balances[t.credit] += t.amount;
  st.posted.push_back(t);
  auto r = ledger::transfer_receipt{t.key, static_cast<int64_t>(st.posted.size()),
                                    ledger::transfer_status::posted, false};
  st.receipts.emplace(t.key, r);
  return r;
}

behavior fake_ledger(fake_ledger_actor* self) {
  return {
    [=](ledger::account_atom, ledger::account_spec& spec) -> result<int64_t> {
      auto& st = self->state;
      if (st.down)
        return ledger::make_error(ledger::errc::unavailable, spec.owner);
      auto [it, added] = st.ids.emplace(spec.owner, st.ids.size() + 1);
      return it->second;
    },
    [=](get_atom, ledger::balance_atom, int64_t id) {
      ledger::account_balance b;
      b.id = id;
      b.balance = self->state.balances[id];
      return b;
    },
    [=](get_atom, ledger::movements_atom, int64_t id, uint32_t limit) {
      std::vector<ledger::transfer_record> out;
      for (auto& t : self->state.posted)
        if (t.debit == id || t.credit == id) {
          ledger::transfer_record r;
          r.kind = t.kind;
          r.debit = t.debit;
          r.credit = t.credit;
          r.amount = t.amount;
          r.created_at = "2026-11-20T22:30:00Z";
          out.insert(out.begin(), r);
        }
      if (out.size() > limit)
        out.resize(limit);
      return out;
    },
    [=](ledger::transfer_request& t) { return post(self, t); },
  };
}

struct fake_gateway_state {
  std::vector<payments::start_payment> starts;
  payments::payment_started answer;
  static inline const char* name = "fake_gateway";
};

behavior fake_gateway(stateful_actor<fake_gateway_state>* self) {
  return {
    [=](payments::start_payment& req) {
      self->state.starts.push_back(req);
      auto out = self->state.answer;
      out.reference = req.reference;
      return out;
    },
  };
}

struct fixture : test_coordinator_fixture<> {
  std::shared_ptr<domains::catalog> texts = std::make_shared<domains::catalog>();
  actor ledger = sys.spawn(fake_ledger);
  actor ussd = sys.spawn(fake_gateway);
  actor momo = sys.spawn(fake_gateway);
  actor wallet;
  int64_t next_event = 100;
  domains::flow_state flow;

  fixture() {
    auto err = domains::catalog::load(EASYMO_SOURCE_DIR "/config/locales",
                                      *texts);
    CAF_REQUIRE(!err);
    wallet::wallet_options o;
    o.texts = texts;
    o.ledger = ledger;
    o.topup = ussd;
    o.withdraw = momo;
    wallet = actor_cast<actor>(sys.spawn(wallet::wallet, o));
    auto& u = deref<stateful_actor<fake_gateway_state>>(ussd).state.answer;
    u = {"momo_ussd", "", "created", "", "*182*8*1*123456*5000#",
         "tel:*182*8*1*123456*5000%23", "http://127.0.0.1:8080/payments/momo/qr?x"};
    deref<stateful_actor<fake_gateway_state>>(momo).state.answer
      = {"momo", "", "pending", "", "", "", ""};
  }

  fake_ledger_state& books() {
    return deref<fake_ledger_actor>(ledger).state;
  }

  fake_gateway_state& gateway(const actor& a) {
    return deref<stateful_actor<fake_gateway_state>>(a).state;
  }

  void fund(const std::string& wa_id, int64_t amount) {
    auto& b = books();
    auto [it, added] = b.ids.emplace(wa_id, b.ids.size() + 1);
    b.balances[it->second] += amount;
  }

  int64_t balance(const std::string& wa_id) {
    return books().balances[books().ids[wa_id]];
  }

  // One message of `alice`, routed as `action`; the flow carries on.
  expected<domains::decision> say(const std::string& action,
                                  const std::string& text,
                                  const std::string& reply_id = {},
                                  std::optional<int64_t> event = {}) {
    domains::decision_request req;
    req.session.wa_id = alice;
    req.session.flow = flow;
    req.message.event_id = event.value_or(++next_event);
    req.message.kind = reply_id.empty() ? "text" : "interactive";
    req.message.text = text;
    req.message.reply_id = reply_id;
    req.action = action;
    self->send(wallet, domains::decide_atom::value, std::move(req));
    sched.run();
    expected<domains::decision> out{domains::decision{}};
    self->receive([&](domains::decision& d) { out = std::move(d); },
                  [&](error& e) { out = std::move(e); },
                  after(0s) >> [&] { CAF_FAIL("the wallet did not answer"); });
    if (out)
      flow = out->next;
    return out;
  }

  static std::string all_text(const domains::decision& d) {
    std::string out;
    for (auto& r : d.replies)
      out += r.body + "\n";
    return out;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(wallet_tests, fixture)

CAF_TEST(the wallet row opens the wallet menu) {
  auto d = say("open", "Wallet", "wallet:open");
  CAF_REQUIRE(d);
  CAF_REQUIRE_EQUAL(d->replies.size(), 1u);
  auto& menu = d->replies[0];
  CAF_CHECK(menu.type == domains::reply::kind::list);
  CAF_REQUIRE_EQUAL(menu.rows.size(), 5u);
  CAF_CHECK_EQUAL(menu.rows[0].id, "wallet:balance");
  CAF_CHECK_EQUAL(menu.rows[2].id, "wallet:send");
  CAF_CHECK(d->next.domain.empty());
}

CAF_TEST(balance and history come from the ledger) {
  fund(alice, 12'000);
  auto b = say("balance", "balance");
  CAF_REQUIRE(b);
  CAF_CHECK_EQUAL(all_text(*b), "Your wallet balance is 12,000 RWF.\n");
  fund(bob, 0);
  CAF_REQUIRE(say("command", "send 5000 to 0788123456"));
  CAF_REQUIRE(say("confirm", "Confirm", wallet::confirm_button));
  auto h = say("history", "history");
  CAF_REQUIRE(h);
  // Kigali is two hours ahead of the record's UTC time: the next day.
  CAF_CHECK_EQUAL(all_text(*h),
                  "Your last movements:\n2026-11-21  -5,000 RWF  sent\n");
}

CAF_TEST(a p2p transfer posts only after the confirm button) {
  fund(alice, 20'000);
  auto ask = say("command", "send 5000 to 0788 123 456");
  CAF_REQUIRE(ask);
  CAF_CHECK(books().posted.empty());
  CAF_CHECK_EQUAL(ask->next.domain, "wallet");
  CAF_CHECK_EQUAL(ask->next.step, "send_confirm");
  CAF_REQUIRE_EQUAL(ask->replies.size(), 1u);
  CAF_CHECK(ask->replies[0].type == domains::reply::kind::buttons);
  CAF_CHECK_EQUAL(ask->replies[0].buttons[0].id, "wallet:confirm");
  CAF_CHECK_EQUAL(ask->replies[0].body, "Send 5,000 RWF to +250788123456?");
  auto done = say("confirm", "Confirm", wallet::confirm_button, 777);
  CAF_REQUIRE(done);
  CAF_REQUIRE_EQUAL(books().posted.size(), 1u);
  auto& t = books().posted[0];
  CAF_CHECK_EQUAL(t.key, wallet::p2p_key(alice, 777));
  CAF_CHECK_EQUAL(t.amount, 5'000);
  CAF_CHECK(t.kind == ledger::transfer_kind::p2p);
  CAF_CHECK_EQUAL(balance(alice), 15'000);
  CAF_CHECK_EQUAL(balance(bob), 5'000);
  CAF_CHECK(done->next.domain.empty());
  CAF_CHECK(all_text(*done).find("Done: 5,000 RWF sent to +250788123456.")
            != std::string::npos);
  // A second tap on the same button finds no transfer waiting.
  CAF_REQUIRE(say("confirm", "Confirm", wallet::confirm_button));
  CAF_CHECK_EQUAL(books().posted.size(), 1u);
}

CAF_TEST(a retried confirmation answers the first transfer again) {
  fund(alice, 20'000);
  auto confirming = say("command", "send 5000 to 0788123456");
  CAF_REQUIRE(confirming);
  // The session lost the first decision (a crash before its commit) and
  // asks again for the same event, from the same state.
  auto before = flow;
  CAF_REQUIRE(say("confirm", "Confirm", wallet::confirm_button, 900));
  flow = before;
  auto again = say("confirm", "Confirm", wallet::confirm_button, 900);
  CAF_REQUIRE(again);
  CAF_CHECK_EQUAL(books().posted.size(), 1u);
  CAF_CHECK_EQUAL(balance(alice), 15'000);
  CAF_CHECK(all_text(*again).find("Done: 5,000 RWF sent") != std::string::npos);
}

CAF_TEST(guided steps ask for the amount then the number) {
  fund(alice, 9'000);
  auto a = say("send", "Send money", "wallet:send");
  CAF_REQUIRE(a);
  CAF_CHECK_EQUAL(a->next.step, "send_amount");
  auto b = say("continue", "3,000");
  CAF_REQUIRE(b);
  CAF_CHECK_EQUAL(b->next.step, "send_recipient");
  auto bad = say("continue", "12345");
  CAF_REQUIRE(bad);
  CAF_CHECK_EQUAL(bad->next.step, "send_recipient");
  CAF_CHECK_EQUAL(all_text(*bad),
                  texts->get(domains::language::en, "wallet.send.bad_recipient")
                    + "\n");
  auto c = say("continue", "+250 788 123 456");
  CAF_REQUIRE(c);
  CAF_CHECK_EQUAL(c->next.step, "send_confirm");
  CAF_REQUIRE(say("cancel", "Cancel", wallet::cancel_button));
  CAF_CHECK(flow.domain.empty());
  CAF_CHECK(books().posted.empty());
}

CAF_TEST(a refusal is explained and an unreachable ledger fails the decision) {
  fund(alice, 1'000);
  CAF_REQUIRE(say("command", "send 5000 to 0788123456"));
  auto poor = say("confirm", "Confirm", wallet::confirm_button);
  CAF_REQUIRE(poor);
  CAF_CHECK(all_text(*poor).find("You do not have enough money")
            != std::string::npos);
  CAF_CHECK(books().posted.empty());
  fund(alice, 10'000);
  CAF_REQUIRE(say("command", "send 5000 to 0788123456"));
  books().down = true;
  auto down = say("confirm", "Confirm", wallet::confirm_button);
  CAF_CHECK(!down);
  CAF_CHECK(ledger::code_of(down.error()) == ledger::errc::unavailable);
}

CAF_TEST(a top up gives the ussd code its link and the qr) {
  auto d = say("command", "top up 5000", {}, 501);
  CAF_REQUIRE(d);
  auto& starts = gateway(ussd).starts;
  CAF_REQUIRE_EQUAL(starts.size(), 1u);
  CAF_CHECK(starts[0].dir == payments::direction::collection);
  CAF_CHECK_EQUAL(starts[0].msisdn, alice);
  CAF_CHECK_EQUAL(starts[0].amount, 5'000);
  CAF_CHECK_EQUAL(starts[0].reference,
                  wallet::payment_reference(alice, 501, false));
  CAF_REQUIRE_EQUAL(d->replies.size(), 3u);
  CAF_CHECK(d->replies[1].body.find("*182*8*1*123456*5000#")
            != std::string::npos);
  CAF_CHECK(d->replies[1].body.find("tel:*182*8*1*123456*5000%23")
            != std::string::npos);
  CAF_CHECK(d->replies[2].type == domains::reply::kind::image);
  CAF_CHECK_EQUAL(d->replies[2].link, "http://127.0.0.1:8080/payments/momo/qr?x");
  CAF_CHECK(domains::violation(d->replies[2]).empty());
}

CAF_TEST(a withdrawal is confirmed before it starts) {
  auto ask = say("command", "withdraw 2000");
  CAF_REQUIRE(ask);
  CAF_CHECK(gateway(momo).starts.empty());
  CAF_CHECK_EQUAL(ask->next.step, "withdraw_confirm");
  auto d = say("confirm", "Confirm", wallet::confirm_button, 620);
  CAF_REQUIRE(d);
  auto& starts = gateway(momo).starts;
  CAF_REQUIRE_EQUAL(starts.size(), 1u);
  CAF_CHECK(starts[0].dir == payments::direction::disbursement);
  CAF_CHECK_EQUAL(starts[0].reference,
                  wallet::payment_reference(alice, 620, true));
  CAF_CHECK(all_text(*d).find("MoMo is paying 2,000 RWF") != std::string::npos);
}

CAF_TEST_FIXTURE_SCOPE_END()
