// post_batch: the write path of the ledger (steps in repository.hpp).
#include "persistence/ledger/repository.hpp"

#include "persistence/ledger/sql.hpp"
#include "runtime/log.hpp"

#include <pqxx/pqxx>

#include <map>
#include <set>

namespace easymo::ledger::repo {

namespace {

// What a key came to before this batch, with the request that made it, so a
// retry can be told apart from a different request reusing the key.
struct prior {
  outcome out;
  transfer_request req;
};

struct batch_plan {
  std::vector<outcome> outcomes;
  /// Accepted requests (indexes) and what the core decided for each.
  std::vector<size_t> accepted;
  std::vector<decision> decisions;
  /// Refusals to store, by index.
  std::vector<size_t> refused;
  /// Later requests in the batch that repeat an earlier key: index -> first.
  std::map<size_t, size_t> repeats;
};

std::map<std::string, prior>
load_priors(pqxx::transaction_base& tx,
            const std::vector<transfer_request>& reqs,
            const std::vector<size_t>& todo) {
  std::vector<std::string> keys;
  for (auto i : todo)
    keys.push_back(reqs[i].key);
  std::map<std::string, prior> out;
  for (auto row : tx.exec_params(sql::select_priors, text_array(keys))) {
    prior p;
    p.req = sql::request_from_row(row);
    p.out.key = p.req.key;
    auto is_transfer = row[0].as<std::string>() == "T";
    p.out.transfer_id = row[1].as<int64_t>();
    if (is_transfer)
      p.out.status = *parse_transfer_status(row[3].as<std::string>());
    else
      p.out.error = parse_errc(row[3].as<std::string>());
    out.emplace(p.req.key, std::move(p));
  }
  return out;
}

// Gateway references already taken, by "gateway\nref" -> key.
std::map<std::string, std::string>
load_references(pqxx::transaction_base& tx,
                const std::vector<transfer_request>& reqs,
                const std::vector<size_t>& todo) {
  std::vector<std::string> gateways;
  std::vector<std::string> refs;
  for (auto i : todo) {
    if (reqs[i].gateway.empty())
      continue;
    gateways.push_back(reqs[i].gateway);
    refs.push_back(reqs[i].external_ref);
  }
  std::map<std::string, std::string> out;
  if (gateways.empty())
    return out;
  for (auto row : tx.exec_params(sql::select_references, text_array(gateways),
                                 text_array(refs)))
    out.emplace(row[0].as<std::string>() + "\n" + row[1].as<std::string>(),
                row[2].as<std::string>());
  return out;
}

std::map<int64_t, account_state>
lock_accounts(pqxx::transaction_base& tx,
              const std::vector<transfer_request>& fresh) {
  std::map<int64_t, account_state> out;
  auto ids = lock_order(fresh);
  if (ids.empty())
    return out;
  for (auto row : tx.exec_params(sql::lock_accounts, bigint_array(ids))) {
    auto st = sql::account_from_row(row);
    out.emplace(st.id, st);
  }
  return out;
}

// Answers a request from what its key came to before.
outcome replay(const prior& p, const transfer_request& req) {
  if (!same_intent(p.req, req)) {
    outcome out;
    out.key = req.key;
    out.error = errc::idempotency_conflict;
    return out;
  }
  auto out = p.out;
  out.replayed = true;
  return out;
}

// Step 5: decides the new requests in order against the locked accounts.
void decide_all(const std::vector<transfer_request>& reqs,
                const std::vector<size_t>& fresh,
                std::map<int64_t, account_state>& accounts,
                std::map<std::string, std::string>& taken_refs,
                const policy& pol, batch_plan& plan) {
  for (auto i : fresh) {
    auto& req = reqs[i];
    auto& out = plan.outcomes[i];
    auto ref = req.gateway + "\n" + req.external_ref;
    auto debit = accounts.find(req.debit);
    auto credit = accounts.find(req.credit);
    if (!req.gateway.empty() && taken_refs.count(ref) != 0) {
      out.error = errc::duplicate_reference;
    } else if (debit == accounts.end() || credit == accounts.end()) {
      out.error = errc::account_not_found;
    } else {
      auto d = decide(req, debit->second, credit->second, pol);
      out.error = d.error;
      out.status = d.status;
      if (d.error == errc::none) {
        plan.accepted.push_back(i);
        plan.decisions.push_back(d);
        if (!req.gateway.empty())
          taken_refs.emplace(ref, req.key);
        continue;
      }
    }
    plan.refused.push_back(i);
  }
}

// Steps 1 to 5: everything but the writes.
batch_plan plan_batch(pqxx::transaction_base& tx,
                      const std::vector<transfer_request>& reqs,
                      const policy& pol) {
  batch_plan plan;
  plan.outcomes.resize(reqs.size());
  std::vector<size_t> todo;
  std::map<std::string, size_t> first_of_key;
  for (size_t i = 0; i < reqs.size(); ++i) {
    plan.outcomes[i].key = reqs[i].key;
    plan.outcomes[i].error = validate(reqs[i]);
    if (plan.outcomes[i].error != errc::none)
      continue;
    auto [it, added] = first_of_key.emplace(reqs[i].key, i);
    if (added)
      todo.push_back(i);
    else
      plan.repeats.emplace(i, it->second);
  }
  if (todo.empty())
    return plan;
  std::vector<transfer_request> unique;
  for (auto i : todo)
    unique.push_back(reqs[i]);
  tx.exec_params(sql::lock_names, text_array(lock_names(unique)));
  auto priors = load_priors(tx, reqs, todo);
  std::vector<size_t> fresh;
  std::vector<transfer_request> fresh_reqs;
  for (auto i : todo) {
    if (auto p = priors.find(reqs[i].key); p != priors.end()) {
      plan.outcomes[i] = replay(p->second, reqs[i]);
      continue;
    }
    fresh.push_back(i);
    fresh_reqs.push_back(reqs[i]);
  }
  auto refs = load_references(tx, reqs, fresh);
  auto accounts = lock_accounts(tx, fresh_reqs);
  decide_all(reqs, fresh, accounts, refs, pol, plan);
  return plan;
}

// Class 23 (integrity constraint) and 22 (data exception, e.g. a bigint
// overflow) are the schema refusing a row; anything else is an operating
// error that must abort the whole batch.
bool refused_by_schema(const pqxx::sql_error& e) {
  auto state = e.sqlstate();
  return state.rfind("23", 0) == 0 || state.rfind("22", 0) == 0;
}

// Step 6 for one transfer. A refusal by the database rolls back this
// transfer alone; any other error aborts the batch and propagates.
bool write_transfer(pqxx::dbtransaction& tx, const transfer_request& req,
                    int64_t id, const decision& d) {
  pqxx::subtransaction sub{tx, "t"};
  try {
    sub.exec(sql::transfer_statements(sub, req, id, d));
    sub.commit();
    return true;
  } catch (const pqxx::sql_error& e) {
    if (!refused_by_schema(e))
      throw;
    // Leaving this scope aborts `sub`: ROLLBACK TO SAVEPOINT, and the outer
    // transaction goes on.
    // The core let through what the schema forbids: a bug, loudly logged,
    // and contained to this one transfer.
    log::error("ledger", "database refused a decided transfer",
               {{"key", req.key}, {"sqlstate", e.sqlstate()},
                {"error", e.what()}},
               req.correlation_id);
    return false;
  }
}

// The fast path of step 6: every accepted transfer in one round trip of
// set-based statements, inside one savepoint. Returns false, with nothing
// written, when the database refused any of it.
bool write_together(pqxx::dbtransaction& tx,
                    const std::vector<transfer_request>& reqs,
                    const batch_plan& plan, const std::vector<int64_t>& ids) {
  std::vector<sql::decided> all_decided;
  for (size_t n = 0; n < plan.accepted.size(); ++n)
    all_decided.push_back({&reqs[plan.accepted[n]], ids[n], &plan.decisions[n]});
  auto statements = sql::batch_statements(tx, all_decided);
  pqxx::subtransaction all{tx, "batch"};
  try {
    all.exec(statements);
    all.commit();
    return true;
  } catch (const pqxx::sql_error& e) {
    if (!refused_by_schema(e))
      throw;
    log::warn("ledger", "batch refused by the database, retrying one by one",
              {{"transfers", plan.accepted.size()}, {"sqlstate", e.sqlstate()}});
    return false;
  }
}

void write_all(pqxx::dbtransaction& tx,
               const std::vector<transfer_request>& reqs, batch_plan& plan) {
  if (!plan.accepted.empty()) {
    std::vector<int64_t> ids;
    for (auto row : tx.exec_params(sql::next_transfer_ids,
                                   static_cast<int64_t>(plan.accepted.size())))
      ids.push_back(row[0].as<int64_t>());
    // Statements and savepoints cost, so one of each per transfer is paid
    // only when the batch as a whole was refused: then each transfer gets
    // its own savepoint and only the ones the database refuses roll back.
    bool together = write_together(tx, reqs, plan, ids);
    for (size_t n = 0; n < plan.accepted.size(); ++n) {
      auto i = plan.accepted[n];
      if (together || write_transfer(tx, reqs[i], ids[n], plan.decisions[n])) {
        plan.outcomes[i].transfer_id = ids[n];
      } else {
        plan.outcomes[i].error = errc::rejected_by_database;
        plan.refused.push_back(i);
      }
    }
  }
  if (plan.refused.empty())
    return;
  std::vector<std::pair<const transfer_request*, errc>> refusals;
  for (auto i : plan.refused)
    refusals.emplace_back(&reqs[i], plan.outcomes[i].error);
  tx.exec(sql::insert_rejections(tx, refusals));
}

} // namespace

std::vector<outcome> post_batch(pqxx::dbtransaction& tx,
                                const std::vector<transfer_request>& reqs,
                                const policy& pol) {
  auto plan = plan_batch(tx, reqs, pol);
  write_all(tx, reqs, plan);
  // A key repeated inside the batch is a retry of its first occurrence.
  for (auto [i, first] : plan.repeats)
    plan.outcomes[i] = replay(prior{plan.outcomes[first], reqs[first]}, reqs[i]);
  return std::move(plan.outcomes);
}

outcome post(pqxx::dbtransaction& tx, const transfer_request& req,
             const policy& pol) {
  return post_batch(tx, {req}, pol).front();
}

std::string text_array(const std::vector<std::string>& xs) {
  std::string out = "{";
  for (auto& x : xs) {
    if (out.size() > 1)
      out += ',';
    out += '"';
    for (char ch : x) {
      if (ch == '"' || ch == '\\')
        out += '\\';
      out += ch;
    }
    out += '"';
  }
  return out + "}";
}

std::string bigint_array(const std::vector<int64_t>& xs) {
  std::string out = "{";
  for (auto x : xs) {
    if (out.size() > 1)
      out += ',';
    out += std::to_string(x);
  }
  return out + "}";
}

} // namespace easymo::ledger::repo
