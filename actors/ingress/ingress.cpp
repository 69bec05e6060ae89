#include "actors/ingress/ingress.hpp"

#include "actors/ingress/webhook_metrics.hpp"

#include "persistence/db/query.hpp"
#include "runtime/directory.hpp"

#include <caf/all.hpp>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

namespace easymo::ingress {

namespace {

namespace bhttp = boost::beast::http;

constexpr auto readiness_query_timeout = std::chrono::seconds(2);

void not_ready(http::responder& res, const std::string& why,
               nlohmann::json details = nlohmann::json::object()) {
  details["error"] = why;
  res(http::json_response(bhttp::status::service_unavailable, details));
}

void check_readiness(actor* self, http::responder res) {
  auto& st = self->state;
  ++st.readiness_checks;
  if (!st.opts.serving || !st.opts.serving->load()) {
    not_ready(res, "supervision tree or listeners not up");
    return;
  }
  auto pool = directory::get(self->system(), directory::db_pool);
  if (!pool) {
    not_ready(res, "database pool not running");
    return;
  }
  auto expected = st.opts.schema_version;
  db::query(
    self, pool, "readyz",
    [](pqxx::connection_base& c) {
      pqxx::read_transaction tx{c};
      return tx.exec1("SELECT coalesce(max(version), 0) FROM schema_migrations")[0]
        .as<int>();
    },
    readiness_query_timeout)
    .then(
      [res, expected](int version) mutable {
        if (version < expected) {
          not_ready(res, "migrations not applied",
                    {{"schema_version", version}, {"expected", expected}});
          return;
        }
        res(http::json_response(bhttp::status::ok,
                                {{"status", "ready"},
                                 {"schema_version", version}}));
      },
      [res](caf::error&) mutable { not_ready(res, "database unreachable"); });
}

} // namespace

caf::behavior ingress(actor* self, options opts) {
  self->state.opts = std::move(opts);
  return {
    [self](ready_atom, http::request_ptr&, http::responder& res) {
      check_readiness(self, res);
    },
    [self](caf::get_atom, info_atom) {
      // The webhook routes run on io threads and count in metrics; the
      // console reads them here with the rest of the ingress.
      auto& posts = webhook_metrics::get().posts;
      nlohmann::json webhook;
      for (auto outcome : {"stored", "unauthorized", "bad_request", "unavailable"})
        webhook[outcome] = posts.with({outcome}).value();
      nlohmann::json out{{"readiness_checks", self->state.readiness_checks},
                         {"webhook_posts", webhook},
                         {"mailbox", self->mailbox().size()}};
      return out.dump();
    },
  };
}

} // namespace easymo::ingress
