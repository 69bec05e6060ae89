#include "tests/support/session_fakes.hpp"

namespace easymo::test {

namespace {

using sessions::commit_status;

// What the real store decides for an item, applied to the fake rows.
sessions::commit_outcome store(fake_session_db& db,
                               const sessions::commit_item& item) {
  if (item.kind != sessions::item_kind::process)
    return {commit_status::committed, 0};
  auto& row = db.rows[item.wa_id];
  if (row.version != item.expected_version)
    return {commit_status::conflict, 0};
  row.flow = item.next;
  row.version += 1;
  row.last_inbound = item.inbound_at;
  for (auto& change : item.effects.profile)
    if (change.set_name)
      row.name = change.name;
  return {commit_status::committed, row.version};
}

} // namespace

caf::behavior fake_loader(caf::event_based_actor* self,
                          std::shared_ptr<fake_session_db> db) {
  return {
    [db](session::load_atom, const std::string& wa_id) {
      db->loads.push_back(wa_id);
      auto it = db->rows.find(wa_id);
      return it == db->rows.end() ? sessions::session_record{} : it->second;
    },
  };
}

caf::behavior fake_committer(fake_committer_actor* self,
                             std::shared_ptr<fake_session_db> db) {
  self->state.db = std::move(db);
  return {
    [self](sessions::commit_item& item) {
      auto& st = self->state;
      st.received.push_back(item);
      st.pending.push_back({std::move(item), self->make_response_promise()});
      return caf::delegated<sessions::commit_outcome>{};
    },
    [self](settle_atom, size_t n) {
      auto& st = self->state;
      for (size_t i = 0; i < n && !st.pending.empty(); ++i) {
        auto next = std::move(st.pending.front());
        st.pending.erase(st.pending.begin());
        next.rp.deliver(store(*st.db, next.item));
      }
    },
    [self](settle_atom, size_t n, commit_status forced) {
      auto& st = self->state;
      for (size_t i = 0; i < n && !st.pending.empty(); ++i) {
        auto next = std::move(st.pending.front());
        st.pending.erase(st.pending.begin());
        next.rp.deliver(sessions::commit_outcome{forced, 0});
      }
    },
    [self](refuse_atom, caf::error& err) {
      auto& st = self->state;
      if (st.pending.empty())
        return;
      auto next = std::move(st.pending.front());
      st.pending.erase(st.pending.begin());
      next.rp.deliver(std::move(err));
    },
  };
}

} // namespace easymo::test
