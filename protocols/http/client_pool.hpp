// Internal to the HTTP client: the connections to one scheme+host+port and
// the calls waiting for them.
//
// A call is in exactly one place at a time: the wait queue, or on a
// connection (opening or exchanging). Whoever holds it finishes it: the
// deadline finishes queued calls itself, and closes the connection of an
// in-flight call so that the pending operation's handler finishes it. That
// keeps "exactly once" a matter of structure, not of flags.
#pragma once

#include "protocols/http/client.hpp"
#include "protocols/http/client_connection.hpp"
#include "protocols/http/client_target.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

namespace easymo::http::client_detail {

/// What every pool of one client shares; immutable once built.
struct pool_config {
  client_options options;
  std::shared_ptr<boost::asio::ssl::context> tls;
};

/// One call from send() to its callback.
struct call {
  call(const strand& ex, request_message msg, client_callback cb,
       std::string label, std::chrono::milliseconds timeout);

  std::shared_ptr<const request_message> request;
  client_callback callback;
  std::string label;
  std::chrono::milliseconds timeout;
  std::chrono::steady_clock::time_point started;
  boost::asio::steady_timer deadline;
  /// The connection opening or exchanging for this call, if any.
  std::shared_ptr<connection> conn;
  /// The current connection carried earlier exchanges.
  bool reused = false;
  bool retried = false;
  bool timed_out = false;
  bool finished = false;
};

using call_ptr = std::shared_ptr<call>;

/// Hands an outcome to a callback, keeping the io thread alive if it throws.
void deliver(const client_callback& cb, std::optional<client_error> err,
             client_response res);

class host_pool : public std::enable_shared_from_this<host_pool> {
public:
  host_pool(boost::asio::io_context& ioc, std::shared_ptr<const pool_config> cfg,
            target where);

  const strand& executor() const { return strand_; }

  /// Starts a call. On the strand.
  void submit(call_ptr c);

  /// Closes idle connections and fails every call, now and later, with
  /// `closed`. On the strand.
  void shutdown();

private:
  // -- placing calls --------------------------------------------------------
  void dispatch(const call_ptr& c);
  void open_connection(const call_ptr& c);
  void start_exchange(const call_ptr& c, std::shared_ptr<connection> conn);
  void pump();

  // -- handlers -------------------------------------------------------------
  void on_deadline(const call_ptr& c, boost::system::error_code ec);
  void on_open(const call_ptr& c, boost::system::error_code ec,
               open_step step);
  void on_exchange(const call_ptr& c, exchange_result result);
  void on_idle_expired(const connection* key);

  // -- connections going back or away ---------------------------------------
  void fail_exchange(const call_ptr& c, std::shared_ptr<connection> conn,
                     const exchange_result& result);
  void release(std::shared_ptr<connection> conn);
  void park(std::shared_ptr<connection> conn);
  void drop(const std::shared_ptr<connection>& conn);

  // -- outcomes -------------------------------------------------------------
  client_error error_for(const call& c, client_error otherwise) const;
  void finish(const call_ptr& c, std::optional<client_error> err,
              client_response res = {}, boost::system::error_code ec = {});

  strand strand_;
  std::shared_ptr<const pool_config> cfg_;
  target where_;
  /// Connections counted against the cap: opening, busy and idle.
  size_t open_ = 0;
  /// Most recently used last, so the warmest connection goes first.
  std::vector<std::shared_ptr<connection>> idle_;
  std::deque<call_ptr> waiting_;
  /// Calls that hold a connection, for shutdown to close.
  std::unordered_set<call_ptr> active_;
  bool closed_ = false;
};

} // namespace easymo::http::client_detail
