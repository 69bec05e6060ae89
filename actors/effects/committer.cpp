#include "actors/effects/committer.hpp"

#include "actors/outbox/protocol.hpp"
#include "persistence/db/query.hpp"
#include "runtime/directory.hpp"
#include "runtime/log.hpp"
#include "runtime/registered_child.hpp"
#include "runtime/metrics.hpp"

#include <caf/all.hpp>

#include <nlohmann/json.hpp>

#include <cassert>
#include <memory>

namespace easymo::effects {

namespace {

using batch = std::vector<pending_commit>;
using sessions::commit_status;
using sessions::item_kind;

struct committer_metrics {
  metrics::counter_family& events = metrics::registry::global().counters(
    "easymo_events_processed_total",
    "Inbound events whose effects the committer settled, by outcome",
    {"outcome"});
  metrics::histogram& batch_size
    = metrics::registry::global()
        .histograms("easymo_effects_batch_items",
                    "Session decisions committed per transaction", {},
                    {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024})
        .with();

  static committer_metrics& get() {
    static committer_metrics instance;
    return instance;
  }
};

// What each settled item counts as in easymo_events_processed_total.
const char* outcome_label(item_kind kind, commit_status status) {
  if (status == commit_status::duplicate)
    return "duplicate";
  if (status == commit_status::conflict)
    return "conflict";
  switch (kind) {
    case item_kind::process:
      return "processed";
    case item_kind::fail:
      return "failed";
    case item_kind::slow_down:
      return "slowed_down";
    case item_kind::mark:
      return "status";
  }
  return "unknown";
}

void count(committer_pointer self, item_kind kind,
           const sessions::commit_outcome& out) {
  auto& c = self->state.counters;
  switch (out.status) {
    case commit_status::committed:
      ++c.committed;
      break;
    case commit_status::duplicate:
      ++c.duplicates;
      break;
    case commit_status::conflict:
      ++c.conflicts;
      break;
  }
  committer_metrics::get().events.with({outcome_label(kind, out.status)}).inc();
}

void flush(committer_pointer self);

void finish(committer_pointer self) {
  self->state.queue.finished();
  flush(self);
}

void on_done(committer_pointer self, batch& items, bool claimed,
             sessions::commit_result& result) {
  // sessions::commit answers every item, in order: anything else is a bug.
  assert(result.outcomes.size() == items.size());
  for (size_t i = 0; i < items.size() && i < result.outcomes.size(); ++i) {
    count(self, items[i].item.kind, result.outcomes[i]);
    items[i].rp.deliver(result.outcomes[i]);
  }
  self->state.counters.replies += result.replies.size();
  if (claimed && !result.replies.empty())
    self->state.opts.notify(self->system(), std::move(result.replies));
  finish(self);
}

void on_failed(committer_pointer self, batch& items, const caf::error& err) {
  self->state.counters.failed += items.size();
  log::warn("effects", "commit failed, its sessions retry",
            {{"items", items.size()}, {"error", self->system().render(err)}});
  for (auto& p : items)
    p.rp.deliver(err);
  finish(self);
}

void start(committer_pointer self, batch items) {
  committer_metrics::get().batch_size.observe(static_cast<double>(items.size()));
  auto shared = std::make_shared<batch>(std::move(items));
  auto pool = self->state.pool ? self->state.pool
                               : directory::get(self->system(),
                                                directory::db_pool);
  if (!pool) {
    on_failed(self, *shared, db::make_error(db::errc::unavailable, "no pool"));
    return;
  }
  auto input = std::make_shared<std::vector<sessions::commit_item>>();
  input->reserve(shared->size());
  for (auto& p : *shared)
    input->push_back(p.item);
  auto& opts = self->state.opts;
  bool claimed = opts.notify
                 && (!opts.notify_ready || opts.notify_ready(self->system()));
  auto claim = claimed ? sessions::outbox_claim::dispatcher
                       : sessions::outbox_claim::none;
  db::query(self, pool, "effects.commit",
            [input, claim](pqxx::connection_base& c) {
              return sessions::commit(c, *input, claim);
            },
            opts.db_timeout)
    .then(
      [self, shared, claimed](sessions::commit_result& result) {
        on_done(self, *shared, claimed, result);
      },
      [self, shared](caf::error& err) { on_failed(self, *shared, err); });
}

void flush(committer_pointer self) {
  group_flush(self->state.queue, [self](batch b) { start(self, std::move(b)); });
}

caf::result<sessions::commit_outcome> enqueue(committer_pointer self,
                                              sessions::commit_item& item) {
  auto& st = self->state;
  ++st.counters.items;
  if (st.queue.full()) {
    ++st.counters.refused;
    return db::make_error(db::errc::overloaded, "effects.commit");
  }
  pending_commit p{std::move(item),
                   self->make_response_promise<sessions::commit_outcome>()};
  auto rp = p.rp;
  group_push(self, st.queue, p, [self] { flush(self); },
             session::batch_due_atom::value);
  return rp;
}

std::string describe(committer_pointer self) {
  auto& st = self->state;
  auto& c = st.counters;
  auto out = group_info(st.queue);
  out.update({{"items", c.items},
              {"committed", c.committed},
              {"duplicates", c.duplicates},
              {"conflicts", c.conflicts},
              {"failed", c.failed},
              {"refused", c.refused},
              {"replies", c.replies},
              {"mailbox", self->mailbox().size()}});
  return out.dump();
}

} // namespace

void notify_outbox(caf::actor_system& sys,
                   std::vector<sessions::committed_reply> replies) {
  outbox::committed msg;
  msg.rows.reserve(replies.size());
  for (auto& r : replies) {
    outbox::outbox_row row;
    row.id = r.id;
    row.wa_id = std::move(r.wa_id);
    row.message = std::move(r.message);
    if (r.window_expires_at > 0)
      row.window_expires_at = caf::timestamp{std::chrono::seconds(r.window_expires_at)};
    msg.rows.push_back(std::move(row));
  }
  // The dispatcher stopped since the batch began: the rows stay 'sending'
  // until outbox-sending-stale-after, when the sweep sends them.
  if (!outbox::notify_committed(sys, std::move(msg)))
    log::warn("effects", "outbox gone after commit, rows wait for the sweep",
              {{"rows", replies.size()}});
}

bool outbox_running(caf::actor_system& sys) {
  return static_cast<bool>(directory::get(sys, directory::outbox));
}

committer_actor::behavior_type committer(committer_pointer self,
                                         caf::actor pool,
                                         committer_options opts) {
  auto& st = self->state;
  st.queue = group_queue<pending_commit>{opts.limits};
  st.opts = std::move(opts);
  st.pool = std::move(pool);
  return {
    [self](sessions::commit_item& item) { return enqueue(self, item); },
    [self](session::batch_due_atom) {
      self->state.queue.timer_fired();
      flush(self);
    },
    [self](caf::get_atom, info_atom) { return describe(self); },
  };
}

supervision::child_spec committer_child(committer_options opts) {
  return registered_child("effects_committer", "effects.committer",
                          committer_name,
                          [opts](caf::event_based_actor* parent) {
                            return parent->spawn(committer, caf::actor{}, opts);
                          });
}

} // namespace easymo::effects
