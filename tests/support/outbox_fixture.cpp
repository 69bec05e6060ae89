#include "tests/support/outbox_fixture.hpp"

#include "persistence/db/pool.hpp"
#include "protocols/whatsapp/graph.hpp"
#include "runtime/log.hpp"

#include <caf/all.hpp>

#include <pqxx/pqxx>

#include <algorithm>
#include <set>
#include <stdexcept>

namespace easymo::test {

using namespace std::chrono_literals;

outbox_fixture::outbox_fixture() {
  cfg.set("scheduler.max-threads", 2);
  sys = std::make_unique<caf::actor_system>(cfg);
  io = std::make_unique<http::io_pool>(1, "test-out");
  client = std::make_shared<http::client>(io->context());
  io->start();
  // Short timers so retries and the breaker's wait fit in a test.
  breaker_cfg.window_calls = 4;
  breaker_cfg.calls_min = 4;
  breaker_cfg.failure_rate_percent = 50;
  breaker_cfg.slow_call_duration = 5s;
  breaker_cfg.open_wait = 1s;
  breaker_cfg.half_open_calls = 1;
  opts.endpoint = {sim.base_url(), "v21.0", "106540352242922"};
  opts.token = sim.token();
  opts.request_timeout = 2s;
  opts.flush_delay_max = 1ms;
  opts.sweep_interval = 100ms;
  opts.sending_stale_after = 5s;
  opts.flush_retry_delay = 100ms;
  opts.retry.backoff_min = 50ms;
  opts.retry.backoff_max = 200ms;
  opts.jitter_seed = 42;
  db::pool_options popts;
  popts.url = db.url();
  popts.size = 2;
  popts.retry_backoff_min = 50ms;
  popts.retry_backoff_max = 300ms;
  pool = sys->spawn(db::pool, popts);
}

outbox_fixture::~outbox_fixture() {
  for (auto* a : {&outbox, &breaker, &pool})
    if (*a)
      caf::anon_send_exit(*a, caf::exit_reason::kill);
  // Calls still on the wire fail now, before the io threads go away.
  client->shutdown();
  sys.reset();
  client.reset();
  io->stop();
  io->join();
}

void outbox_fixture::start() {
  if (!eventually([&] { return scalar("SELECT 1") == 1; }, 20s))
    throw std::runtime_error("test database unreachable");
  breaker::breaker_options bo;
  bo.gateway = "whatsapp";
  bo.config = breaker_cfg;
  bo.failures = *breaker::parse_failure_policy("5xx,429,timeout,transport");
  bo.failures.exempt = whatsapp::is_user_scoped;
  bo.transport = breaker::client_transport(client);
  breaker = caf::actor_cast<caf::actor>(sys->spawn(breaker::breaker, bo));
  outbox = caf::actor_cast<caf::actor>(
    sys->spawn(outbox::outbox, pool, breaker, opts));
}

bool outbox_fixture::stop_outbox(std::chrono::milliseconds timeout) {
  caf::scoped_actor self{*sys};
  self->monitor(outbox);
  self->send_exit(outbox, caf::exit_reason::user_shutdown);
  bool down = false;
  self->receive([&](caf::down_msg&) { down = true; },
                caf::after(timeout) >> [] {});
  if (down)
    outbox = nullptr;
  return down;
}

std::string outbox_fixture::text(const std::string& to, const std::string& body) {
  return nlohmann::json{{"messaging_product", "whatsapp"},
                        {"recipient_type", "individual"},
                        {"to", to},
                        {"type", "text"},
                        {"text", {{"body", body}}}}
    .dump();
}

outbox::outbox_row outbox_fixture::insert(const std::string& to,
                                          const std::string& message,
                                          std::optional<int> window_s) {
  pqxx::connection c{db.url()};
  pqxx::work tx{c};
  auto r = window_s
             ? tx.exec_params1(
               "INSERT INTO outbox (wa_id, message, window_expires_at)"
               " VALUES ($1, $2::jsonb, now() + $3 * interval '1 second')"
               " RETURNING id, (extract(epoch FROM window_expires_at) * 1000)"
               "::bigint",
               to, message, *window_s)
             : tx.exec_params1("INSERT INTO outbox (wa_id, message)"
                               " VALUES ($1, $2::jsonb) RETURNING id, 0::bigint",
                               to, message);
  tx.commit();
  outbox::outbox_row row;
  row.id = r[0].as<int64_t>();
  row.wa_id = to;
  row.message = message;
  if (window_s)
    row.window_expires_at
      = caf::timestamp{std::chrono::milliseconds{r[1].as<int64_t>()}};
  return row;
}

void outbox_fixture::notify(std::vector<outbox::outbox_row> rows) {
  // What the committer's INSERT does for rows it hands over: claimed for
  // the dispatcher, first attempt counted. The committer inserts them so;
  // here they were inserted pending, and the dispatcher's sweep may have
  // taken one in between: that one is the sweep's, not announced again.
  auto ids = nlohmann::json::array();
  for (auto& r : rows)
    ids.push_back(r.id);
  pqxx::connection c{db.url()};
  pqxx::work tx{c};
  std::set<int64_t> claimed;
  for (auto row : tx.exec_params("UPDATE outbox SET status = 'sending',"
                                 " attempts = 1, updated_at = now()"
                                 " WHERE status = 'pending' AND id IN"
                                 " (SELECT value::bigint FROM"
                                 " jsonb_array_elements_text($1::jsonb))"
                                 " RETURNING id",
                                 ids.dump()))
    claimed.insert(row[0].as<int64_t>());
  tx.commit();
  rows.erase(std::remove_if(rows.begin(), rows.end(),
                            [&](const outbox::outbox_row& r) {
                              return claimed.count(r.id) == 0;
                            }),
             rows.end());
  caf::anon_send(outbox, outbox::committed{std::move(rows)});
}

row_view outbox_fixture::row(int64_t id) {
  pqxx::connection c{db.url()};
  pqxx::read_transaction tx{c};
  auto r = tx.exec_params1(
    "SELECT status, attempts, coalesce(wamid, ''),"
    " coalesce(last_error::text, 'null'),"
    " (extract(epoch FROM next_attempt_at - updated_at) * 1000)::bigint,"
    " sent_at IS NOT NULL FROM outbox WHERE id = $1",
    id);
  return {r[0].as<std::string>(), r[1].as<int32_t>(), r[2].as<std::string>(),
          nlohmann::json::parse(r[3].as<std::string>()), r[4].as<int64_t>(),
          r[5].as<bool>()};
}

bool outbox_fixture::wait_status(int64_t id, const std::string& status,
                                 std::chrono::milliseconds timeout) {
  return eventually([&] { return row(id).status == status; }, timeout);
}

void outbox_fixture::exec(const std::string& sql) {
  pqxx::connection c{db.url()};
  pqxx::work tx{c};
  tx.exec(sql);
  tx.commit();
}

int64_t outbox_fixture::scalar(const std::string& sql) {
  try {
    pqxx::connection c{db.url()};
    pqxx::read_transaction tx{c};
    return tx.exec1(sql)[0].as<int64_t>();
  } catch (const std::exception&) {
    return -1;
  }
}

namespace {

template <class Handle>
nlohmann::json info_of(caf::actor_system& sys, const Handle& hdl) {
  caf::scoped_actor self{sys};
  nlohmann::json out;
  self->request(hdl, std::chrono::seconds(5), caf::get_atom::value,
                info_atom::value)
    .receive([&](std::string& text) { out = nlohmann::json::parse(text); },
             [](caf::error&) {});
  return out;
}

} // namespace

nlohmann::json outbox_fixture::outbox_info() {
  return info_of(*sys, outbox);
}

nlohmann::json outbox_fixture::breaker_info() {
  return info_of(*sys, breaker);
}

} // namespace easymo::test
