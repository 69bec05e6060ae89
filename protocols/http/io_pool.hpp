// N threads running one io_context: where every socket of the HTTP layer
// lives. Connections get their own strand, so N > 1 needs no other locking.
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace easymo::http {

class io_pool {
public:
  /// A pool of `threads` threads (at least one); call start() to run them.
  explicit io_pool(std::size_t threads = 1, std::string name = "easymo-io");

  io_pool(const io_pool&) = delete;
  io_pool& operator=(const io_pool&) = delete;

  /// Stops and joins. Pending handlers are destroyed, not run.
  ~io_pool();

  boost::asio::io_context& context() { return ctx_; }

  std::size_t threads() const { return threads_; }

  /// Starts the threads. The context keeps running while idle until stop().
  void start();

  /// Makes every thread return as soon as its current handler finishes.
  void stop();

  /// Waits for the threads to return after stop().
  void join();

private:
  void run_thread(std::size_t index);

  std::size_t threads_;
  std::string name_;
  boost::asio::io_context ctx_;
  std::optional<
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type>>
    work_;
  std::vector<std::thread> workers_;
};

} // namespace easymo::http
