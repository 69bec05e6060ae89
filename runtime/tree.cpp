#include "runtime/tree.hpp"

#include "actors/admin/admin.hpp"
#include "actors/dispatcher/dispatcher.hpp"
#include "actors/domains/domain_actor.hpp"
#include "actors/ingress/ingress.hpp"
#include "actors/journal/journal.hpp"
#include "actors/ledger/ledger.hpp"
#include "actors/ratelimit/child.hpp"
#include "actors/payments/admin.hpp"
#include "actors/payments/momo.hpp"
#include "actors/payments/paydunya.hpp"
#include "actors/payments/revolut.hpp"
#include "actors/payments/ussd.hpp"
#include "actors/reconciliation/reconciliation.hpp"
#include "persistence/db/pool.hpp"
#include "runtime/directory.hpp"
#include "runtime/tree_delivery.hpp"

#include <caf/all.hpp>

namespace easymo {

namespace {

using supervision::child_spec;
using supervision::restart;
using supervision::strategy;
using supervision::supervisor_spec;

supervisor_spec base(const tree_context& ctx, std::string name, strategy s) {
  supervisor_spec spec;
  spec.name = std::move(name);
  spec.strat = s;
  spec.intensity = ctx.s.restart_intensity;
  spec.period = ctx.s.restart_period;
  spec.shutdown_timeout = ctx.s.drain_timeout;
  return spec;
}

db::pool_options pool_options_from(const settings& s) {
  db::pool_options opts;
  opts.url = s.database_url;
  opts.size = s.db_pool_size;
  opts.queue_jobs_max = s.db_queue_jobs_max;
  opts.connect_timeout = s.db_connect_timeout;
  opts.retry_backoff_max = s.db_retry_backoff_max;
  opts.statement_timeout = s.db_query_timeout;
  return opts;
}

child_spec db_pool_child(const tree_context& ctx) {
  child_spec spec;
  spec.name = "db_pool";
  spec.kind = "db.pool";
  spec.start = [opts = pool_options_from(ctx.s)](caf::event_based_actor* parent) {
    auto pool = parent->spawn(db::pool, opts);
    directory::put(parent->system(), directory::db_pool, pool);
    return pool;
  };
  return spec;
}

child_spec ingress_child(const tree_context& ctx) {
  child_spec spec;
  spec.name = "ingress";
  spec.kind = "ingress";
  spec.start = [ctx](caf::event_based_actor* parent) {
    ingress::options opts;
    opts.schema_version = ctx.schema_version;
    opts.serving = ctx.serving;
    auto actor = parent->spawn(ingress::ingress, opts);
    directory::put(parent->system(), directory::ingress, actor);
    return actor;
  };
  return spec;
}

child_spec admin_child() {
  child_spec spec;
  spec.name = "admin";
  spec.kind = "admin";
  spec.start = [](caf::event_based_actor* parent) {
    auto actor = parent->spawn(admin::admin);
    directory::put(parent->system(), directory::admin, actor);
    return actor;
  };
  return spec;
}

// The payment gateways' actors; they call their gateway through its
// breaker, which the gateways subtree (tree_delivery.cpp) started before.
std::vector<child_spec> gateway_children(const tree_context& ctx) {
  std::vector<child_spec> out;
  auto& s = ctx.s;
  if (s.gateway_enabled("momo_ussd"))
    out.push_back(payments::ussd_child(payments::ussd_options_from(s)));
  if (s.gateway_enabled("momo"))
    out.push_back(payments::momo_child(payments::momo_options_from(s)));
  if (s.gateway_enabled("paydunya"))
    out.push_back(payments::paydunya_child(payments::paydunya_options_from(s)));
  if (s.gateway_enabled("revolut"))
    out.push_back(payments::revolut_child(payments::revolut_options_from(s)));
  return out;
}

} // namespace

supervisor_spec make_root(const tree_context& ctx) {
  auto persistence = base(ctx, "persistence", strategy::rest_for_one);
  persistence.children = {db_pool_child(ctx),
                          journal::journal_child(journal::options_from(ctx.s))};

  auto domains = base(ctx, "domains", strategy::one_for_one);
  domains.children = {ledger::ledger_child(ledger::options_from(ctx.s))};
  for (auto& child :
       domains::conversation_domains(ctx.conversation.texts, ctx.s))
    domains.children.push_back(std::move(child));

  auto sessions = session::sessions_tree(
    ctx.s, ctx.conversation, base(ctx, "sessions", strategy::rest_for_one));

  auto pay = base(ctx, "payments", strategy::one_for_one);
  pay.children = gateway_children(ctx);

  auto schedules = base(ctx, "schedules", strategy::one_for_one);
  schedules.children = {reconciliation::reconciliation_child(
    reconciliation::options_from(ctx.s))};

  auto root = base(ctx, "root", strategy::one_for_one);
  root.on_give_up = ctx.on_give_up;
  // The dispatcher after the sessions (its replay needs the shards) and
  // before the ingress (nothing is committed before it can be routed).
  root.children = {supervision::subtree(persistence),
                   ratelimit::limiter_child(ctx.s),
                   gateways_subtree(ctx), outbox_subtree(ctx),
                   supervision::subtree(pay),
                   supervision::subtree(domains),
                   supervision::subtree(sessions),
                   dispatcher::dispatcher_child(dispatcher::options_from(ctx.s)),
                   supervision::subtree(schedules), ingress_child(ctx),
                   admin_child(), payments::admin_child()};
  return root;
}

} // namespace easymo
