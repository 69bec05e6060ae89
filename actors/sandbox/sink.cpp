#include "actors/sandbox/sink.hpp"

#include "persistence/db/query.hpp"
#include "protocols/whatsapp/graph.hpp"
#include "protocols/whatsapp/outbound.hpp"
#include "runtime/directory.hpp"
#include "runtime/log.hpp"

#include <caf/all.hpp>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include <charconv>

namespace easymo::sandbox {

namespace {

using json = nlohmann::json;

using store_due_atom = caf::atom_constant<caf::atom("storedue")>;

constexpr const char* insert_sql =
  "INSERT INTO sandbox_outbound (wa_id, wamid, message, outbox_id)"
  " SELECT wa_id, wamid, message, NULLIF(outbox_id, 0)"
  " FROM jsonb_to_recordset($1::jsonb) AS x (wa_id text, wamid text,"
  " message jsonb, outbox_id bigint)";

int64_t outbox_id_of(const std::string& data) {
  int64_t id = 0;
  auto [end, ec] = std::from_chars(data.data(), data.data() + data.size(), id);
  return ec == std::errc{} && end == data.data() + data.size() && id > 0 ? id
                                                                         : 0;
}

int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
           std::chrono::system_clock::now().time_since_epoch())
    .count();
}

void queue_statuses(sink_actor* self, const std::vector<accepted_message>& batch) {
  auto& st = self->state;
  if (!st.opts.statuses)
    return;
  auto ts = unix_now();
  for (auto& m : batch)
    for (auto* status : {"sent", "delivered"})
      st.statuses.push_back(
        whatsapp::status_item{m.wamid, status, m.to, ts, m.callback_data});
  detail::relay_statuses(self);
}

void store(sink_actor* self);

void on_stored(sink_actor* self, std::vector<accepted_message>& batch) {
  auto& st = self->state;
  st.storing = false;
  st.stored += batch.size();
  for (auto& m : batch) {
    auto doc = json::parse(m.body, nullptr, false);
    m.res(http::json_response(
      boost::beast::http::status::ok,
      whatsapp::accepted_body(m.to, m.wamid, whatsapp::is_template(doc))));
  }
  queue_statuses(self, batch);
  store(self);
}

// Meta answers 500 with code 131000 when it cannot take a message; the
// outbox retries it, as it would with Meta.
void on_store_failed(sink_actor* self, std::vector<accepted_message>& batch,
                     const caf::error& err) {
  auto& st = self->state;
  st.storing = false;
  st.store_failures += batch.size();
  log::warn("sandbox", "cannot store sandbox messages",
            {{"messages", batch.size()},
             {"error", self->system().render(err)}});
  auto spec = whatsapp::graph_error(whatsapp::graph_code::something_wrong);
  for (auto& m : batch)
    m.res(whatsapp::graph_error_response(spec));
  store(self);
}

// Stores the queue's first batch, one batch at a time.
void store(sink_actor* self) {
  auto& st = self->state;
  if (st.storing || st.queue.empty())
    return;
  auto n = std::min(st.queue.size(), st.opts.batch_rows_max);
  auto batch = std::make_shared<std::vector<accepted_message>>(
    std::make_move_iterator(st.queue.begin()),
    std::make_move_iterator(st.queue.begin() + static_cast<ptrdiff_t>(n)));
  st.queue.erase(st.queue.begin(), st.queue.begin() + static_cast<ptrdiff_t>(n));
  auto rows = json::array();
  for (auto& m : *batch)
    rows.push_back({{"wa_id", m.to},
                    {"wamid", m.wamid},
                    {"message", json::parse(m.body, nullptr, false)},
                    {"outbox_id", m.outbox_id}});
  auto pool = directory::get(self->system(), directory::db_pool);
  if (!pool) {
    on_store_failed(self, *batch,
                    caf::make_error(caf::sec::request_receiver_down));
    return;
  }
  st.storing = true;
  db::query(
    self, pool, "sandbox.store",
    [rows = rows.dump()](pqxx::connection_base& c) {
      pqxx::work tx{c};
      tx.exec_params(insert_sql, rows);
      tx.commit();
    },
    st.opts.db_timeout)
    .then([self, batch](std::monostate&) { on_stored(self, *batch); },
          [self, batch](caf::error& err) {
            on_store_failed(self, *batch, err);
          });
}

void accept(sink_actor* self, const http::request& req, http::responder res) {
  auto& st = self->state;
  ++st.received;
  json body;
  if (auto refusal = whatsapp::judge_request(req, st.opts.token, body)) {
    ++st.refused;
    log::info("sandbox", "message refused as Meta would",
              {{"code", refusal->code}}, req.id);
    res(whatsapp::graph_error_response(*refusal));
    return;
  }
  auto data = body.value("biz_opaque_callback_data", std::string{});
  auto id = outbox_id_of(data);
  st.queue.push_back(accepted_message{body["to"].get<std::string>(),
                                      whatsapp::make_wamid(), req.body(), id,
                                      std::move(data), std::move(res)});
  if (st.queue.size() >= st.opts.batch_rows_max) {
    store(self);
  } else if (!st.timer_armed) {
    st.timer_armed = true;
    self->delayed_send(self, st.opts.batch_delay_max, store_due_atom::value);
  }
}

std::string describe(sink_actor* self) {
  auto& st = self->state;
  json out{{"received", st.received},
           {"refused", st.refused},
           {"stored", st.stored},
           {"store_failures", st.store_failures},
           {"queued", st.queue.size()},
           {"statuses_queued", st.statuses.size()},
           {"statuses_posted", st.statuses_posted},
           {"statuses_lost", st.statuses_lost},
           {"direct_statuses", st.direct},
           {"mailbox", self->mailbox().size()}};
  return out.dump();
}

} // namespace

caf::behavior sink(sink_actor* self, sink_options opts) {
  self->state.opts = std::move(opts);
  return {
    [self](graph_atom, http::request_ptr& req, http::responder& res) {
      accept(self, *req, res);
    },
    [self](messages_atom, http::request_ptr& req, http::responder& res) {
      detail::answer_messages(self, *req, res);
    },
    [self](store_due_atom) {
      self->state.timer_armed = false;
      store(self);
    },
    [self](detail::posted_atom, int status) {
      detail::on_posted(self, status);
    },
    [self](caf::get_atom, info_atom) { return describe(self); },
  };
}

supervision::child_spec sink_child(sink_options opts) {
  supervision::child_spec spec;
  spec.name = "sandbox";
  spec.kind = "sandbox.sink";
  spec.start = [opts](caf::event_based_actor* parent) {
    auto actor = parent->spawn(sink, opts);
    directory::put(parent->system(), directory::sandbox, actor);
    return actor;
  };
  return spec;
}

} // namespace easymo::sandbox
