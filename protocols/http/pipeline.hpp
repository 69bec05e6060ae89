// The per-connection queue that puts pipelined responses back in request
// order.
//
// Requests get consecutive sequence numbers; answers may arrive in any order
// (each from whatever actor handled it) and wait in a ring slot until every
// earlier answer has been written. The ring's size is the connection's
// pipelining bound: when it is full the session stops reading, so a client
// cannot make the server hold more than that many answers.
#pragma once

#include "protocols/http/message.hpp"

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace easymo::http::detail {

class pipeline {
public:
  /// What the writer needs to know about a request once its body is gone.
  struct slot {
    std::optional<response> answer;
    std::string request_id;
    unsigned version = 11;
    bool keep_alive = true;
    bool head = false;
  };

  explicit pipeline(std::size_t depth) : slots_(depth) {
    assert(depth > 0);
  }

  bool full() const { return outstanding() >= slots_.size(); }
  bool empty() const { return outstanding() == 0; }
  std::size_t outstanding() const { return next_ - front_; }

  /// Reserves the next slot and returns its sequence number.
  std::uint64_t push(std::string request_id, unsigned version, bool keep_alive,
                     bool head) {
    assert(!full());
    auto& s = at(next_);
    s.answer.reset();
    s.request_id = std::move(request_id);
    s.version = version;
    s.keep_alive = keep_alive;
    s.head = head;
    return next_++;
  }

  /// Stores the answer of `seq`. Returns false when `seq` is not waiting,
  /// which only happens if an answer is delivered twice.
  bool fill(std::uint64_t seq, response res) {
    if (seq < front_ || seq >= next_ || at(seq).answer)
      return false;
    at(seq).answer.emplace(std::move(res));
    return true;
  }

  /// The oldest slot if its answer is there, the one to write next.
  slot* ready_front() {
    if (empty() || !at(front_).answer)
      return nullptr;
    return &at(front_);
  }

  /// Releases the oldest slot after its answer was written.
  void pop() {
    assert(!empty());
    auto& s = at(front_);
    s.answer.reset();
    ++front_;
  }

private:
  slot& at(std::uint64_t seq) { return slots_[seq % slots_.size()]; }

  std::vector<slot> slots_;
  std::uint64_t front_ = 0; // Oldest unwritten sequence number.
  std::uint64_t next_ = 0;  // Sequence number of the next request.
};

} // namespace easymo::http::detail
