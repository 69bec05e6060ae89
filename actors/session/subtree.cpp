#include "actors/session/subtree.hpp"

#include "actors/effects/committer.hpp"
#include "actors/session/loader.hpp"
#include "actors/session/shard.hpp"

#include <algorithm>

namespace easymo::session {

namespace {

group_limits limits_from(const settings& s) {
  group_limits out;
  out.items_max = s.session_batch_items_max;
  out.delay_max = s.session_batch_delay_max;
  out.in_flight_max = s.session_batches_in_flight_max;
  out.queue_max = s.session_queue_items_max;
  return out;
}

// Bound on a database job: the statement timeout, plus time to wait for a
// pool connection.
caf::timespan db_timeout_from(const settings& s) {
  return s.db_query_timeout + std::chrono::seconds(5);
}

// A session passivates between idle-timeout and idle-timeout plus this:
// a tenth of the timeout, so a test can use a short one, and at most 30 s,
// so a long one is not overshot by much.
caf::timespan sweep_interval_for(caf::timespan idle) {
  return std::clamp<caf::timespan>(idle / 10, std::chrono::milliseconds(10),
                                   std::chrono::seconds(30));
}

} // namespace

std::optional<std::string> load_assets(const settings& s,
                                       conversation_assets& out) {
  auto texts = std::make_shared<domains::catalog>();
  if (auto err = domains::catalog::load(s.locales_dir, *texts))
    return err;
  auto keywords = std::make_shared<router::keyword_table>();
  if (auto err = router::keyword_table::load(s.locales_dir + "/keywords.json",
                                             *keywords))
    return err;
  out.texts = std::move(texts);
  out.keywords = std::move(keywords);
  return std::nullopt;
}

supervision::supervisor_spec sessions_tree(const settings& s,
                                           const conversation_assets& assets,
                                           supervision::supervisor_spec spec) {
  effects::committer_options commit_opts;
  commit_opts.limits = limits_from(s);
  commit_opts.db_timeout = db_timeout_from(s);
  commit_opts.notify = effects::notify_outbox;
  commit_opts.notify_ready = effects::outbox_running;
  loader_options load_opts;
  load_opts.limits = limits_from(s);
  load_opts.db_timeout = db_timeout_from(s);
  auto env = std::make_shared<session_env>();
  env->texts = assets.texts;
  env->keywords = assets.keywords;
  env->request_timeout = db_timeout_from(s);
  env->commit_timeout = db_timeout_from(s) * 2;
  spec.children.push_back(effects::committer_child(commit_opts));
  spec.children.push_back(loader_child(load_opts));
  for (size_t i = 0; i < s.session_shards; ++i) {
    shard_options opts;
    opts.index = i;
    opts.idle_timeout = s.session_idle_timeout;
    opts.sweep_interval = sweep_interval_for(s.session_idle_timeout);
    opts.event_attempts_max = static_cast<uint8_t>(s.session_event_attempts_max);
    opts.queue_events_max = s.session_queue_events_max;
    opts.env = env;
    spec.children.push_back(shard_child(opts));
  }
  return spec;
}

} // namespace easymo::session
