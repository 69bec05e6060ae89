#include "protocols/http/client_pool.hpp"

#include "protocols/http/client_metrics.hpp"
#include "runtime/log.hpp"

#include <boost/assert.hpp>

#include <algorithm>
#include <exception>

namespace easymo::http::client_detail {

using boost::system::error_code;

namespace {

constexpr std::string_view component = "http.client";

client_response to_client_response(response_message msg) {
  client_response out;
  out.status = static_cast<int>(msg.result_int());
  for (const auto& field : msg)
    out.headers.emplace_back(std::string{field.name_string()},
                             std::string{field.value()});
  out.body = std::move(msg.body());
  return out;
}

} // namespace

call::call(const strand& ex, request_message msg, client_callback cb,
           std::string label, std::chrono::milliseconds timeout)
  : request(std::make_shared<const request_message>(std::move(msg))),
    callback(std::move(cb)),
    label(std::move(label)),
    timeout(timeout),
    started(std::chrono::steady_clock::now()),
    deadline(ex) {
}

void deliver(const client_callback& cb, std::optional<client_error> err,
             client_response res) {
  // An exception escaping into io_context::run would take the io thread,
  // and every call on it, down with it.
  try {
    cb(err, std::move(res));
  } catch (const std::exception& e) {
    log::error(component, "callback threw", {{"what", e.what()}});
  } catch (...) {
    log::error(component, "callback threw a non-exception");
  }
}

host_pool::host_pool(boost::asio::io_context& ioc,
                     std::shared_ptr<const pool_config> cfg, target where)
  : strand_(boost::asio::make_strand(ioc)),
    cfg_(std::move(cfg)),
    where_(std::move(where)) {
}

void host_pool::submit(call_ptr c) {
  if (closed_)
    return finish(c, client_error::closed);
  c->deadline.expires_after(c->timeout);
  c->deadline.async_wait([self = shared_from_this(), c](error_code ec) {
    self->on_deadline(c, ec);
  });
  dispatch(c);
}

void host_pool::shutdown() {
  if (closed_)
    return;
  closed_ = true;
  for (auto& conn : idle_)
    conn->close_gracefully();
  open_ -= idle_.size();
  idle_.clear();
  for (auto& c : std::exchange(waiting_, {}))
    finish(c, client_error::closed);
  // In-flight calls finish from their own handlers once the socket is gone.
  std::vector<call_ptr> active(active_.begin(), active_.end());
  for (auto& c : active)
    if (c->conn)
      c->conn->close();
}

// -- placing calls ------------------------------------------------------------

void host_pool::dispatch(const call_ptr& c) {
  if (!idle_.empty()) {
    auto conn = std::move(idle_.back());
    idle_.pop_back();
    conn->stop_idle();
    return start_exchange(c, std::move(conn));
  }
  if (open_ < cfg_->options.connections_per_host_max) {
    ++open_;
    return open_connection(c);
  }
  if (waiting_.size() >= cfg_->options.queued_requests_max)
    return finish(c, client_error::overloaded);
  waiting_.push_back(c);
}

// The caller has already counted the connection in open_.
void host_pool::open_connection(const call_ptr& c) {
  c->conn = make_connection(strand_, cfg_->tls, where_,
                            cfg_->options.verify_peer);
  c->reused = false;
  active_.insert(c);
  c->conn->async_open(
    [self = shared_from_this(), c](error_code ec, open_step step) {
      self->on_open(c, ec, step);
    });
}

void host_pool::start_exchange(const call_ptr& c,
                               std::shared_ptr<connection> conn) {
  c->reused = conn->exchanges() > 0;
  c->conn = std::move(conn);
  active_.insert(c);
  c->conn->async_exchange(
    c->request, cfg_->options.response_body_bytes_max,
    [self = shared_from_this(), c](exchange_result result) {
      self->on_exchange(c, std::move(result));
    });
}

// Waiting calls take the slots that closed connections freed. Idle
// connections are always handed to waiters first, so only slots matter here.
void host_pool::pump() {
  while (!closed_ && !waiting_.empty()
         && open_ < cfg_->options.connections_per_host_max) {
    auto c = std::move(waiting_.front());
    waiting_.pop_front();
    ++open_;
    open_connection(c);
  }
}

// -- handlers -----------------------------------------------------------------

void host_pool::on_deadline(const call_ptr& c, error_code ec) {
  // Aborted: the call finished first and cancelled its deadline.
  if (ec || c->finished)
    return;
  c->timed_out = true;
  auto queued = std::find(waiting_.begin(), waiting_.end(), c);
  if (queued != waiting_.end()) {
    waiting_.erase(queued);
    return finish(c, client_error::timeout);
  }
  BOOST_ASSERT(c->conn);
  // Only closing the socket stops the pending resolve, connect or read; its
  // handler then reports the timeout.
  c->conn->close();
}

void host_pool::on_open(const call_ptr& c, error_code ec, open_step step) {
  if (ec) {
    auto conn = std::exchange(c->conn, nullptr);
    drop(conn);
    auto err = step == open_step::handshake ? client_error::tls_failed
                                            : client_error::connect_failed;
    return finish(c, error_for(*c, err), {}, ec);
  }
  start_exchange(c, c->conn);
}

void host_pool::on_exchange(const call_ptr& c, exchange_result result) {
  auto conn = std::exchange(c->conn, nullptr);
  if (result.ec)
    return fail_exchange(c, std::move(conn), result);
  // A timed-out call still gets the response that beat the deadline, but
  // its connection was closed under it.
  if (result.reusable && !closed_ && !c->timed_out)
    release(std::move(conn));
  else
    drop(conn);
  finish(c, std::nullopt, to_client_response(std::move(result.response)));
}

void host_pool::on_idle_expired(const connection* key) {
  auto it = std::find_if(idle_.begin(), idle_.end(),
                         [key](const auto& conn) { return conn.get() == key; });
  if (it == idle_.end())
    return;
  auto conn = std::move(*it);
  idle_.erase(it);
  conn->close_gracefully();
  --open_;
  // No pump(): a connection only idles when nobody waits for one.
  BOOST_ASSERT(waiting_.empty());
}

// -- connections going back or away ------------------------------------------

void host_pool::fail_exchange(const call_ptr& c,
                              std::shared_ptr<connection> conn,
                              const exchange_result& result) {
  // Servers close idle keep-alive connections on their own schedule, and a
  // reuse can race that close. When no response byte arrived the server
  // most likely never processed the request, so one retry on a fresh
  // connection (which keeps this one's slot) hides the race.
  if (c->reused && !result.got_bytes && !c->retried && !c->timed_out
      && !closed_) {
    c->retried = true;
    conn->close();
    log::debug(component, "reused connection failed, retrying on a new one",
               {{"label", c->label},
                {"host", where_.host},
                {"detail", result.ec.message()}});
    return open_connection(c);
  }
  drop(conn);
  finish(c, error_for(*c, classify_exchange_error(result.ec)), {}, result.ec);
}

void host_pool::release(std::shared_ptr<connection> conn) {
  if (waiting_.empty())
    return park(std::move(conn));
  auto next = std::move(waiting_.front());
  waiting_.pop_front();
  start_exchange(next, std::move(conn));
}

void host_pool::park(std::shared_ptr<connection> conn) {
  auto* key = conn.get();
  conn->watch_idle(cfg_->options.idle_timeout,
                   [self = shared_from_this(), key] {
                     self->on_idle_expired(key);
                   });
  idle_.push_back(std::move(conn));
}

void host_pool::drop(const std::shared_ptr<connection>& conn) {
  conn->close();
  --open_;
  pump();
}

// -- outcomes -----------------------------------------------------------------

// The deadline and shutdown close sockets themselves, so the error the
// operation saw says less than why the socket was closed.
client_error host_pool::error_for(const call& c,
                                  client_error otherwise) const {
  if (c.timed_out)
    return client_error::timeout;
  if (closed_)
    return client_error::closed;
  return otherwise;
}

void host_pool::finish(const call_ptr& c, std::optional<client_error> err,
                       client_response res, error_code ec) {
  BOOST_ASSERT(!c->finished);
  c->finished = true;
  c->deadline.cancel();
  active_.erase(c);
  auto elapsed = std::chrono::duration<double>(
                   std::chrono::steady_clock::now() - c->started)
                   .count();
  if (err) {
    record_call(c->label, to_string(*err), elapsed);
    nlohmann::json fields{{"label", c->label},
                          {"host", where_.host},
                          {"error", to_string(*err)},
                          {"retried", c->retried}};
    if (ec)
      fields["detail"] = ec.message();
    log::warn(component, "call failed", fields);
  } else {
    record_call(c->label, std::to_string(res.status), elapsed);
    log::debug(component, "call done",
               {{"label", c->label},
                {"status", res.status},
                {"ms", static_cast<int64_t>(elapsed * 1000)}});
  }
  deliver(std::exchange(c->callback, {}), err, std::move(res));
}

} // namespace easymo::http::client_detail
