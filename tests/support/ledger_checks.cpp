// The checks of ledger_load.hpp that compare answers with each other and
// with what PostgreSQL stored.
#include "tests/support/ledger_load.hpp"

#include <map>

namespace easymo::test {

namespace {

// Two answers are the same result when they name the same transfer in the
// same state, or the same refusal; `replayed` may differ.
bool same_result(const observation& a, const observation& b) {
  return a.ok == b.ok && a.transfer_id == b.transfer_id
         && (!a.ok || a.status == b.status) && a.error == b.error;
}

std::string describe(const observation& o) {
  if (!o.ok)
    return std::string{"refused "} + ledger::to_string(o.error);
  return "transfer " + std::to_string(o.transfer_id) + " "
         + ledger::to_string(o.status);
}

struct stored {
  std::map<std::string, observation> by_key;
};

stored load_stored(pqxx::connection_base& c) {
  stored out;
  pqxx::read_transaction tx{c};
  for (auto row : tx.exec("SELECT idempotency_key, id, status"
                          " FROM ledger_transfers")) {
    observation o;
    o.ok = true;
    o.transfer_id = row[1].as<int64_t>();
    o.status = ledger::parse_transfer_status(row[2].as<std::string>())
                 .value_or(ledger::transfer_status::voided);
    out.by_key.emplace(row[0].as<std::string>(), o);
  }
  for (auto row : tx.exec("SELECT idempotency_key, reason"
                          " FROM ledger_rejections")) {
    observation o;
    o.error = ledger::parse_errc(row[1].as<std::string>());
    // A key in both tables is itself a violation: keep both visible.
    auto [it, added] = out.by_key.emplace(row[0].as<std::string>(), o);
    if (!added)
      it->second.error = ledger::errc::idempotency_conflict;
  }
  return out;
}

} // namespace

std::vector<std::string> inconsistent_answers(const load_report& report) {
  std::vector<std::string> out;
  for (auto& [key, obs] : report.seen) {
    size_t fresh_posts = 0;
    for (auto& o : obs) {
      if (!same_result(o, obs.front()))
        out.push_back(key + ": answered " + describe(obs.front()) + " and "
                      + describe(o));
      if (o.ok && !o.replayed)
        ++fresh_posts;
    }
    if (fresh_posts > 1)
      out.push_back(key + ": " + std::to_string(fresh_posts)
                    + " answers claim to have posted it");
  }
  return out;
}

std::vector<std::string> answers_vs_database(const load_report& report,
                                             pqxx::connection_base& c) {
  std::vector<std::string> out;
  auto db = load_stored(c);
  for (auto& [key, obs] : report.seen) {
    auto it = db.by_key.find(key);
    if (it == db.by_key.end()) {
      out.push_back(key + ": answered " + describe(obs.front())
                    + " but nothing is stored");
      continue;
    }
    if (!same_result(obs.front(), it->second))
      out.push_back(key + ": answered " + describe(obs.front()) + ", stored "
                    + describe(it->second));
  }
  for (auto& [key, o] : db.by_key)
    if (report.seen.count(key) == 0)
      out.push_back(key + ": stored " + describe(o) + " but never answered");
  return out;
}

} // namespace easymo::test
