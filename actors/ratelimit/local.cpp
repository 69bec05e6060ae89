#include "actors/ratelimit/local.hpp"

#include "actors/ratelimit/metrics.hpp"
#include "runtime/introspect.hpp"

#include <caf/all.hpp>

#include <nlohmann/json.hpp>

namespace easymo::ratelimit {

namespace {

using sweep_atom = caf::atom_constant<caf::atom("rl_sweep")>;

// Forgets the buckets that are full: they would admit exactly like new ones.
void sweep(local_actor* self) {
  auto now = self->clock().now();
  auto& buckets = self->state.buckets;
  for (auto i = buckets.begin(); i != buckets.end();)
    i = i->second.level.full(i->second.limits, now) ? buckets.erase(i)
                                                    : std::next(i);
}

bucket* find_bucket(local_actor* self, std::string name, const rule& r) {
  auto& st = self->state;
  auto i = st.buckets.find(name);
  if (i == st.buckets.end()) {
    if (st.buckets.size() >= st.opts.buckets_max) {
      ++st.untracked;
      count_untracked(1);
      return nullptr;
    }
    i = st.buckets.emplace(std::move(name), tracked_bucket{}).first;
  }
  i->second.limits = r;
  return &i->second.level;
}

check_reply check(local_actor* self, const check_request& req) {
  auto& st = self->state;
  auto now = self->clock().now();
  auto& p = req.limits;
  // Sweep before taking bucket pointers: erasing later could free one.
  if (st.buckets.size() + req.keys.size() + 1 > st.opts.buckets_max)
    sweep(self);
  bucket* shared = p.global.enabled()
                     ? find_bucket(self, p.name + ":*", p.global)
                     : nullptr;
  check_reply reply;
  reply.decisions.reserve(req.keys.size());
  for (auto& key : req.keys) {
    bucket* own = p.per_key.enabled()
                    ? find_bucket(self, p.name + ":" + key, p.per_key)
                    : nullptr;
    auto d = admit(own, p.per_key, shared, p.global, now);
    st.refused += d.allowed ? 0 : 1;
    reply.decisions.push_back(d);
  }
  st.checks += req.keys.size();
  count_decisions(p.name, reply);
  return reply;
}

} // namespace

caf::behavior local_limiter(local_actor* self, local_options opts) {
  self->state.opts = opts;
  self->delayed_send(self, opts.sweep_interval, sweep_atom::value);
  return {
    [self](const check_request& req) { return check(self, req); },
    [self](const check_request& req, check_completion& done) {
      done(check(self, req));
    },
    [self](sweep_atom) {
      sweep(self);
      self->delayed_send(self, self->state.opts.sweep_interval,
                         sweep_atom::value);
    },
    [self](caf::get_atom, info_atom) {
      auto& st = self->state;
      return nlohmann::json{{"backend", "local"},
                            {"buckets", st.buckets.size()},
                            {"checks", st.checks},
                            {"refused", st.refused},
                            {"untracked", st.untracked},
                            {"mailbox", self->mailbox().size()}}
        .dump();
    },
  };
}

} // namespace easymo::ratelimit
