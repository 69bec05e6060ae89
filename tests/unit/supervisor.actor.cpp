// Deterministic supervision tests on CAF's test coordinator.
//
// Children are small counters that can be told to crash or to stop normally.
// Each test drives the scheduler by hand (`run()`), advances the virtual clock
// where the restart window matters, and reads supervisor and child state with
// `deref`, so no test sleeps or races.
#define CAF_SUITE supervisor

#include "runtime/supervisor/supervisor.hpp"

#include <caf/test/dsl.hpp>

#include <nlohmann/json.hpp>

using namespace caf;
using namespace easymo::supervision;

namespace {

using crash_atom = atom_constant<atom("crash")>;
using finish_atom = atom_constant<atom("finish")>;

struct counter_state {
  int count = 0;
  static inline const char* name = "counter";
};

using counter_actor = stateful_actor<counter_state>;

behavior counter(counter_actor* self) {
  return {
    [=](int x) {
      self->state.count += x;
      return self->state.count;
    },
    [=](crash_atom) { self->quit(sec::runtime_error); },
    [=](finish_atom) { self->quit(); },
    [=](get_atom, easymo::info_atom) {
      return std::string{"{\"count\":"} + std::to_string(self->state.count)
             + "}";
    },
  };
}

child_spec counter_child(std::string name, restart policy = restart::permanent) {
  child_spec spec;
  spec.name = std::move(name);
  spec.kind = "counter";
  spec.policy = policy;
  spec.start = [](event_based_actor* parent) { return parent->spawn(counter); };
  return spec;
}

supervisor_spec three_children(strategy strat) {
  supervisor_spec spec;
  spec.name = "test";
  spec.strat = strat;
  spec.intensity = 3;
  spec.period = std::chrono::seconds(10);
  spec.children = {counter_child("a"), counter_child("b"), counter_child("c")};
  return spec;
}

struct fixture : test_coordinator_fixture<> {
  supervisor_state& sup_state(const actor& sup) {
    return deref<supervisor_actor>(sup).state;
  }

  actor child(const actor& sup, size_t i) {
    return sup_state(sup).children.at(i).handle;
  }

  int count_of(const actor& a) {
    return deref<counter_actor>(a).state.count;
  }

