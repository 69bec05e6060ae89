// A connection's read and write deadlines, served by one timer.
//
// The stream's own timeouts do not fit: a connection must be able to wait
// for its next request with no deadline while an answer is still owed, and
// get its idle deadline once the last answer is written, but a stream
// timeout cannot be changed while a read is outstanding. Here deadlines are
// plain values that can move at any time; the timer only has to wake up no
// later than the earliest of them.
//
// Moving a deadline later costs nothing: the pending wait wakes up early,
// finds nothing due and sleeps again. Only moving it earlier re-arms.
//
// The timer also keeps its connection alive: it always has a wait pending
// (until "never" if nothing is due) and that wait holds the connection, so a
// connection that owes answers but has no I/O outstanding (reading paused by
// a full pipeline, or the client half-closed) is neither destroyed nor
// leaked. Responders only hold weak references; destroying the io_context
// destroys the wait and with it the connection.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <algorithm>
#include <chrono>
#include <utility>

namespace easymo::http::detail {

class deadlines {
public:
  using clock = std::chrono::steady_clock;
  using time_point = clock::time_point;

  explicit deadlines(const boost::asio::any_io_executor& ex) : timer_(ex) {
  }

  void read_in(clock::duration timeout) { read_ = clock::now() + timeout; }
  void clear_read() { read_ = never(); }
  void write_in(clock::duration timeout) { write_ = clock::now() + timeout; }
  void clear_write() { write_ = never(); }

  bool write_passed() const { return write_ <= clock::now(); }

  /// Whether a wait must be started: none is pending, or the pending one
  /// ends after the earliest deadline.
  bool needs_wait() const {
    // A wait is pending exactly while the expiry lies ahead, because every
    // expiry set here comes with an async_wait.
    auto expiry = timer_.expiry();
    return expiry <= clock::now() || expiry > next();
  }

  /// Waits until the earliest deadline; cancels any pending wait.
  template <class Handler>
  void wait(Handler&& handler) {
    timer_.expires_at(next());
    timer_.async_wait(std::forward<Handler>(handler));
  }

  enum class wake { expired, wait_again, newer_wait_pending };

  /// What a completed (not cancelled) wait means now.
  wake on_wake() const {
    if (next() <= clock::now())
      return wake::expired;
    // A completion queued before the timer was re-armed finds a newer wait
    // pending; it must not start another.
    if (timer_.expiry() > clock::now())
      return wake::newer_wait_pending;
    return wake::wait_again;
  }

  void cancel() { timer_.cancel(); }

private:
  static constexpr time_point never() { return time_point::max(); }
  time_point next() const { return std::min(read_, write_); }

  boost::asio::steady_timer timer_;
  time_point read_ = never();
  time_point write_ = never();
};

} // namespace easymo::http::detail
