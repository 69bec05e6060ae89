// A callback that runs exactly once, for answers that cross from actors to
// threads that are not actors (Beast's io threads).
//
// Copies share one state; the first call wins and later calls do nothing. If
// every copy is dropped uncalled (the actor holding it died), the last one
// calls it with the fallback given at construction, so whoever waits for the
// answer always gets one.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <utility>

namespace easymo {

template <class T>
class once_callback {
public:
  using function = std::function<void(T)>;

  once_callback() = default;

  once_callback(function f, T fallback)
    : state_(std::make_shared<state>(std::move(f), std::move(fallback))) {
  }

  void operator()(T value) const {
    if (state_ && !state_->called.exchange(true))
      state_->fn(std::move(value));
  }

  explicit operator bool() const { return static_cast<bool>(state_); }

private:
  struct state {
    state(function f, T x) : fn(std::move(f)), fallback(std::move(x)) {
    }
    ~state() {
      if (!called.exchange(true))
        fn(std::move(fallback));
    }
    function fn;
    T fallback;
    std::atomic<bool> called{false};
  };

  std::shared_ptr<state> state_;
};

} // namespace easymo
