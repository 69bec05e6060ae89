#include "actors/session/session.hpp"

#include "actors/domains/protocol.hpp"
#include "actors/effects/committer.hpp"
#include "actors/session/loader.hpp"
#include "persistence/db/protocol.hpp"
#include "runtime/directory.hpp"
#include "runtime/log.hpp"

#include <caf/all.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cassert>

namespace easymo::session {

namespace {

using step = in_flight::step;

std::string cid_of(const session_actor* self) {
  return std::to_string(self->state.current->job.event.id);
}

// The database or the committer being away is not the event's fault: wait
// and try the same step again, without counting an attempt.
bool transient(const caf::error& err) {
  return db::is(err, db::errc::unavailable) || db::is(err, db::errc::overloaded)
         || err == caf::sec::request_timeout
         || err == caf::sec::request_receiver_down;
}

void crash(session_actor* self, const caf::error& err) {
  log::warn("session", "giving up on the event, the shard retries it",
            {{"wa_id", self->state.wa_id},
             {"error", self->system().render(err)}},
            cid_of(self));
  self->quit(err);
}

void run(session_actor* self);
void load(session_actor* self);
void commit(session_actor* self);

void retry_later(session_actor* self, const caf::error& err) {
  auto& cur = *self->state.current;
  auto& env = *self->state.env;
  cur.backoff = cur.backoff.count() == 0
                  ? env.retry_backoff_min
                  : std::min(cur.backoff * 2, env.retry_backoff_max);
  log::debug("session", "retrying after a transient error",
             {{"error", self->system().render(err)},
              {"backoff_ms", std::chrono::duration_cast<std::chrono::milliseconds>(
                               cur.backoff)
                               .count()}},
             cid_of(self));
  self->delayed_send(self, cur.backoff, retry_atom::value);
}

void on_retry(session_actor* self) {
  auto& cur = self->state.current;
  if (!cur)
    return;
  if (cur->at == step::committing)
    commit(self);
  else
    load(self);
}

void finish(session_actor* self) {
  auto& st = self->state;
  auto done = std::move(st.current);
  ++st.handled;
  self->send(done->shard, done_atom::value, st.wa_id, done->job.event.id);
}

template <class Handle>
Handle service(session_actor* self, const caf::actor& fixed,
               caf::atom_value name) {
  auto hdl = fixed ? fixed : directory::get(self->system(), name);
  return caf::actor_cast<Handle>(hdl);
}

void load(session_actor* self) {
  auto& st = self->state;
  st.current->at = step::loading;
  auto hdl = service<loader_actor>(self, st.env->loader, loader_name);
  if (!hdl) {
    retry_later(self, caf::sec::request_receiver_down);
    return;
  }
  self->request(hdl, st.env->request_timeout, load_atom::value, st.wa_id)
    .then(
      [self](sessions::session_record& rec) {
        self->state.adopt(std::move(rec));
        run(self);
      },
      [self](caf::error& err) {
        if (transient(err))
          retry_later(self, err);
        else
          crash(self, err);
      });
}

int64_t inbound_time(const inbound_event& ev) {
  if (ev.timestamp > 0)
    return ev.timestamp;
  return std::chrono::duration_cast<std::chrono::seconds>(
           std::chrono::system_clock::now().time_since_epoch())
    .count();
}

// The item for a decision: the new state, the rendered replies and the
// side effects of one event, based on the version the decision saw.
sessions::commit_item process_item(session_actor* self,
                                   domains::decision& d) {
  auto& st = self->state;
  auto& ev = st.current->job.event;
  sessions::commit_item item;
  item.kind = sessions::item_kind::process;
  item.event_id = ev.id;
  item.wa_id = st.wa_id;
  item.expected_version = st.version;
  item.next = std::move(d.next);
  item.inbound_at = inbound_time(ev);
  for (auto& r : d.replies)
    item.messages.push_back(
      domains::render(r, st.wa_id));
  item.effects = std::move(d.effects);
  return item;
}

// A reply that needs no domain: the apology or the "slow down".
sessions::commit_item notice_item(session_actor* self, sessions::item_kind kind,
                                  const char* key) {
  auto& st = self->state;
  auto& ev = st.current->job.event;
  sessions::commit_item item;
  item.kind = kind;
  item.event_id = ev.id;
  item.wa_id = st.wa_id;
  item.inbound_at = inbound_time(ev);
  auto text = st.env->texts->get(st.lang, key);
  item.messages.push_back(domains::render(domains::text_reply(text), st.wa_id));
  return item;
}

void decide(session_actor* self) {
  auto& st = self->state;
  auto& cur = *st.current;
  cur.at = step::deciding;
  auto& msg = cur.job.event.message;
  auto flow = st.flow();
  auto r = router::decide(*st.env->keywords, {msg.kind, msg.text, msg.reply_id,
                                              flow.domain, flow.step});
  if (r.from == router::source::ignore) {
    // Nothing to answer, but the event is handled: mark it.
    domains::decision none;
    none.next = flow;
    cur.item = process_item(self, none);
    commit(self);
    return;
  }
  auto name = domains::domain_actor_name(r.domain);
  auto hdl = name ? directory::get(self->system(), *name) : caf::actor{};
  if (!hdl) {
    crash(self, caf::make_error(caf::sec::request_receiver_down, r.domain));
    return;
  }
  domains::decision_request req{{st.wa_id, std::move(flow), st.user_name()},
                                msg, std::move(r.action), std::move(r.arg)};
  self
    ->request(caf::actor_cast<domains::domain_actor>(hdl),
              st.env->request_timeout, domains::decide_atom::value,
              std::move(req))
    .then(
      [self](domains::decision& d) {
        self->state.current->item = process_item(self, d);
        commit(self);
      },
      [self](caf::error& err) { crash(self, err); });
}

void run(session_actor* self) {
  auto& cur = *self->state.current;
  switch (cur.job.kind) {
    case work_kind::process:
      decide(self);
      return;
    case work_kind::slow_down:
      cur.item = notice_item(self, sessions::item_kind::slow_down,
                             "error.slow_down");
      commit(self);
      return;
    case work_kind::fail:
      cur.item = notice_item(self, sessions::item_kind::fail, "error.apology");
      commit(self);
      return;
  }
}

// The committed state becomes the session's state.
void apply(session_actor* self, const sessions::commit_outcome& out) {
  auto& st = self->state;
  auto& item = st.current->item;
  if (item.kind != sessions::item_kind::process)
    return;
  st.set_flow(std::move(item.next));
  st.version = out.version;
  st.last_inbound = std::max(st.last_inbound, item.inbound_at);
  for (auto& change : item.effects.profile)
    if (change.set_name)
      st.set_user_name(change.name);
}

void on_outcome(session_actor* self, const sessions::commit_outcome& out) {
  auto& st = self->state;
  auto& cur = *st.current;
  switch (out.status) {
    case sessions::commit_status::committed:
      apply(self, out);
      finish(self);
      return;
    case sessions::commit_status::duplicate:
      // Handled before (a replay, or a redelivery): what it wrote is in
      // the database, not here, so read it again before the next event.
      st.loaded = false;
      finish(self);
      return;
    case sessions::commit_status::conflict:
      if (++cur.conflicts > st.env->conflicts_max) {
        crash(self, caf::make_error(caf::sec::runtime_error,
                                    "session version conflicts"));
        return;
      }
      st.loaded = false;
      load(self);
      return;
  }
}

void commit(session_actor* self) {
  auto& st = self->state;
  st.current->at = step::committing;
  auto hdl = service<effects::committer_actor>(self, st.env->committer,
                                               effects::committer_name);
  if (!hdl) {
    retry_later(self, caf::sec::request_receiver_down);
    return;
  }
  self->request(hdl, st.env->commit_timeout, st.current->item)
    .then(
      [self](sessions::commit_outcome& out) { on_outcome(self, out); },
      [self](caf::error& err) {
        if (transient(err))
          retry_later(self, err);
        else
          crash(self, err);
      });
}

void on_work(session_actor* self, work& job) {
  auto& st = self->state;
  // The shard sends the next event only after `done`: two at once is a bug.
  assert(!st.current);
  st.current = std::make_unique<in_flight>();
  st.current->job = std::move(job);
  st.current->shard = caf::actor_cast<caf::actor>(self->current_sender());
  if (st.loaded)
    run(self);
  else
    load(self);
}

} // namespace

void session_state::adopt(sessions::session_record&& rec) {
  version = rec.version;
  last_inbound = rec.last_inbound;
  lang = rec.flow.lang;
  extras.reset();
  set_flow(std::move(rec.flow));
  set_user_name(rec.name);
  loaded = true;
}

domains::flow_state session_state::flow() const {
  domains::flow_state out;
  out.lang = lang;
  if (extras) {
    out.domain = extras->domain;
    out.step = extras->step;
    out.context = extras->context;
  }
  return out;
}

void session_state::set_flow(domains::flow_state&& next) {
  lang = next.lang;
  if (!extras && next.domain.empty() && next.step.empty()
      && next.context.empty())
    return;
  if (!extras)
    extras = std::make_unique<session_extras>();
  extras->domain = std::move(next.domain);
  extras->step = std::move(next.step);
  extras->context = std::move(next.context);
  if (extras->domain.empty() && extras->step.empty()
      && extras->context.empty() && extras->name.empty())
    extras.reset();
}

const std::string& session_state::user_name() const {
  static const std::string none;
  return extras ? extras->name : none;
}

void session_state::set_user_name(const std::string& name) {
  if (!extras && name.empty())
    return;
  if (!extras)
    extras = std::make_unique<session_extras>();
  extras->name = name;
  if (name.empty() && extras->domain.empty() && extras->step.empty()
      && extras->context.empty())
    extras.reset();
}

caf::behavior session(session_actor* self, std::string wa_id,
                      std::shared_ptr<const session_env> env) {
  self->state.wa_id = std::move(wa_id);
  self->state.env = std::move(env);
  return {
    [self](work& job) { on_work(self, job); },
    [self](retry_atom) { on_retry(self); },
    [self](caf::get_atom, info_atom) {
      auto& st = self->state;
      auto flow = st.flow();
      return nlohmann::json{{"wa_id", log::mask_phone(st.wa_id)},
                            {"loaded", st.loaded},
                            {"version", st.version},
                            {"domain", flow.domain},
                            {"step", flow.step},
                            {"busy", static_cast<bool>(st.current)},
                            {"handled", st.handled},
                            {"mailbox", self->mailbox().size()}}
        .dump();
    },
  };
}

} // namespace easymo::session
