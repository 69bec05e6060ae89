#include "actors/journal/store.hpp"

#include <pqxx/pqxx>

#include <algorithm>
#include <numeric>
#include <string_view>
#include <unordered_map>

namespace easymo::journal::store {

namespace {

// unnest() over arrays turns one parameterised statement into a multi-row
// insert: one parse, one plan, one round trip per batch. tools/bench/journal
// compares it with COPY into a temporary table (docs/PERFORMANCE.md).
constexpr const char* insert_events = "journal_insert_events";
constexpr const char* insert_events_sql
  = "INSERT INTO inbound_events (wamid, kind, wa_id, status, payload) "
    "SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], "
    "$5::jsonb[]) "
    "ON CONFLICT (wamid, kind) DO NOTHING RETURNING id, wamid, kind";

constexpr const char* insert_audit = "journal_insert_audit";
constexpr const char* insert_audit_sql
  = "INSERT INTO webhook_audit_log (request_id, http_status, signature_valid, "
    "body_bytes, events, duplicates, rejected, rate_limited, latency_ms) "
    "SELECT * FROM unnest($1::text[], $2::smallint[], $3::bool[], $4::int[], "
    "$5::int[], $6::int[], $7::int[], $8::int[], $9::int[])";

// Where a record sits in the batch.
struct slot {
  uint32_t request;
  uint32_t index;
};

class array_builder {
public:
  void add(std::string_view text) { append_array_element(text_, text); }
  void add(int64_t n) { add_raw(std::to_string(n)); }
  void add(bool b) { add_raw(b ? "t" : "f"); }
  std::string finish() && {
    text_ += '}';
    return std::move(text_);
  }

private:
  void add_raw(const std::string& raw) {
    if (text_.size() > 1)
      text_ += ',';
    text_ += raw;
  }
  std::string text_ = "{";
};

std::string dedup_key(const record& r) {
  std::string k;
  k.reserve(r.key.size() + r.kind.size() + 1);
  k.append(r.key).push_back('\0');
  k.append(r.kind);
  return k;
}

// Every record once per (key, kind), first occurrence in batch order wins,
// sorted by (key, kind) for a lock order shared by all batches.
std::vector<slot> unique_sorted(const commit_input& in) {
  std::vector<slot> all;
  for (uint32_t r = 0; r < in.requests.size(); ++r)
    for (uint32_t i = 0; i < in.requests[r].records.size(); ++i)
      all.push_back({r, i});
  auto rec = [&](const slot& s) -> const record& {
    return in.requests[s.request].records[s.index];
  };
  std::stable_sort(all.begin(), all.end(), [&](const slot& a, const slot& b) {
    auto& x = rec(a);
    auto& y = rec(b);
    return x.key != y.key ? x.key < y.key : x.kind < y.kind;
  });
  auto same = [&](const slot& a, const slot& b) {
    return rec(a).key == rec(b).key && rec(a).kind == rec(b).kind;
  };
  all.erase(std::unique(all.begin(), all.end(), same), all.end());
  return all;
}

void insert_new_events(pqxx::work& tx, const commit_input& in,
                       commit_output& out) {
  auto rows = unique_sorted(in);
  if (rows.empty())
    return;
  array_builder keys, kinds, users, statuses, payloads;
  std::unordered_map<std::string, slot> by_key;
  by_key.reserve(rows.size());
  for (auto& s : rows) {
    auto& r = in.requests[s.request].records[s.index];
    keys.add(r.key);
    kinds.add(r.kind);
    users.add(r.wa_id);
    statuses.add(std::string_view{to_string(r.status)});
    payloads.add(r.payload);
    by_key.emplace(dedup_key(r), s);
  }
  auto result = tx.exec_prepared(insert_events, std::move(keys).finish(),
                                 std::move(kinds).finish(),
                                 std::move(users).finish(),
                                 std::move(statuses).finish(),
                                 std::move(payloads).finish());
  for (auto row : result) {
    record probe;
    probe.key = row[1].as<std::string>();
    probe.kind = row[2].as<std::string>();
    auto s = by_key.at(dedup_key(probe));
    out.ids[s.request][s.index] = row[0].as<int64_t>();
  }
}

void insert_audit_rows(pqxx::work& tx, const commit_input& in,
                       const commit_output& out) {
  array_builder ids, statuses, valid, bytes, events, dups, rejected, limited,
    latency;
  for (size_t r = 0; r < in.requests.size(); ++r) {
    auto& req = in.requests[r];
    int64_t duplicates = 0;
    int64_t throttled = 0;
    for (size_t i = 0; i < req.records.size(); ++i) {
      if (out.ids[r][i] == 0)
        ++duplicates;
      else if (req.records[i].status == event_status::throttled)
        ++throttled;
    }
    ids.add(req.audit.request_id);
    statuses.add(int64_t{req.audit.http_status});
    valid.add(req.audit.signature_valid);
    bytes.add(int64_t{req.audit.body_bytes});
    events.add(int64_t{req.audit.events});
    dups.add(duplicates);
    rejected.add(int64_t{req.audit.rejected});
    limited.add(throttled);
    latency.add(int64_t{r < in.latency_ms.size() ? in.latency_ms[r] : 0});
  }
  tx.exec_prepared(insert_audit, std::move(ids).finish(),
                   std::move(statuses).finish(), std::move(valid).finish(),
                   std::move(bytes).finish(), std::move(events).finish(),
                   std::move(dups).finish(), std::move(rejected).finish(),
                   std::move(limited).finish(), std::move(latency).finish());
}

} // namespace

void append_array_element(std::string& literal, std::string_view text) {
  if (literal.size() > 1)
    literal += ',';
  literal += '"';
  for (char c : text) {
    if (c == '"' || c == '\\')
      literal += '\\';
    literal += c;
  }
  literal += '"';
}

commit_output commit(pqxx::connection_base& conn, const commit_input& in) {
  // Preparing is idempotent for an identical definition; the connection
  // remembers it across batches and re-prepares after a reconnect.
  conn.prepare(insert_events, insert_events_sql);
  conn.prepare(insert_audit, insert_audit_sql);
  commit_output out;
  out.ids.resize(in.requests.size());
  for (size_t r = 0; r < in.requests.size(); ++r)
    out.ids[r].assign(in.requests[r].records.size(), 0);
  pqxx::work tx{conn};
  insert_new_events(tx, in, out);
  insert_audit_rows(tx, in, out);
  tx.commit();
  return out;
}

std::vector<committed_event>
fetch_unprocessed(pqxx::connection_base& conn, int64_t after_id, size_t limit,
                  std::chrono::milliseconds min_age) {
  pqxx::read_transaction tx{conn};
  auto rows = tx.exec_params(
    "SELECT id, wamid, kind, wa_id, payload::text FROM inbound_events "
    "WHERE status = 'received' AND id > $1"
    " AND received_at <= now() - $3 * interval '1 millisecond'"
    " ORDER BY id LIMIT $2",
    after_id, static_cast<int64_t>(limit),
    static_cast<int64_t>(min_age.count()));
  std::vector<committed_event> out;
  out.reserve(rows.size());
  for (auto row : rows) {
    committed_event e;
    e.id = row[0].as<int64_t>();
    e.key = row[1].as<std::string>();
    e.kind = row[2].as<std::string>();
    e.wa_id = row[3].as<std::string>();
    e.payload = row[4].as<std::string>();
    e.status = event_status::received;
    out.push_back(std::move(e));
  }
  return out;
}

int64_t last_event_id(pqxx::connection_base& conn) {
  pqxx::read_transaction tx{conn};
  return tx.exec1("SELECT coalesce(max(id), 0) FROM inbound_events")[0]
    .as<int64_t>();
}

} // namespace easymo::journal::store
