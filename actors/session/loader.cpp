#include "actors/session/loader.hpp"

#include "persistence/db/query.hpp"
#include "runtime/directory.hpp"
#include "runtime/log.hpp"
#include "runtime/registered_child.hpp"

#include <caf/all.hpp>

#include <nlohmann/json.hpp>

#include <memory>

namespace easymo::session {

namespace {

using batch = std::vector<pending_load>;

void flush(loader_pointer self);

void finish(loader_pointer self) {
  self->state.queue.finished();
  // Whatever queued meanwhile already waited a whole query: send it now.
  flush(self);
}

void fail_batch(loader_pointer self, batch& items, const caf::error& err) {
  self->state.failed += items.size();
  log::warn("session.loader", "loading sessions failed",
            {{"sessions", items.size()}, {"error", self->system().render(err)}});
  for (auto& p : items)
    p.rp.deliver(err);
  finish(self);
}

void start(loader_pointer self, batch items) {
  auto shared = std::make_shared<batch>(std::move(items));
  auto pool = self->state.pool ? self->state.pool
                               : directory::get(self->system(),
                                                directory::db_pool);
  if (!pool) {
    fail_batch(self, *shared,
               db::make_error(db::errc::unavailable, "no db pool"));
    return;
  }
  std::vector<std::string> ids;
  ids.reserve(shared->size());
  for (auto& p : *shared)
    ids.push_back(p.wa_id);
  db::query(self, pool, "sessions.load",
            [ids = std::move(ids)](pqxx::connection_base& c) {
              return sessions::load(c, ids);
            },
            self->state.opts.db_timeout)
    .then(
      [self, shared](std::vector<sessions::session_record>& rows) {
        auto& items = *shared;
        // sessions::load answers every id, in order: anything else is a bug.
        assert(rows.size() == items.size());
        for (size_t i = 0; i < items.size() && i < rows.size(); ++i)
          items[i].rp.deliver(std::move(rows[i]));
        self->state.loads += items.size();
        finish(self);
      },
      [self, shared](caf::error& err) { fail_batch(self, *shared, err); });
}

void flush(loader_pointer self) {
  group_flush(self->state.queue, [self](batch b) { start(self, std::move(b)); });
}

caf::result<sessions::session_record> enqueue(loader_pointer self,
                                              std::string& wa_id) {
  auto& st = self->state;
  if (st.queue.full()) {
    ++st.refused;
    return db::make_error(db::errc::overloaded, "sessions.load");
  }
  pending_load p{std::move(wa_id),
                 self->make_response_promise<sessions::session_record>()};
  auto rp = p.rp;
  group_push(self, st.queue, p, [self] { flush(self); }, batch_due_atom::value);
  return rp;
}

} // namespace

loader_actor::behavior_type loader(loader_pointer self, caf::actor pool,
                                   loader_options opts) {
  auto& st = self->state;
  st.opts = opts;
  st.pool = std::move(pool);
  st.queue = group_queue<pending_load>{opts.limits};
  return {
    [self](load_atom, std::string& wa_id) { return enqueue(self, wa_id); },
    [self](batch_due_atom) {
      self->state.queue.timer_fired();
      flush(self);
    },
    [self](caf::get_atom, info_atom) {
      auto& st = self->state;
      auto out = group_info(st.queue);
      out.update({{"loads", st.loads},
                  {"failed", st.failed},
                  {"refused", st.refused},
                  {"mailbox", self->mailbox().size()}});
      return out.dump();
    },
  };
}

supervision::child_spec loader_child(loader_options opts) {
  return registered_child("session_loader", "session.loader", loader_name,
                          [opts](caf::event_based_actor* parent) {
                            return parent->spawn(loader, caf::actor{}, opts);
                          });
}

} // namespace easymo::session
