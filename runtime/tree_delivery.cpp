#include "runtime/tree_delivery.hpp"

#include "actors/breaker/board.hpp"
#include "actors/breaker/breaker.hpp"
#include "actors/outbox/outbox.hpp"
#include "actors/sandbox/sink.hpp"
#include "protocols/whatsapp/graph.hpp"

namespace easymo {

namespace {

supervision::supervisor_spec subtree_spec(const tree_context& ctx,
                                          std::string name) {
  supervision::supervisor_spec spec;
  spec.name = std::move(name);
  spec.strat = supervision::strategy::one_for_one;
  spec.intensity = ctx.s.restart_intensity;
  spec.period = ctx.s.restart_period;
  spec.shutdown_timeout = ctx.s.drain_timeout;
  return spec;
}

breaker::breaker_options breaker_for(const tree_context& ctx,
                                     std::string_view gateway) {
  std::string name{gateway};
  auto opts = breaker::options_from(name, ctx.s.breaker_of(gateway),
                                    breaker::client_transport(ctx.outbound));
  // The pair rate limit is about one user, not about Meta's health.
  if (gateway == "whatsapp")
    opts.failures.exempt = whatsapp::is_user_scoped;
  return opts;
}

} // namespace

supervision::child_spec gateways_subtree(const tree_context& ctx) {
  auto spec = subtree_spec(ctx, "gateways");
  std::vector<std::string> listed;
  for (auto gateway : breaker_gateways)
    listed.emplace_back(gateway);
  spec.children.push_back(breaker::board_child(listed));
  // Every breaker runs, enabled gateway or not: the reconciliation and the
  // console find each one under its name, and an idle breaker costs nothing.
  for (auto gateway : breaker_gateways)
    spec.children.push_back(breaker::breaker_child(breaker_for(ctx, gateway)));
  return supervision::subtree(std::move(spec));
}

supervision::child_spec outbox_subtree(const tree_context& ctx) {
  auto spec = subtree_spec(ctx, "outbox");
  if (!ctx.s.live()) {
    auto sink = sandbox::options_from(ctx.s);
    sink.post = breaker::client_transport(ctx.outbound);
    spec.children.push_back(sandbox::sink_child(std::move(sink)));
  }
  spec.children.push_back(outbox::outbox_child(outbox::options_from(ctx.s)));
  return supervision::subtree(std::move(spec));
}

} // namespace easymo
