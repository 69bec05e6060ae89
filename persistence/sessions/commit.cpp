// One transaction for the effects of many sessions' decisions (store.hpp).
//
// Lock order, shared by every batch so two batches never deadlock: the
// session rows (by wa_id), then the event rows (by id), then the outbox and
// profile rows, which only this batch's events touch.
#include "persistence/pg_array.hpp"
#include "persistence/sessions/store.hpp"

#include <pqxx/pqxx>

#include <algorithm>
#include <array>
#include <map>
#include <optional>
#include <stdexcept>
#include <unordered_map>
#include <unordered_set>

namespace easymo::sessions {

namespace {

constexpr const char* lock_sql
  = "SELECT wa_id, version FROM sessions WHERE wa_id = ANY($1::text[]) "
    "ORDER BY wa_id FOR UPDATE";

// Only events still waiting are marked: the row lock makes a concurrent or
// later duplicate see the new status and match nothing.
constexpr const char* mark_sql
  = "UPDATE inbound_events e SET status = t.status, processed_at = now() "
    "FROM unnest($1::bigint[], $2::text[]) AS t(id, status) "
    "WHERE e.id = t.id AND e.status = 'received' RETURNING e.id";

// The version guard repeats the check made under the lock, so a row
// inserted concurrently by another writer cannot be overwritten.
constexpr const char* upsert_sql
  = "INSERT INTO sessions AS s (wa_id, domain, step, context, language, "
    "version, last_inbound_at, last_activity_at) "
    "SELECT w, d, st, c::jsonb, l, v, to_timestamp(nullif(li, 0)), now() "
    "FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], "
    "$6::bigint[], $7::bigint[]) AS t(w, d, st, c, l, v, li) "
    "ON CONFLICT (wa_id) DO UPDATE SET domain = EXCLUDED.domain, "
    "step = EXCLUDED.step, context = EXCLUDED.context, "
    "language = EXCLUDED.language, version = EXCLUDED.version, "
    "last_inbound_at = greatest(s.last_inbound_at, EXCLUDED.last_inbound_at), "
    "last_activity_at = now() WHERE s.version = EXCLUDED.version - 1 "
    "RETURNING wa_id";

// $6/$7: the status and attempts of a new row (outbox_claim).
constexpr const char* outbox_sql
  = "INSERT INTO outbox (wa_id, event_id, seq, message, window_expires_at, "
    "status, attempts) "
    "SELECT w, e, s, m::jsonb, to_timestamp(x), $6::text, $7::int "
    "FROM unnest($1::text[], $2::bigint[], $3::int[], $4::text[], "
    "$5::bigint[]) AS t(w, e, s, m, x) "
    "ON CONFLICT (event_id, seq) DO NOTHING RETURNING id, event_id, seq";

constexpr const char* profiles_sql
  = "INSERT INTO profiles AS p (wa_id, name, language) "
    "SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) "
    "ON CONFLICT (wa_id) DO UPDATE SET "
    "name = coalesce(EXCLUDED.name, p.name), "
    "language = coalesce(EXCLUDED.language, p.language), updated_at = now()";

// Statements are prepared once per connection (preparing an identical
// definition again is a no-op), so each batch costs one round trip each.
constexpr std::array<std::pair<const char*, const char*>, 5> statements{{
  {"sessions_lock", lock_sql},
  {"sessions_mark", mark_sql},
  {"sessions_upsert", upsert_sql},
  {"sessions_outbox", outbox_sql},
  {"sessions_profiles", profiles_sql},
}};

// Which items of the batch write, as the transaction learns it.
struct plan {
  const std::vector<commit_item>& items;
  std::vector<commit_outcome> outcomes;
  std::vector<bool> writes;

  explicit plan(const std::vector<commit_item>& xs)
    : items(xs), outcomes(xs.size()), writes(xs.size(), true) {
  }

  void drop(size_t i, commit_status why) {
    outcomes[i].status = why;
    writes[i] = false;
  }
};

// Compares each process item's expected version with the locked row; a
// second item of one user in the same batch is a conflict (sessions commit
// one event at a time, so it only comes from a stale actor).
void check_versions(pqxx::work& tx, plan& p) {
  pg::array_literal ids;
  for (auto& item : p.items)
    if (item.kind == item_kind::process)
      ids.add(item.wa_id);
  std::unordered_map<std::string, int64_t> current;
  for (auto row : tx.exec_prepared("sessions_lock", ids.finish()))
    current.emplace(row[0].as<std::string>(), row[1].as<int64_t>());
  std::unordered_set<std::string> taken;
  for (size_t i = 0; i < p.items.size(); ++i) {
    auto& item = p.items[i];
    if (item.kind != item_kind::process)
      continue;
    auto it = current.find(item.wa_id);
    int64_t now = it == current.end() ? 0 : it->second;
    if (now != item.expected_version || !taken.insert(item.wa_id).second)
      p.drop(i, commit_status::conflict);
    else
      p.outcomes[i].version = now + 1;
  }
}

const char* mark_of(item_kind kind) {
  return kind == item_kind::fail ? "failed" : "processed";
}

void mark_events(pqxx::work& tx, plan& p) {
  std::vector<size_t> order;
  for (size_t i = 0; i < p.items.size(); ++i)
    if (p.writes[i] && p.items[i].kind != item_kind::slow_down)
      order.push_back(i);
  if (order.empty())
    return;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return p.items[a].event_id < p.items[b].event_id;
  });
  pg::array_literal ids, statuses;
  for (auto i : order) {
    ids.add(p.items[i].event_id);
    statuses.add(std::string_view{mark_of(p.items[i].kind)});
  }
  std::unordered_set<int64_t> marked;
  for (auto row : tx.exec_prepared("sessions_mark", ids.finish(), statuses.finish()))
    marked.insert(row[0].as<int64_t>());
  for (auto i : order)
    if (!marked.count(p.items[i].event_id))
      p.drop(i, commit_status::duplicate);
}

