#include "tests/support/ledger_load.hpp"

#include "tests/support/ledger.hpp"

#include <caf/all.hpp>

#include <random>
#include <stdexcept>

namespace easymo::test {

namespace {

using ledger::currency;
using ledger::transfer_kind;
using ledger::transfer_request;

using done_atom = caf::atom_constant<caf::atom("load_done")>;
using resend_atom = caf::atom_constant<caf::atom("resend")>;

// Keys every client may send, each always with the same request.
constexpr uint64_t shared_keys = 256;
// A client backs off this long before re-sending after an operating error,
// and gives a request up after this many tries (5 s: a ledger that keeps
// failing must fail the run, not stall it).
constexpr auto resend_delay = std::chrono::milliseconds(20);
constexpr uint32_t attempts_max = 250;
constexpr auto request_timeout = std::chrono::seconds(60);

struct client_ctx {
  ledger::ledger_actor ledger;
  ledger_world world;
  load_options opts;
  size_t index = 0;
  size_t quota = 0;
  caf::actor notify;
  std::shared_ptr<load_report> report;
};

struct client_state {
  client_ctx ctx;
  std::mt19937_64 rng;
  size_t drawn = 0;
  size_t in_flight = 0;
  std::vector<std::string> keys;
  static inline const char* name = "ledger_load_client";
};

using client_actor = caf::stateful_actor<client_state>;

transfer_request make(std::string key, transfer_kind kind, int64_t debit,
                      int64_t credit, int64_t amount, currency cur) {
  auto req = request(std::move(key), debit, credit, amount, cur, kind);
  req.correlation_id = "cid-" + req.key;
  return req;
}

// Draws the next operation: one request, or the same request twice.
std::vector<transfer_request> draw(client_actor* self) {
  auto& st = self->state;
  auto& ctx = st.ctx;
  auto& rng = st.rng;
  auto& w = ctx.world;
  auto pick = [&](const std::vector<int64_t>& v) { return v[rng() % v.size()]; };
  auto upto = [&](int64_t n) { return 1 + static_cast<int64_t>(rng() % n); };
  auto roll = rng() % 100;
  auto key = "c" + std::to_string(ctx.index) + "-" + std::to_string(st.drawn);
  if (roll < 8 && !st.keys.empty())
    return {ctx.report->requests.at(st.keys[rng() % st.keys.size()])};
  if (roll < 12) {
    auto k = rng() % shared_keys;
    return {make("shared-" + std::to_string(k), transfer_kind::topup, w.momo,
                 w.rwf_wallets[k % w.rwf_wallets.size()],
                 500 + static_cast<int64_t>(k), currency::RWF)};
  }
  transfer_request req;
  if (roll < 15)
    req = make(key, transfer_kind::p2p, pick(w.rwf_wallets),
               pick(w.eur_wallets), upto(1'000), currency::RWF);
  else if (roll < 20)
    req = make(key, transfer_kind::fee, pick(w.rwf_wallets), w.fees,
               upto(500), currency::RWF);
  else if (roll < 40)
    req = make(key, transfer_kind::topup, w.momo, pick(w.rwf_wallets),
               upto(60'000), currency::RWF);
  else if (roll < 45)
    req = make(key, transfer_kind::topup, w.revolut, pick(w.eur_wallets),
               upto(6'000'000), currency::EUR);
  else if (roll < 55)
    req = make(key, transfer_kind::withdrawal, pick(w.rwf_wallets), w.momo,
               upto(40'000), currency::RWF);
  else if (roll < 65)
    req = make(key, transfer_kind::p2p, pick(w.eur_wallets),
               pick(w.eur_wallets), upto(300'000), currency::EUR);
  else
    req = make(key, transfer_kind::p2p, pick(w.rwf_wallets),
               pick(w.rwf_wallets), upto(30'000), currency::RWF);
  if (req.debit == req.credit)
    req.credit = req.cur == currency::RWF ? w.momo : w.revolut;
  if (roll % 7 == 0)
    req.metadata = R"({"client":)" + std::to_string(ctx.index) + "}";
  // Five in a hundred operations send their fresh key twice at once.
  if (roll >= 95)
    return {req, req};
  return {req};
}

void refill(client_actor* self);

void record(client_actor* self, const transfer_request& req, observation obs) {
  auto& report = *self->state.ctx.report;
  ++report.answered;
  report.seen[req.key].push_back(obs);
}

void send_one(client_actor* self, transfer_request req, uint32_t attempt) {
  auto& ctx = self->state.ctx;
  ++self->state.in_flight;
  ++ctx.report->sent;
  self->request(ctx.ledger, request_timeout, req)
    .then(
      [self, req](ledger::transfer_receipt& r) {
        record(self, req, {true, r.transfer_id, r.status, {}, r.replayed});
        --self->state.in_flight;
        refill(self);
      },
      [self, req, attempt](caf::error& err) {
        auto code = ledger::code_of(err);
        auto& report = *self->state.ctx.report;
        if (code == ledger::errc::none || code == ledger::errc::unavailable
            || code == ledger::errc::overloaded
            || code == ledger::errc::storage_failed) {
          // Nothing was decided: retry the same key, as a caller should.
          ++report.retried;
          if (attempt + 1 < attempts_max) {
            self->delayed_send(self, resend_delay, resend_atom::value, req,
                               attempt + 1);
            return;
          }
          ++report.given_up;
          --self->state.in_flight;
          refill(self);
          return;
        }
        record(self, req, {false, 0, {}, code, false});
        --self->state.in_flight;
        refill(self);
      });
}

void refill(client_actor* self) {
  auto& st = self->state;
  auto& ctx = st.ctx;
  while (st.in_flight < ctx.opts.window && st.drawn < ctx.quota
         && std::chrono::steady_clock::now() < ctx.opts.deadline) {
    for (auto& req : draw(self)) {
      if (ctx.report->requests.emplace(req.key, req).second)
        st.keys.push_back(req.key);
      send_one(self, req, 0);
    }
    ++st.drawn;
  }
  if (st.in_flight == 0) {
    self->send(ctx.notify, done_atom::value);
    self->quit();
  }
}

caf::behavior client(client_actor* self, client_ctx ctx) {
  self->state.rng.seed(ctx.opts.seed * 1'000'003 + ctx.index);
  self->state.ctx = std::move(ctx);
  self->send(self, resend_atom::value, transfer_request{}, uint32_t{0});
  return {
    [self](resend_atom, transfer_request& req, uint32_t attempt) {
      // The first message starts the client; later ones are re-sends.
      if (req.key.empty()) {
        refill(self);
        return;
      }
      --self->state.in_flight;
      send_one(self, std::move(req), attempt);
    },
  };
}

} // namespace

ledger_world make_world(pqxx::connection_base& c, size_t wallets) {
  ledger_world w;
  for (size_t i = 0; i < wallets; ++i)
    w.rwf_wallets.push_back(wallet(c, "25078800" + std::to_string(1000 + i)));
  for (size_t i = 0; i < std::max<size_t>(2, wallets / 4); ++i)
    w.eur_wallets.push_back(
      wallet(c, "33600000" + std::to_string(1000 + i), currency::EUR));
  w.momo = clearing(c, "momo");
  w.revolut = clearing(c, "revolut", currency::EUR);
  w.fees = make_account(c, ledger::account_kind::fees, "");
  return w;
}

void load_report::merge(load_report&& other) {
  for (auto& [key, obs] : other.seen) {
    auto& mine = seen[key];
    mine.insert(mine.end(), obs.begin(), obs.end());
  }
  requests.merge(other.requests);
  sent += other.sent;
  retried += other.retried;
  given_up += other.given_up;
  answered += other.answered;
}

load_report run_load(caf::actor_system& sys, const ledger::ledger_actor& ledger,
                     const ledger_world& world, const load_options& opts) {
  caf::scoped_actor main{sys};
  std::vector<std::shared_ptr<load_report>> reports;
  for (size_t i = 0; i < opts.clients; ++i) {
    auto share = opts.transfers / opts.clients
                 + (i == 0 ? opts.transfers % opts.clients : 0);
    reports.push_back(std::make_shared<load_report>());
    sys.spawn(client, client_ctx{ledger, world, opts, i, share,
                                 caf::actor_cast<caf::actor>(main),
                                 reports.back()});
  }
  for (size_t i = 0; i < opts.clients; ++i)
    main->receive([](done_atom) {},
                  caf::after(std::chrono::minutes(10)) >> [] {
                    throw std::runtime_error("ledger load clients stalled");
                  });
  load_report out;
  for (auto& r : reports)
    out.merge(std::move(*r));
  return out;
}

} // namespace easymo::test
