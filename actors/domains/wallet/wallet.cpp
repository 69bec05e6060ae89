#include "actors/domains/wallet/wallet.hpp"

#include "actors/domains/wallet/view.hpp"
#include "actors/ledger/protocol.hpp"
#include "actors/payments/protocol.hpp"
#include "protocols/crypto/digest.hpp"
#include "runtime/directory.hpp"
#include "runtime/log.hpp"

#include <caf/all.hpp>

#include <nlohmann/json.hpp>

#include <cassert>

namespace easymo::wallet {

namespace {

using domains::decision;
using domains::decision_request;

// One decision in the making: its request, what the flow already decided,
// and the promise the session waits on.
struct job {
  decision_request req;
  decision out;
  caf::typed_response_promise<decision> rp;
};

using job_ptr = std::shared_ptr<job>;

// Menu rows and keywords name a command without its arguments.
constexpr std::pair<std::string_view, verb> action_verbs[] = {
  {"balance", verb::balance}, {"history", verb::history},
  {"send", verb::send},       {"topup", verb::topup},
  {"withdraw", verb::withdraw}};

ledger::ledger_actor ledger_of(wallet_pointer self) {
  auto& o = self->state.opts;
  auto hdl = o.ledger ? o.ledger : directory::get(self->system(), directory::ledger);
  return caf::actor_cast<ledger::ledger_actor>(hdl);
}

caf::actor gateway_of(wallet_pointer self, bool withdrawal) {
  auto& o = self->state.opts;
  auto& fixed = withdrawal ? o.withdraw : o.topup;
  auto& name = withdrawal ? o.withdraw_gateway : o.topup_gateway;
  if (fixed || !name)
    return fixed;
  return directory::get(self->system(), *name);
}

domains::language lang_of(const job_ptr& j) {
  return j->req.session.flow.lang;
}

const domains::catalog& texts_of(wallet_pointer self) {
  return *self->state.opts.texts;
}

// A reply that breaks Meta's limits is a bug the tests render every reply
// to catch; should one slip through, the decision is refused rather than
// sent for Meta to refuse.
caf::error broken_reply(const decision& d) {
  for (auto& r : d.replies)
    if (auto why = domains::violation(r); !why.empty()) {
      assert(!"the wallet built a reply that breaks Meta's limits");
      log::error("wallet", "reply breaks Meta's limits", {{"why", why}});
      return caf::make_error(caf::sec::invalid_argument, why);
    }
  return {};
}

void finish(const job_ptr& j, std::vector<domains::reply> more) {
  for (auto& r : more)
    j->out.replies.push_back(std::move(r));
  if (auto err = broken_reply(j->out))
    j->rp.deliver(std::move(err));
  else
    j->rp.deliver(std::move(j->out));
}

// An operating error: the session retries the event, and the effect's key
// makes the retry answer what this attempt did, if it did anything.
void fail(wallet_pointer self, const job_ptr& j, const caf::error& err) {
  ++self->state.count.failed;
  log::warn("wallet", "effect failed, the session retries the event",
            {{"action", j->req.action}, {"error", self->system().render(err)}},
            std::to_string(j->req.message.event_id));
  j->rp.deliver(err);
}

// Nothing was decided: the ledger could not be reached or did not answer.
bool operating(const caf::error& err) {
  auto code = ledger::code_of(err);
  return code == ledger::errc::none || code == ledger::errc::unavailable
         || code == ledger::errc::overloaded
         || code == ledger::errc::storage_failed;
}

template <class Next>
void with_account(wallet_pointer self, const job_ptr& j,
                  const std::string& owner, Next next) {
  ledger::account_spec spec{ledger::account_kind::wallet, owner,
                            self->state.opts.cur};
  self
    ->request(ledger_of(self), self->state.opts.request_timeout,
              ledger::account_atom::value, spec)
    .then(std::move(next),
          [self, j](caf::error& err) { fail(self, j, err); });
}

void show_balance(wallet_pointer self, const job_ptr& j) {
  with_account(self, j, j->req.session.wa_id, [self, j](int64_t id) {
    self
      ->request(ledger_of(self), self->state.opts.request_timeout,
                caf::get_atom::value, ledger::balance_atom::value, id)
      .then(
        [self, j](ledger::account_balance& b) {
          finish(j, {balance_text(texts_of(self), lang_of(j), b)});
        },
        [self, j](caf::error& err) { fail(self, j, err); });
  });
}

void show_history(wallet_pointer self, const job_ptr& j) {
  with_account(self, j, j->req.session.wa_id, [self, j](int64_t id) {
    self
      ->request(ledger_of(self), self->state.opts.request_timeout,
                caf::get_atom::value, ledger::movements_atom::value, id,
                history_movements_max)
      .then(
        [self, j, id](std::vector<ledger::transfer_record>& moves) {
          finish(j, {history_text(texts_of(self), lang_of(j), id, moves)});
        },
        [self, j](caf::error& err) { fail(self, j, err); });
  });
}

ledger::transfer_request p2p_request(const job_ptr& j, int64_t from,
                                     int64_t to, int64_t amount,
                                     ledger::currency cur) {
  ledger::transfer_request t;
  t.key = p2p_key(j->req.session.wa_id, j->req.message.event_id);
  t.kind = ledger::transfer_kind::p2p;
  t.debit = from;
  t.credit = to;
  t.amount = amount;
  t.cur = cur;
  t.metadata = nlohmann::json{{"channel", "whatsapp"},
                              {"event_id", j->req.message.event_id}}
                 .dump();
  t.correlation_id = std::to_string(j->req.message.event_id);
  return t;
}

void post_transfer(wallet_pointer self, const job_ptr& j,
                   ledger::transfer_request t, std::string recipient) {
  auto shown = ledger::display(t.amount, t.cur);
  self
    ->request(ledger_of(self), self->state.opts.request_timeout, std::move(t))
    .then(
      [self, j, shown, recipient](ledger::transfer_receipt& r) {
        ++self->state.count.transfers;
        finish(j, {sent_text(texts_of(self), lang_of(j), r, shown,
                             "+" + recipient)});
      },
      [self, j](caf::error& err) {
        if (operating(err)) {
          fail(self, j, err);
          return;
        }
        ++self->state.count.refused;
        finish(j, {send_refused_text(texts_of(self), lang_of(j),
                                     ledger::code_of(err))});
      });
}

void send_p2p(wallet_pointer self, const job_ptr& j, const effect& e) {
  with_account(self, j, j->req.session.wa_id, [self, j, e](int64_t from) {
    with_account(self, j, e.recipient, [self, j, e, from](int64_t to) {
      post_transfer(self, j,
                    p2p_request(j, from, to, e.amount, self->state.opts.cur),
                    e.recipient);
    });
  });
}

void start_payment(wallet_pointer self, const job_ptr& j, const effect& e) {
  bool out = e.what == effect::withdraw;
  auto& texts = texts_of(self);
  auto target = gateway_of(self, out);
  if (!target) {
    finish(j, {payment_refused_text(texts, lang_of(j), out, std::nullopt)});
    return;
  }
  auto& wa_id = j->req.session.wa_id;
  payments::start_payment req;
  req.wa_id = wa_id;
  req.dir = out ? payments::direction::disbursement
                : payments::direction::collection;
  // The payer or payee is the user's own MoMo number: their WhatsApp one.
  req.msisdn = wa_id;
  req.amount = e.amount;
  req.cur = self->state.opts.cur;
  req.correlation_id = std::to_string(j->req.message.event_id);
  req.reference = payment_reference(wa_id, j->req.message.event_id, out);
  auto shown = ledger::display(e.amount, req.cur);
  self->request(target, self->state.opts.request_timeout, std::move(req))
    .then(
      [self, j, out, shown](payments::payment_started& p) {
        ++self->state.count.payments;
        auto& texts = texts_of(self);
        if (out)
          finish(j, {withdraw_text(texts, lang_of(j), p, shown)});
        else
          finish(j, topup_texts(texts, lang_of(j), p, shown));
      },
      [self, j, out](caf::error& err) {
        bool refusal = err && err.category() == payments::error_category
                       && err.code()
                            != static_cast<uint8_t>(
                              payments::errc::storage_failed);
        if (!refusal) {
          fail(self, j, err);
          return;
        }
        ++self->state.count.refused;
        finish(j, {payment_refused_text(texts_of(self), lang_of(j), out,
                                        static_cast<payments::errc>(
                                          err.code()))});
      });
}

void run_effect(wallet_pointer self, const job_ptr& j, const effect& e) {
  switch (e.what) {
    case effect::balance:
      show_balance(self, j);
      return;
    case effect::history:
      show_history(self, j);
      return;
    case effect::p2p:
      send_p2p(self, j, e);
      return;
    case effect::topup:
    case effect::withdraw:
      start_payment(self, j, e);
      return;
    case effect::none:
      break;
  }
  assert(!"run_effect without an effect");
}

input input_of(wallet_pointer self, const decision_request& req) {
  input in;
  in.wa_id = req.session.wa_id;
  in.cur = self->state.opts.cur;
  // A tapped button or row says what it is by its id; its title is only a
  // translation of that.
  if (req.message.reply_id.empty())
    in.text = req.message.text;
  else
    in.button = req.message.reply_id;
  return in;
}

outcome advance_for(wallet_pointer self, const decision_request& req) {
  auto in = input_of(self, req);
  for (auto& [action, v] : action_verbs)
    if (req.action == action) {
      command cmd;
      cmd.what = v;
      return begin(cmd, in);
    }
  return advance(from_session(req.session.flow), in);
}

caf::result<decision> decide(wallet_pointer self, decision_request& req) {
  ++self->state.count.decisions;
  auto lang = req.session.flow.lang;
  auto& texts = texts_of(self);
  decision out;
  out.next.lang = lang;
  if (req.action == "open") {
    out.replies.push_back(menu(texts, lang));
    if (auto err = broken_reply(out))
      return err;
    return out;
  }
  auto o = advance_for(self, req);
  out.next = to_session(o.next, lang);
  out.replies = render(texts, lang, o.replies);
  if (o.todo.what == effect::none) {
    if (auto err = broken_reply(out))
      return err;
    return out;
  }
  auto rp = self->make_response_promise<decision>();
  auto j = std::make_shared<job>(job{std::move(req), std::move(out), rp});
  run_effect(self, j, o.todo);
  return rp;
}

} // namespace

std::string p2p_key(const std::string& wa_id, int64_t event_id) {
  return "p2p:" + wa_id + ":" + std::to_string(event_id);
}

std::string payment_reference(const std::string& wa_id, int64_t event_id,
                              bool withdrawal) {
  return crypto::uuid_v4_from("wallet:" + wa_id + ":"
                              + std::to_string(event_id)
                              + (withdrawal ? ":withdraw" : ":topup"));
}

wallet_options wallet_options_from(const settings& s,
                                   std::shared_ptr<const domains::catalog> texts) {
  wallet_options o;
  o.texts = std::move(texts);
  if (s.gateway_enabled("momo_ussd"))
    o.topup_gateway = directory::pay_ussd;
  else if (s.gateway_enabled("momo"))
    o.topup_gateway = directory::pay_momo;
  if (s.gateway_enabled("momo"))
    o.withdraw_gateway = directory::pay_momo;
  // The session waits on its own bound (the database's); each step here
  // stays within it.
  o.request_timeout = s.db_query_timeout;
  return o;
}

domains::domain_actor::behavior_type wallet(wallet_pointer self,
                                           wallet_options opts) {
  assert(opts.texts != nullptr);
  self->state.opts = std::move(opts);
  return {
    [self](domains::decide_atom, decision_request& req) {
      return decide(self, req);
    },
    [self](caf::get_atom, info_atom) {
      auto& c = self->state.count;
      return nlohmann::json{{"domain", domain_name},
                            {"decisions", c.decisions},
                            {"transfers", c.transfers},
                            {"payments", c.payments},
                            {"refused", c.refused},
                            {"failed", c.failed},
                            {"mailbox", self->mailbox().size()}}
        .dump();
    },
  };
}

supervision::child_spec wallet_child(wallet_options opts) {
  supervision::child_spec spec;
  spec.name = std::string{domain_name};
  spec.kind = "domain.wallet";
  spec.start = [opts](caf::event_based_actor* parent) {
    auto hdl = caf::actor_cast<caf::actor>(parent->spawn(wallet, opts));
    directory::put(parent->system(), *domains::domain_actor_name(domain_name),
                   hdl);
    return hdl;
  };
  return spec;
}

} // namespace easymo::wallet