void upsert_sessions(pqxx::work& tx, plan& p) {
  pg::array_literal ids, doms, steps, contexts, langs, versions, inbound;
  size_t expected = 0;
  for (size_t i = 0; i < p.items.size(); ++i) {
    auto& item = p.items[i];
    if (!p.writes[i] || item.kind != item_kind::process)
      continue;
    ++expected;
    ids.add(item.wa_id);
    doms.add(item.next.domain);
    steps.add(item.next.step);
    contexts.add(item.next.context.empty() ? std::string_view{"{}"}
                                           : std::string_view{item.next.context});
    langs.add(std::string_view{domains::code_of(item.next.lang)});
    versions.add(p.outcomes[i].version);
    inbound.add(item.inbound_at);
  }
  if (expected == 0)
    return;
  auto rows = tx.exec_prepared("sessions_upsert", ids.finish(), doms.finish(),
                             steps.finish(), contexts.finish(), langs.finish(),
                             versions.finish(), inbound.finish());
  // Only a writer that ignores the row locks gets here; failing the whole
  // batch makes every session of it retry, which is correct if slow.
  if (rows.size() != expected)
    throw std::runtime_error("sessions: a concurrent writer moved a version");
}

struct reply_slot {
  size_t item;
  size_t seq;
};

void insert_outbox(pqxx::work& tx, plan& p, outbox_claim claim,
                   std::vector<committed_reply>& out) {
  pg::array_literal who, events, seqs, bodies, windows;
  std::map<std::pair<int64_t, int64_t>, reply_slot> slots;
  for (size_t i = 0; i < p.items.size(); ++i) {
    auto& item = p.items[i];
    if (!p.writes[i])
      continue;
    for (size_t seq = 0; seq < item.messages.size(); ++seq) {
      who.add(item.wa_id);
      events.add(item.event_id);
      seqs.add(static_cast<int64_t>(seq));
      bodies.add(item.messages[seq]);
      windows.add(item.inbound_at + service_window_s);
      slots.emplace(std::pair{item.event_id, static_cast<int64_t>(seq)},
                    reply_slot{i, seq});
    }
  }
  if (slots.empty())
    return;
  bool claimed = claim == outbox_claim::dispatcher;
  std::string status = claimed ? "sending" : "pending";
  int attempts = claimed ? 1 : 0;
  std::vector<bool> inserted(p.items.size(), false);
  for (auto row : tx.exec_prepared("sessions_outbox", who.finish(), events.finish(),
                                 seqs.finish(), bodies.finish(),
                                 windows.finish(), status, attempts)) {
    auto& slot = slots.at({row[1].as<int64_t>(), row[2].as<int64_t>()});
    auto& item = p.items[slot.item];
    inserted[slot.item] = true;
    out.push_back({row[0].as<int64_t>(), item.wa_id, item.messages[slot.seq],
                   item.inbound_at + service_window_s});
  }
  // A throttled event has no mark to check: its reply already in the
  // outbox is what makes a second "slow down" a duplicate.
  for (size_t i = 0; i < p.items.size(); ++i)
    if (p.writes[i] && p.items[i].kind == item_kind::slow_down && !inserted[i])
      p.drop(i, commit_status::duplicate);
}

// One row per user with the batch's last value of each field; a field
// nobody set stays NULL and keeps the stored value.
void write_profiles(pqxx::work& tx, const plan& p) {
  std::map<std::string, std::pair<std::optional<std::string>,
                                  std::optional<std::string>>>
    merged;
  for (size_t i = 0; i < p.items.size(); ++i) {
    if (!p.writes[i])
      continue;
    for (auto& change : p.items[i].effects.profile) {
      auto& slot = merged[p.items[i].wa_id];
      if (change.set_name)
        slot.first = change.name;
      if (change.set_language)
        slot.second = std::string{domains::code_of(change.lang)};
    }
  }
  if (merged.empty())
    return;
  pg::array_literal ids, names, langs;
  for (auto& [wa_id, fields] : merged) {
    ids.add(wa_id);
    names.add_optional(fields.first);
    langs.add_optional(fields.second);
  }
  tx.exec_prepared("sessions_profiles", ids.finish(), names.finish(), langs.finish());
}

} // namespace

commit_result commit(pqxx::connection_base& conn,
                     const std::vector<commit_item>& items,
                     outbox_claim claim) {
  for (auto& [name, sql] : statements)
    conn.prepare(name, sql);
  plan p{items};
  commit_result out;
  pqxx::work tx{conn};
  check_versions(tx, p);
  mark_events(tx, p);
  upsert_sessions(tx, p);
  insert_outbox(tx, p, claim, out.replies);
  write_profiles(tx, p);
  tx.commit();
  out.outcomes = std::move(p.outcomes);
  return out;
}

} // namespace easymo::sessions
