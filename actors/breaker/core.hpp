// The circuit breaker as a pure state machine, with resilience4j's
// semantics, so every transition is a unit test without actors or clocks.
//
// CLOSED: every call is permitted; outcomes go into a count-based sliding
//   window of the last `window_calls` calls. Once the window holds at least
//   min(calls_min, window_calls) calls, the breaker opens if the failure
//   rate reaches `failure_rate_percent` or the rate of slow calls (longer
//   than `slow_call_duration`) reaches `slow_call_rate_percent`.
// OPEN: no call is permitted. After `open_wait` the owner calls
//   wait_elapsed() and the breaker becomes HALF_OPEN on its own (unless it
//   was forced open by an operator: then only reset() closes it).
// HALF_OPEN: exactly `half_open_calls` trial calls are permitted; when all
//   of them have finished, the same two rates over those calls decide:
//   OPEN again, or CLOSED with a fresh window.
//
// Every state entry starts a new epoch. A permit carries the epoch that
// issued it, and outcomes from an earlier epoch are ignored: a slow call
// started while CLOSED cannot decide a HALF_OPEN trial.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace easymo::breaker {

enum class state : uint8_t { closed = 0, open = 1, half_open = 2 };

/// "closed", "open", "half_open".
const char* to_string(state s);

/// resilience4j's names in brackets.
struct breaker_config {
  /// [slidingWindowSize, COUNT_BASED] calls remembered while CLOSED.
  std::size_t window_calls = 20;
  /// [minimumNumberOfCalls] before any rate is computed.
  std::size_t calls_min = 10;
  /// [failureRateThreshold] in percent, 1 to 100.
  double failure_rate_percent = 50;
  /// [slowCallDurationThreshold] a call longer than this is slow.
  std::chrono::nanoseconds slow_call_duration = std::chrono::seconds(5);
  /// [slowCallRateThreshold] in percent, 1 to 100.
  double slow_call_rate_percent = 100;
  /// [waitDurationInOpenState] before HALF_OPEN.
  std::chrono::nanoseconds open_wait = std::chrono::seconds(30);
  /// [permittedNumberOfCallsInHalfOpenState]
  std::size_t half_open_calls = 3;
};

struct transition {
  state from;
  state to;
  /// "failure_rate", "slow_call_rate", "wait_elapsed", "trial_passed",
  /// "reset", "forced_open".
  const char* reason;
};

struct permit {
  bool granted = false;
  uint64_t epoch = 0;
};

class breaker_core {
public:
  explicit breaker_core(breaker_config cfg);

  /// Asks to start a call.
  permit acquire();

  /// Records the outcome of a call started with a permit of `epoch`.
  std::optional<transition> record(uint64_t epoch, bool failure,
                                   std::chrono::nanoseconds elapsed);

  /// The wait that began with OPEN epoch `epoch` is over.
  std::optional<transition> wait_elapsed(uint64_t epoch);

  /// Operator: CLOSED with an empty window, whatever the state.
  transition reset();

  /// Operator: OPEN until reset(), with no automatic HALF_OPEN.
  transition force_open();

  // -- properties --------------------------------------------------------------

  state current() const { return state_; }
  bool forced() const { return forced_; }
  uint64_t epoch() const { return epoch_; }
  const breaker_config& config() const { return cfg_; }

  /// Percentages over the window, or -1 while it holds fewer calls than
  /// the minimum.
  double failure_rate() const;
  double slow_call_rate() const;

  /// Calls in the window, and how many of them failed or were slow.
  std::size_t buffered() const { return count_; }
  std::size_t failed() const { return failures_; }
  std::size_t slow() const { return slows_; }

private:
  void enter(state s);
  void push(bool failure, bool slow);
  std::size_t capacity() const;
  std::size_t minimum() const;
  std::optional<transition> evaluate();

  breaker_config cfg_;
  state state_ = state::closed;
  bool forced_ = false;
  uint64_t epoch_ = 0;
  /// HALF_OPEN: trial permits handed out in this epoch.
  std::size_t trials_issued_ = 0;
  /// The ring: bit 0 failed, bit 1 slow.
  std::vector<uint8_t> ring_;
  std::size_t head_ = 0;
  std::size_t count_ = 0;
  std::size_t failures_ = 0;
  std::size_t slows_ = 0;
};

} // namespace easymo::breaker
