#include "persistence/pg_array.hpp"
#include "persistence/sessions/store.hpp"

#include <pqxx/pqxx>

namespace easymo::sessions {

namespace {

constexpr const char* load_statement = "sessions_load";
// WITH ORDINALITY keeps the answer in the order of the request, so the
// loader hands each waiting session its own row without a lookup.
constexpr const char* load_sql
  = "SELECT s.domain, s.step, s.context::text, s.language, s.version, "
    "coalesce(extract(epoch FROM s.last_inbound_at)::bigint, 0), "
    "p.name, p.language "
    "FROM unnest($1::text[]) WITH ORDINALITY AS u(wa_id, n) "
    "LEFT JOIN sessions s ON s.wa_id = u.wa_id "
    "LEFT JOIN profiles p ON p.wa_id = u.wa_id "
    "ORDER BY u.n";

domains::language language_or_en(const pqxx::field& f) {
  if (f.is_null())
    return domains::language::en;
  return domains::parse_language(f.as<std::string>())
    .value_or(domains::language::en);
}

session_record read_row(const pqxx::row& row) {
  session_record out;
  if (!row[4].is_null()) {
    out.flow.domain = row[0].as<std::string>();
    out.flow.step = row[1].as<std::string>();
    auto context = row[2].as<std::string>();
    // The empty object is the common case; keeping "" instead saves a
    // heap allocation in every idle session.
    if (context != "{}")
      out.flow.context = std::move(context);
    out.flow.lang = language_or_en(row[3]);
    out.version = row[4].as<int64_t>();
    out.last_inbound = row[5].as<int64_t>();
  } else {
    // A user without a session row yet (or whose row was cleaned up):
    // their profile's language, if they chose one.
    out.flow.lang = language_or_en(row[7]);
  }
  if (!row[6].is_null())
    out.name = row[6].as<std::string>();
  return out;
}

} // namespace

std::vector<session_record> load(pqxx::connection_base& conn,
                                 const std::vector<std::string>& wa_ids) {
  conn.prepare(load_statement, load_sql);
  pg::array_literal ids;
  for (auto& id : wa_ids)
    ids.add(id);
  pqxx::read_transaction tx{conn};
  auto rows = tx.exec_prepared(load_statement, ids.finish());
  std::vector<session_record> out;
  out.reserve(rows.size());
  for (auto row : rows)
    out.push_back(read_row(row));
  return out;
}

const char* to_string(commit_status s) {
  switch (s) {
    case commit_status::committed:
      return "committed";
    case commit_status::duplicate:
      return "duplicate";
    case commit_status::conflict:
      return "conflict";
  }
  return "unknown";
}

} // namespace easymo::sessions
