#include "protocols/http/io_pool.hpp"

#include "runtime/log.hpp"

#include <pthread.h>

#include <algorithm>
#include <cassert>
#include <exception>

namespace easymo::http {

io_pool::io_pool(std::size_t threads, std::string name)
  : threads_(std::max<std::size_t>(threads, 1)),
    name_(std::move(name)),
    // The hint tells asio whether it may skip locking; it must not when
    // several threads run the context.
    ctx_(static_cast<int>(threads_)) {
}

io_pool::~io_pool() {
  stop();
  join();
}

void io_pool::start() {
  if (!workers_.empty())
    return;
  if (ctx_.stopped())
    ctx_.restart();
  // Without outstanding work run() would return as soon as the last
  // connection closes, and the pool would silently stop serving.
  work_.emplace(ctx_.get_executor());
  workers_.reserve(threads_);
  for (std::size_t i = 0; i < threads_; ++i)
    workers_.emplace_back([this, i] { run_thread(i); });
}

void io_pool::stop() {
  work_.reset();
  ctx_.stop();
}

void io_pool::join() {
  for (auto& t : workers_) {
    // A thread cannot join itself: stopping the pool from one of its own
    // handlers is a programming error.
    assert(t.get_id() != std::this_thread::get_id());
    if (t.joinable())
      t.join();
  }
  workers_.clear();
}

void io_pool::run_thread(std::size_t index) {
  // Linux limits thread names to 15 characters.
  auto label = (name_ + "-" + std::to_string(index)).substr(0, 15);
  pthread_setname_np(pthread_self(), label.c_str());
  // An exception escaping a handler must not take the whole process down
  // through std::terminate; asio allows run() to be called again after it.
  for (;;) {
    try {
      ctx_.run();
      return;
    } catch (const std::exception& e) {
      log::error("http", "exception escaped an io handler",
                 {{"what", e.what()}, {"thread", label}});
    }
  }
}

} // namespace easymo::http
