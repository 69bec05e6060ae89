// The batching rule shared by the session loader and the effects committer:
// when a batch leaves, how big it is, and the bounds on waiting items and
// running batches.
#include "runtime/group_queue.hpp"

#include <boost/test/unit_test.hpp>

using easymo::group_limits;
using easymo::group_queue;
using next = group_queue<int>::next;

namespace {

group_queue<int> make(size_t items, size_t in_flight, size_t queue = 100) {
  group_limits l;
  l.items_max = items;
  l.in_flight_max = in_flight;
  l.queue_max = queue;
  return group_queue<int>{l};
}

std::optional<next> push(group_queue<int>& q, int v) {
  return q.push(v);
}

} // namespace

BOOST_AUTO_TEST_SUITE(group_queue_rules)

BOOST_AUTO_TEST_CASE(the_first_item_arms_the_timer_once) {
  auto q = make(4, 1);
  BOOST_CHECK(push(q, 1) == next::arm_timer);
  BOOST_CHECK(push(q, 2) == next::nothing);
  q.timer_fired();
  auto b = q.take();
  BOOST_REQUIRE(b);
  BOOST_CHECK_EQUAL(b->size(), 2u);
  BOOST_CHECK(!q.take()); // nothing left
}

BOOST_AUTO_TEST_CASE(a_full_batch_asks_for_a_flush) {
  auto q = make(3, 1);
  push(q, 1);
  push(q, 2);
  BOOST_CHECK(push(q, 3) == next::flush);
  auto b = q.take();
  BOOST_REQUIRE(b);
  BOOST_CHECK((*b == std::vector<int>{1, 2, 3}));
}

BOOST_AUTO_TEST_CASE(batches_wait_for_a_free_slot_and_keep_order) {
  auto q = make(2, 1);
  for (int i = 0; i < 5; ++i)
    push(q, i);
  auto first = q.take();
  BOOST_REQUIRE(first);
  BOOST_CHECK(!q.take()); // the one slot is taken
  // Still a full batch waiting, but take() waits for the slot.
  BOOST_CHECK(push(q, 5) == next::flush);
  BOOST_CHECK(!q.take());
  q.finished();
  auto second = q.take();
  BOOST_REQUIRE(second);
  BOOST_CHECK((*second == std::vector<int>{2, 3}));
  q.finished();
  auto third = q.take();
  BOOST_CHECK((*third == std::vector<int>{4, 5}));
  BOOST_CHECK_EQUAL(q.batches(), 3u);
  BOOST_CHECK_EQUAL(q.largest_batch(), 2u);
}

BOOST_AUTO_TEST_CASE(a_full_queue_refuses_and_keeps_the_item) {
  auto q = make(10, 1, 2);
  push(q, 1);
  push(q, 2);
  int refused = 3;
  BOOST_CHECK(!q.push(refused));
  BOOST_CHECK_EQUAL(refused, 3);
  BOOST_CHECK_EQUAL(q.queued(), 2u);
}

BOOST_AUTO_TEST_CASE(no_timer_while_a_batch_runs) {
  auto q = make(10, 1);
  BOOST_CHECK(push(q, 1) == next::arm_timer);
  q.timer_fired();
  BOOST_REQUIRE(q.take());
  // The running batch's end flushes what queues meanwhile.
  BOOST_CHECK(push(q, 2) == next::nothing);
  q.finished();
  BOOST_CHECK(q.take());
}

BOOST_AUTO_TEST_CASE(two_slots_run_two_batches) {
  auto q = make(2, 2);
  for (int i = 0; i < 6; ++i)
    push(q, i);
  BOOST_CHECK(q.take());
  BOOST_CHECK(q.take());
  BOOST_CHECK(!q.take());
  BOOST_CHECK_EQUAL(q.in_flight(), 2u);
  BOOST_CHECK_EQUAL(q.queued(), 2u);
}

BOOST_AUTO_TEST_SUITE_END()
