#include "actors/reconciliation/compare.hpp"

#include <algorithm>
#include <map>
#include <tuple>

namespace easymo::reconciliation {

namespace {

// Whether the ledger moved (or holds) money for the transfer.
bool moved(const payments::ledger_entry& e) {
  return e.status == "posted" || e.status == "pending";
}

void check_pair(const gateway::record& g, const payments::ledger_entry& e,
                comparison& out) {
  if (g.amount != e.amount || g.cur != e.cur) {
    out.mismatches.push_back({mismatch_kind::amount_mismatch, g.reference, g, e});
    return;
  }
  bool completed = g.status == gateway::pay_status::succeeded;
  if (completed != moved(e)) {
    out.mismatches.push_back({mismatch_kind::status_mismatch, g.reference, g, e});
    return;
  }
  ++out.matched;
}

nlohmann::json record_json(const gateway::record& g) {
  return {{"amount", g.amount},
          {"currency", std::string{ledger::code(g.cur)}},
          {"status", gateway::to_string(g.status)},
          {"raw_status", g.raw_status},
          {"at", g.at}};
}

nlohmann::json entry_json(const payments::ledger_entry& e) {
  return {{"amount", e.amount},
          {"currency", std::string{ledger::code(e.cur)}},
          {"status", e.status},
          {"kind", e.kind},
          {"key", e.key}};
}

} // namespace

const char* to_string(mismatch_kind k) {
  switch (k) {
    case mismatch_kind::missing_in_gateway:
      return "missing_in_gateway";
    case mismatch_kind::missing_in_ledger:
      return "missing_in_ledger";
    case mismatch_kind::amount_mismatch:
      return "amount_mismatch";
    default:
      return "status_mismatch";
  }
}

comparison compare(const std::vector<gateway::record>& gateway_side,
                   const std::vector<payments::ledger_entry>& ledger_side) {
  comparison out;
  // A reference appears once per side; a gateway listing the same id twice
  // (pagination overlap) is read once.
  std::map<std::string, const payments::ledger_entry*> ledger_by_ref;
  for (auto& e : ledger_side)
    ledger_by_ref.emplace(e.reference, &e);
  std::map<std::string, const gateway::record*> gateway_by_ref;
  for (auto& g : gateway_side)
    gateway_by_ref.emplace(g.reference, &g);
  for (auto& [ref, g] : gateway_by_ref) {
    auto e = ledger_by_ref.find(ref);
    if (e != ledger_by_ref.end())
      check_pair(*g, *e->second, out);
    else if (g->status == gateway::pay_status::succeeded)
      out.mismatches.push_back(
        {mismatch_kind::missing_in_ledger, ref, *g, std::nullopt});
  }
  for (auto& [ref, e] : ledger_by_ref)
    if (gateway_by_ref.count(ref) == 0 && moved(*e))
      out.mismatches.push_back(
        {mismatch_kind::missing_in_gateway, ref, std::nullopt, *e});
  std::sort(out.mismatches.begin(), out.mismatches.end(),
            [](const mismatch& a, const mismatch& b) {
              return std::tie(a.reference, a.kind) < std::tie(b.reference, b.kind);
            });
  return out;
}

nlohmann::json to_json(const mismatch& m) {
  nlohmann::json out{{"kind", to_string(m.kind)}, {"reference", m.reference}};
  out["gateway"] = m.at_gateway ? record_json(*m.at_gateway) : nullptr;
  out["ledger"] = m.in_ledger ? entry_json(*m.in_ledger) : nullptr;
  return out;
}

nlohmann::json to_json(const std::vector<mismatch>& ms) {
  auto out = nlohmann::json::array();
  for (auto& m : ms)
    out.push_back(to_json(m));
  return out;
}

std::string alert_text(const std::string& day, const std::string& gateway,
                       const nlohmann::json& mismatches, size_t lines_max) {
  std::string out = ":warning: Reconciliation " + day + " " + gateway + ": "
                    + std::to_string(mismatches.size()) + " mismatch"
                    + (mismatches.size() == 1 ? "" : "es");
  size_t n = 0;
  for (auto& m : mismatches) {
    if (n++ == lines_max) {
      out += "\n... and " + std::to_string(mismatches.size() - lines_max)
             + " more: GET /admin/reconciliations?from=" + day + "&to=" + day;
      break;
    }
    out += "\n- " + m.value("kind", std::string{}) + " "
           + m.value("reference", std::string{});
  }
  return out;
}

} // namespace easymo::reconciliation
