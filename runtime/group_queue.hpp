// The queue of a group-commit actor: items wait until a batch is full, or
// until the first of them has waited `delay_max`, or until a running batch
// ends; at most `in_flight_max` batches run at once and at most `queue_max`
// items wait. The actor owns the timer and the database job; this class
// only decides, so the rule is the same for every such actor and is tested
// once (tests/unit/group_queue.test.cpp).
#pragma once

#include <caf/timespan.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cassert>
#include <chrono>
#include <cstddef>
#include <iterator>
#include <optional>
#include <vector>

namespace easymo {

struct group_limits {
  /// Items per batch (one transaction).
  size_t items_max = 256;
  /// How long a lone item waits for companions.
  caf::timespan delay_max = std::chrono::milliseconds(1);
  /// Batches running at once, each holding a pool connection.
  size_t in_flight_max = 2;
  /// Items waiting; beyond it push() refuses.
  size_t queue_max = 10'000;
};

template <class Item>
class group_queue {
public:
  /// What the actor should do after a push.
  enum class next { flush, arm_timer, nothing };

  explicit group_queue(group_limits limits = {}) : limits_(limits) {
    assert(limits_.items_max > 0 && limits_.in_flight_max > 0);
  }

  const group_limits& limits() const { return limits_; }

  /// Queues `item`; nothing when the queue is full (the item is untouched).
  std::optional<next> push(Item& item) {
    if (queue_.size() >= limits_.queue_max)
      return std::nullopt;
    queue_.push_back(std::move(item));
    if (queue_.size() >= limits_.items_max)
      return next::flush;
    // With a batch running, its end flushes the queue: no timer needed.
    if (in_flight_ == 0 && !timer_armed_) {
      timer_armed_ = true;
      return next::arm_timer;
    }
    return next::nothing;
  }

  /// The timer fired.
  void timer_fired() { timer_armed_ = false; }

  /// The next batch, if items wait and a slot is free; the caller runs it
  /// and calls finished() when it ends, successfully or not.
  std::optional<std::vector<Item>> take() {
    if (queue_.empty() || in_flight_ >= limits_.in_flight_max)
      return std::nullopt;
    auto n = std::min(queue_.size(), limits_.items_max);
    auto end = queue_.begin() + static_cast<std::ptrdiff_t>(n);
    std::vector<Item> out(std::make_move_iterator(queue_.begin()),
                          std::make_move_iterator(end));
    queue_.erase(queue_.begin(), end);
    ++in_flight_;
    ++batches_;
    largest_ = std::max(largest_, n);
    return out;
  }

  void finished() {
    assert(in_flight_ > 0);
    --in_flight_;
  }

  /// Whether push() would refuse. Check it before making a response
  /// promise: once an actor made one, an error it returns is not sent.
  bool full() const { return queue_.size() >= limits_.queue_max; }

  size_t queued() const { return queue_.size(); }
  size_t in_flight() const { return in_flight_; }
  uint64_t batches() const { return batches_; }
  size_t largest_batch() const { return largest_; }

private:
  group_limits limits_;
  std::vector<Item> queue_;
  size_t in_flight_ = 0;
  bool timer_armed_ = false;
  uint64_t batches_ = 0;
  size_t largest_ = 0;
};

/// Queues `item` in an actor's group queue; then either runs full batches
/// (`flush()`) or arms the actor's batch timer (`timer_msg` after the
/// delay). False when the queue is full (the item is untouched).
template <class Self, class Item, class Flush, class TimerMsg>
bool group_push(Self* self, group_queue<Item>& q, Item& item, Flush flush,
                TimerMsg timer_msg) {
  auto next = q.push(item);
  if (!next)
    return false;
  if (*next == group_queue<Item>::next::flush)
    flush();
  else if (*next == group_queue<Item>::next::arm_timer)
    self->delayed_send(self, q.limits().delay_max, timer_msg);
  return true;
}

/// Starts every batch the queue lets go now.
template <class Item, class Start>
void group_flush(group_queue<Item>& q, Start start) {
  while (auto next = q.take())
    start(std::move(*next));
}

/// The queue's counters for (get_atom, info_atom) answers.
template <class Item>
nlohmann::json group_info(const group_queue<Item>& q) {
  return {{"batches", q.batches()},
          {"largest_batch", q.largest_batch()},
          {"queued", q.queued()},
          {"in_flight", q.in_flight()}};
}

} // namespace easymo
