#include "actors/outbox/repository.hpp"

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include <map>

namespace easymo::outbox::repo {

namespace {

using json = nlohmann::json;

// Batches travel as one jsonb parameter read with jsonb_to_recordset: one
// parameter whatever the batch size, and libpqxx 6 has no array binding.

// $1 rows per kind, $2 stale ms, $3 jsonb ids to exclude. A committed row
// handed to a dispatcher is 'sending' from its INSERT on, so every pending
// row is the sweep's to send.
constexpr const char* sweep_sql =
  "WITH mine AS (SELECT value::bigint AS id"
  "  FROM jsonb_array_elements_text($3::jsonb)),"
  " due AS (SELECT id, false AS stale FROM outbox"
  "  WHERE status = 'pending' AND next_attempt_at <= now()"
  "  AND id NOT IN (SELECT id FROM mine)"
  "  ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED),"
  " stale AS (SELECT id, true AS stale FROM outbox"
  "  WHERE status = 'sending'"
  "  AND updated_at <= now() - $2 * interval '1 millisecond'"
  "  AND id NOT IN (SELECT id FROM mine)"
  "  ORDER BY updated_at LIMIT $1 FOR UPDATE SKIP LOCKED),"
  " picked AS (SELECT * FROM due UNION ALL SELECT * FROM stale)"
  " UPDATE outbox o SET status = 'sending', attempts = o.attempts + 1,"
  " updated_at = now() FROM picked WHERE o.id = picked.id"
  " RETURNING o.id, o.wa_id, o.message::text,"
  " (extract(epoch FROM o.window_expires_at) * 1000)::bigint, o.attempts,"
  " picked.stale";

constexpr const char* depth_sql =
  "SELECT (SELECT count(*) FROM outbox WHERE status = 'pending'),"
  " (SELECT count(*) FROM dlq WHERE replayed_at IS NULL)";

// A late send result never undoes a status report that overtook it.
constexpr const char* sent_sql =
  "UPDATE outbox o SET status = CASE WHEN outbox_status_rank(o.status)"
  " < outbox_status_rank('sent') THEN 'sent' ELSE o.status END,"
  " wamid = NULLIF(x.wamid, ''), sent_at = coalesce(o.sent_at, now()),"
  " attempts = x.attempts, last_error = NULL, updated_at = now()"
  " FROM jsonb_to_recordset($1::jsonb) AS x (id bigint, wamid text,"
  " attempts integer) WHERE o.id = x.id";

// Only a row still claimed goes back to pending: a status report may have
// shown that Meta took it after all (a timeout after acceptance).
constexpr const char* retry_sql =
  "UPDATE outbox o SET status = 'pending', attempts = x.attempts,"
  " next_attempt_at = now() + x.delay_ms * interval '1 millisecond',"
  " last_error = x.error, updated_at = now()"
  " FROM jsonb_to_recordset($1::jsonb) AS x (id bigint, attempts integer,"
  " delay_ms bigint, error jsonb) WHERE o.id = x.id AND o.status = 'sending'";

constexpr const char* dead_sql =
  "WITH x AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS x (id bigint,"
  "  attempts integer, reason text, error jsonb)),"
  " d AS (UPDATE outbox o SET status = 'dead', attempts = x.attempts,"
  "  last_error = x.error, updated_at = now() FROM x WHERE o.id = x.id"
  "  AND outbox_status_rank(o.status) < outbox_status_rank('sent')"
  "  RETURNING o.id, x.reason, x.error)"
  " INSERT INTO dlq (outbox_id, reason, error) SELECT id, reason, error FROM d"
  " ON CONFLICT (outbox_id) DO UPDATE SET reason = EXCLUDED.reason,"
  " error = EXCLUDED.error, created_at = now(), replayed_at = NULL";

constexpr const char* status_sql =
  "WITH x AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS x (id bigint,"
  "  wamid text, status text, errors jsonb)),"
  " t AS (SELECT coalesce(x.id, (SELECT o2.id FROM outbox o2"
  "  WHERE o2.wamid = x.wamid)) AS id, x.status, x.errors FROM x)"
  " UPDATE outbox o SET status = t.status, updated_at = now(),"
  " last_error = CASE WHEN t.status = 'failed'"
  "  THEN jsonb_build_object('errors', t.errors) ELSE o.last_error END"
  " FROM t WHERE o.id = t.id"
  " AND outbox_status_rank(t.status) > outbox_status_rank(o.status)";

int rank(const std::string& status) {
  static const std::map<std::string, int> ranks{
    {"sent", 1}, {"delivered", 2}, {"read", 3}, {"failed", 4}};
  auto it = ranks.find(status);
  return it == ranks.end() ? 0 : it->second;
}

json ids_json(const std::vector<int64_t>& ids) {
  auto out = json::array();
  for (auto id : ids)
    out.push_back(std::to_string(id));
  return out;
}

json error_value(const std::string& text) {
  if (text.empty())
    return nullptr;
  return json::parse(text, nullptr, false);
}

claimed_row claimed_from(const pqxx::row& r) {
  claimed_row out;
  out.row.id = r[0].as<int64_t>();
  out.row.wa_id = r[1].as<std::string>();
  out.row.message = r[2].as<std::string>();
  if (!r[3].is_null())
    out.row.window_expires_at
      = caf::timestamp{std::chrono::milliseconds{r[3].as<int64_t>()}};
  out.attempt = r[4].as<int32_t>();
  out.resent = r[5].as<bool>();
  return out;
}

// Several reports about one row in a batch: only the furthest matters, and
// an UPDATE ... FROM must not see one row twice.
json reduced_reports(const std::vector<status_report>& reports) {
  std::map<std::string, const status_report*> best;
  for (auto& r : reports) {
    auto id = row_id_of(r);
    auto key = id ? "#" + std::to_string(*id) : r.wamid;
    auto& slot = best[key];
    if (slot == nullptr || rank(r.status) > rank(slot->status))
      slot = &r;
  }
  auto out = json::array();
  for (auto& [key, r] : best) {
    auto id = row_id_of(*r);
    out.push_back({{"id", id ? json(*id) : json(nullptr)},
                   {"wamid", r->wamid},
                   {"status", r->status},
                   {"errors", error_value(r->errors)}});
  }
  return out;
}

void split_results(const std::vector<row_result>& results, json& sent,
                   json& retry, json& dead) {
  sent = json::array();
  retry = json::array();
  dead = json::array();
  for (auto& r : results) {
    switch (r.what) {
      case row_result::kind::sent:
        sent.push_back(
          {{"id", r.id}, {"wamid", r.wamid}, {"attempts", r.attempts}});
        break;
      case row_result::kind::retry:
        retry.push_back({{"id", r.id},
                         {"attempts", r.attempts},
                         {"delay_ms", r.delay_ms},
                         {"error", error_value(r.error_json)}});
        break;
      case row_result::kind::dead:
        dead.push_back({{"id", r.id},
                        {"attempts", r.attempts},
                        {"reason", r.reason},
                        {"error", error_value(r.error_json)}});
        break;
    }
  }
}

} // namespace

std::function<sweep_result(connection&)> sweep_job(sweep_params p) {
  auto exclude = ids_json(p.exclude).dump();
  p.exclude.clear();
  return [p = std::move(p), exclude = std::move(exclude)](connection& c) {
    pqxx::work tx{c};
    sweep_result out;
    auto rows = tx.exec_params(sweep_sql, static_cast<int64_t>(p.rows_max),
                               static_cast<int64_t>(p.stale_after.count()),
                               exclude);
    for (auto row : rows)
      out.rows.push_back(claimed_from(row));
    auto depth = tx.exec(depth_sql);
    out.pending = depth[0][0].as<int64_t>();
    out.dlq_open = depth[0][1].as<int64_t>();
    tx.commit();
    return out;
  };
}

std::function<flush_summary(connection&)>
flush_job(const std::vector<row_result>& results,
          const std::vector<status_report>& reports) {
  json sent, retry, dead;
  split_results(results, sent, retry, dead);
  auto statuses = reduced_reports(reports);
  return [sent = sent.dump(), retry = retry.dump(), dead = dead.dump(),
          statuses = statuses.dump(), n_sent = sent.size(),
          n_retry = retry.size(), n_dead = dead.size(),
          n_status = statuses.size()](connection& c) {
    pqxx::work tx{c};
    flush_summary out;
    // Results first: a report in the same batch then compares against the
    // row's new status.
    if (n_sent > 0)
      out.sent = tx.exec_params(sent_sql, sent).affected_rows();
    if (n_retry > 0)
      out.retried = tx.exec_params(retry_sql, retry).affected_rows();
    if (n_dead > 0)
      out.dead = tx.exec_params(dead_sql, dead).affected_rows();
    if (n_status > 0)
      out.statuses_applied = tx.exec_params(status_sql, statuses).affected_rows();
    tx.commit();
    return out;
  };
}

std::function<std::string(connection&)> counts_job() {
  return [](connection& c) {
    pqxx::read_transaction tx{c};
    json counts = json::object();
    for (auto s : {"pending", "sending", "sent", "delivered", "read", "failed",
                   "dead"})
      counts[s] = 0;
    for (auto row : tx.exec("SELECT status, count(*) FROM outbox GROUP BY status"))
      counts[row[0].as<std::string>()] = row[1].as<int64_t>();
    auto open = tx.exec1("SELECT count(*) FROM dlq WHERE replayed_at IS NULL");
    return json{{"counts", counts}, {"dlq", open[0].as<int64_t>()}}.dump();
  };
}

std::function<std::string(connection&)> dlq_job(int64_t after, int64_t limit) {
  return [after, limit](connection& c) {
    pqxx::read_transaction tx{c};
    auto rows = tx.exec_params(
      "SELECT d.id, d.outbox_id, o.wa_id, d.reason,"
      " coalesce(d.error::text, 'null'), o.attempts,"
      " to_char(d.created_at AT TIME ZONE 'UTC',"
      "  'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'),"
      " to_char(d.replayed_at AT TIME ZONE 'UTC',"
      "  'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"
      " FROM dlq d JOIN outbox o ON o.id = d.outbox_id"
      " WHERE d.id > $1 ORDER BY d.id LIMIT $2",
      after, limit);
    auto dead = json::array();
    for (auto r : rows)
      dead.push_back(
        {{"id", r[0].as<int64_t>()},
         {"outbox_id", r[1].as<int64_t>()},
         {"wa_id", r[2].as<std::string>()},
         {"reason", r[3].as<std::string>()},
         {"error", json::parse(r[4].as<std::string>(), nullptr, false)},
         {"attempts", r[5].as<int32_t>()},
         {"created_at", r[6].as<std::string>()},
         {"replayed_at", r[7].is_null() ? json(nullptr)
                                        : json(r[7].as<std::string>())}});
    return json{{"dead", dead}}.dump();
  };
}

std::function<int64_t(connection&)> replay_job(int64_t dlq_id) {
  return [dlq_id](connection& c) {
    pqxx::work tx{c};
    auto rows = tx.exec_params(
      "WITH r AS (UPDATE dlq SET replayed_at = now()"
      "  WHERE replayed_at IS NULL AND ($1 = 0 OR id = $1)"
      "  RETURNING outbox_id)"
      " UPDATE outbox o SET status = 'pending', attempts = 0,"
      " next_attempt_at = now(), last_error = NULL, updated_at = now()"
      " FROM r WHERE o.id = r.outbox_id AND o.status = 'dead'",
      dlq_id);
    tx.commit();
    return static_cast<int64_t>(rows.affected_rows());
  };
}

} // namespace easymo::outbox::repo