  // Adds `n` to each child so that a restart is visible as a reset count.
  void bump_all(const actor& sup, int n) {
    for (size_t i = 0; i < sup_state(sup).children.size(); ++i)
      if (auto c = child(sup, i))
        anon_send(c, n);
    run();
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(supervisor_tests, fixture)

CAF_TEST(a crashed child comes back with fresh state) {
  auto sup = sys.spawn(supervisor, three_children(strategy::one_for_one));
  run();
  bump_all(sup, 5);
  auto before = child(sup, 1);
  CAF_CHECK_EQUAL(count_of(before), 5);
  self->send(before, crash_atom::value);
  expect((crash_atom), from(self).to(before).with(_));
  run();
  auto after = child(sup, 1);
  CAF_REQUIRE(after != nullptr);
  CAF_CHECK(after != before);
  CAF_CHECK_EQUAL(count_of(after), 0);
  CAF_CHECK_EQUAL(sup_state(sup).children[1].restarts, 1u);
  CAF_CHECK(!sup_state(sup).children[1].last_failure.empty());
}

CAF_TEST(siblings survive under one_for_one) {
  auto sup = sys.spawn(supervisor, three_children(strategy::one_for_one));
  run();
  bump_all(sup, 7);
  auto a = child(sup, 0);
  auto c = child(sup, 2);
  anon_send(child(sup, 1), crash_atom::value);
  run();
  CAF_CHECK(child(sup, 0) == a);
  CAF_CHECK(child(sup, 2) == c);
  CAF_CHECK_EQUAL(count_of(a), 7);
  CAF_CHECK_EQUAL(count_of(c), 7);
  CAF_CHECK_EQUAL(count_of(child(sup, 1)), 0);
}

CAF_TEST(later siblings restart under rest_for_one) {
  auto sup = sys.spawn(supervisor, three_children(strategy::rest_for_one));
  run();
  bump_all(sup, 3);
  auto a = child(sup, 0);
  auto b = child(sup, 1);
  auto c = child(sup, 2);
  anon_send(b, crash_atom::value);
  run();
  CAF_CHECK(child(sup, 0) == a);
  CAF_CHECK_EQUAL(count_of(a), 3);
  CAF_CHECK(child(sup, 1) != b);
  CAF_CHECK(child(sup, 2) != c);
  CAF_CHECK_EQUAL(count_of(child(sup, 1)), 0);
  CAF_CHECK_EQUAL(count_of(child(sup, 2)), 0);
  CAF_CHECK_EQUAL(sup_state(sup).children[2].restarts, 1u);
}

CAF_TEST(a temporary child is not restarted) {
  auto spec = three_children(strategy::one_for_one);
  spec.children[1] = counter_child("temp", restart::temporary);
  auto sup = sys.spawn(supervisor, spec);
  run();
  anon_send(child(sup, 1), crash_atom::value);
  run();
  CAF_CHECK(child(sup, 1) == nullptr);
  CAF_CHECK_EQUAL(sup_state(sup).children[1].restarts, 0u);
  CAF_CHECK(child(sup, 0) != nullptr);
}

CAF_TEST(a transient child restarts only after a failure) {
  auto spec = three_children(strategy::one_for_one);
  spec.children[0] = counter_child("t1", restart::transient);
  spec.children[1] = counter_child("t2", restart::transient);
  auto sup = sys.spawn(supervisor, spec);
  run();
  anon_send(child(sup, 0), finish_atom::value);
  anon_send(child(sup, 1), crash_atom::value);
  run();
  CAF_CHECK(child(sup, 0) == nullptr);
  CAF_CHECK(child(sup, 1) != nullptr);
  CAF_CHECK_EQUAL(sup_state(sup).children[1].restarts, 1u);
}

CAF_TEST(exceeding the intensity escalates to the parent) {
  auto inner = three_children(strategy::one_for_one);
  inner.name = "inner";
  inner.intensity = 2;
  supervisor_spec outer;
  outer.name = "outer";
  outer.intensity = 5;
  outer.children = {subtree(inner)};
  auto root = sys.spawn(supervisor, outer);
  run();
  auto inner_sup = child(root, 0);
  CAF_REQUIRE(inner_sup != nullptr);
  for (int i = 0; i < 2; ++i) {
    anon_send(child(inner_sup, 0), crash_atom::value);
    run();
  }
  // Two restarts fit the intensity; the inner supervisor is still the same.
  CAF_CHECK(child(root, 0) == inner_sup);
  anon_send(child(inner_sup, 0), crash_atom::value);
  run();
  // The third gives up: the parent sees it fail and starts a fresh subtree.
  auto fresh = child(root, 0);
  CAF_REQUIRE(fresh != nullptr);
  CAF_CHECK(fresh != inner_sup);
  CAF_CHECK_EQUAL(sup_state(root).children[0].restarts, 1u);
  CAF_CHECK_EQUAL(sup_state(fresh).total_restarts, 0u);
  CAF_CHECK(sup_state(root).children[0].last_failure.find("restart_limit")
            != std::string::npos);
}

CAF_TEST(the root calls on_give_up and stops) {
  auto spec = three_children(strategy::one_for_one);
  spec.intensity = 1;
  auto gave_up = std::make_shared<int>(0);
  spec.on_give_up = [gave_up](const error&) { ++*gave_up; };
  auto sup = sys.spawn(supervisor, spec);
  run();
  auto a = child(sup, 0);
  anon_send(a, crash_atom::value);
  run();
  CAF_CHECK_EQUAL(*gave_up, 0);
  anon_send(child(sup, 0), crash_atom::value);
  run();
  CAF_CHECK_EQUAL(*gave_up, 1);
  // Every child was stopped and the root itself has terminated.
  CAF_CHECK(sup_state(sup).stopping);
  for (auto& c : sup_state(sup).children)
    CAF_CHECK(c.handle == nullptr);
}

CAF_TEST(restarts outside the period do not accumulate) {
  auto spec = three_children(strategy::one_for_one);
  spec.intensity = 1;
  spec.period = std::chrono::seconds(5);
  auto gave_up = std::make_shared<int>(0);
  spec.on_give_up = [gave_up](const error&) { ++*gave_up; };
  auto sup = sys.spawn(supervisor, spec);
  run();
  for (int i = 0; i < 4; ++i) {
    anon_send(child(sup, 0), crash_atom::value);
    run();
    advance_time(std::chrono::seconds(6));
  }
  CAF_CHECK_EQUAL(*gave_up, 0);
  CAF_CHECK_EQUAL(sup_state(sup).children[0].restarts, 4u);
}

CAF_TEST(shutdown stops children last first) {
  auto sup = sys.spawn(supervisor, three_children(strategy::one_for_one));
  run();
  auto c = child(sup, 2);
  std::vector<actor> children{child(sup, 0), child(sup, 1), c};
  for (auto& x : children)
    self->monitor(x);
  anon_send_exit(sup, exit_reason::user_shutdown);
  // Only the last child is asked to stop first.
  run_once();
  CAF_CHECK(sup_state(sup).stopping);
  CAF_CHECK(sup_state(sup).stopping_child == c.address());
  CAF_CHECK(child(sup, 0) != nullptr);
  run();
  // The supervisor is gone with its state now (reading it would be a use
  // after free): every child says it went down, last first.
  std::vector<actor_addr> down;
  for (size_t i = 0; i < children.size(); ++i)
    self->receive([&](down_msg& m) { down.push_back(m.source); },
                  after(std::chrono::seconds(0)) >> [] {});
  CAF_REQUIRE_EQUAL(down.size(), 3u);
  CAF_CHECK(down[0] == children[2].address());
  CAF_CHECK(down[2] == children[0].address());
}

CAF_TEST(the tree describes children and their state) {
  auto sup = sys.spawn(supervisor, three_children(strategy::one_for_one));
  run();
  bump_all(sup, 2);
  anon_send(child(sup, 1), crash_atom::value);
  run();
  std::string tree;
  self->send(sup, get_atom::value, easymo::tree_atom::value);
  run();
  self->receive([&](std::string& text) { tree = text; });
  auto json = nlohmann::json::parse(tree);
  CAF_CHECK_EQUAL(json["name"], "test");
  CAF_REQUIRE_EQUAL(json["children"].size(), 3u);
  CAF_CHECK_EQUAL(json["children"][0]["count"], 2);
  CAF_CHECK_EQUAL(json["children"][1]["restarts"], 1);
  CAF_CHECK_EQUAL(json["children"][1]["count"], 0);
}

CAF_TEST_FIXTURE_SCOPE_END()
