#include "actors/breaker/core.hpp"

#include <algorithm>
#include <cassert>

namespace easymo::breaker {

const char* to_string(state s) {
  switch (s) {
    case state::closed:
      return "closed";
    case state::open:
      return "open";
    case state::half_open:
      return "half_open";
  }
  return "unknown";
}

breaker_core::breaker_core(breaker_config cfg) : cfg_(cfg) {
  // A breaker without a window or trial calls is a configuration bug; the
  // config loader refuses such values before they get here.
  assert(cfg_.window_calls > 0 && cfg_.calls_min > 0
         && cfg_.half_open_calls > 0);
  enter(state::closed);
}

permit breaker_core::acquire() {
  switch (state_) {
    case state::closed:
      return {true, epoch_};
    case state::open:
      return {false, epoch_};
    case state::half_open:
      if (trials_issued_ >= cfg_.half_open_calls)
        return {false, epoch_};
      ++trials_issued_;
      return {true, epoch_};
  }
  return {false, epoch_};
}

std::optional<transition>
breaker_core::record(uint64_t epoch, bool failure,
                     std::chrono::nanoseconds elapsed) {
  if (epoch != epoch_ || state_ == state::open)
    return std::nullopt;
  push(failure, elapsed > cfg_.slow_call_duration);
  return evaluate();
}

std::optional<transition> breaker_core::wait_elapsed(uint64_t epoch) {
  if (epoch != epoch_ || state_ != state::open || forced_)
    return std::nullopt;
  enter(state::half_open);
  return transition{state::open, state::half_open, "wait_elapsed"};
}

transition breaker_core::reset() {
  auto from = state_;
  forced_ = false;
  enter(state::closed);
  return {from, state::closed, "reset"};
}

transition breaker_core::force_open() {
  auto from = state_;
  enter(state::open);
  forced_ = true;
  return {from, state::open, "forced_open"};
}

double breaker_core::failure_rate() const {
  if (count_ < minimum())
    return -1;
  return 100.0 * static_cast<double>(failures_) / static_cast<double>(count_);
}

double breaker_core::slow_call_rate() const {
  if (count_ < minimum())
    return -1;
  return 100.0 * static_cast<double>(slows_) / static_cast<double>(count_);
}

void breaker_core::enter(state s) {
  state_ = s;
  forced_ = false;
  ++epoch_;
  trials_issued_ = 0;
  ring_.assign(capacity(), 0);
  head_ = count_ = failures_ = slows_ = 0;
}

void breaker_core::push(bool failure, bool slow) {
  auto& slot = ring_[head_];
  if (count_ == ring_.size()) {
    // The oldest outcome leaves the window.
    failures_ -= slot & 1u;
    slows_ -= (slot >> 1) & 1u;
  } else {
    ++count_;
  }
  slot = static_cast<uint8_t>((failure ? 1u : 0u) | (slow ? 2u : 0u));
  failures_ += failure ? 1 : 0;
  slows_ += slow ? 1 : 0;
  head_ = (head_ + 1) % ring_.size();
}

std::size_t breaker_core::capacity() const {
  return state_ == state::half_open ? cfg_.half_open_calls : cfg_.window_calls;
}

std::size_t breaker_core::minimum() const {
  // In HALF_OPEN every trial call must finish before the verdict.
  if (state_ == state::half_open)
    return cfg_.half_open_calls;
  return std::min(cfg_.calls_min, cfg_.window_calls);
}

std::optional<transition> breaker_core::evaluate() {
  if (count_ < minimum())
    return std::nullopt;
  auto from = state_;
  if (failure_rate() >= cfg_.failure_rate_percent) {
    enter(state::open);
    return transition{from, state::open, "failure_rate"};
  }
  if (slow_call_rate() >= cfg_.slow_call_rate_percent) {
    enter(state::open);
    return transition{from, state::open, "slow_call_rate"};
  }
  if (from == state::half_open) {
    enter(state::closed);
    return transition{from, state::closed, "trial_passed"};
  }
  return std::nullopt;
}

} // namespace easymo::breaker
