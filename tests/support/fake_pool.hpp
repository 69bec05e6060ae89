// A db pool for deterministic actor tests: it keeps each job's promise
// instead of running it, so a test sees exactly when a job leaves the actor
// under test and answers it (or fails it) when and how it chooses.
//
//   (db::job)                                   held; its label is recorded
//   (answer_atom, size_t i, db::job_result)     job i succeeds with the result
//   (fail_atom, size_t i)                       job i fails: db unavailable
//
// Promises are delivered from inside the actor that made them, which is why
// answers travel as messages instead of being delivered by the test.
#pragma once

#include "persistence/db/protocol.hpp"

#include <caf/atom.hpp>
#include <caf/behavior.hpp>
#include <caf/response_promise.hpp>
#include <caf/stateful_actor.hpp>

#include <string>
#include <vector>

namespace easymo::test {

using answer_atom = caf::atom_constant<caf::atom("answer")>;
using fail_atom = caf::atom_constant<caf::atom("fail")>;

struct fake_pool_state {
  std::vector<std::string> labels;
  std::vector<caf::response_promise> jobs;
  static inline const char* name = "fake_pool";
};

using fake_pool_actor = caf::stateful_actor<fake_pool_state>;

inline caf::behavior fake_pool(fake_pool_actor* self) {
  return {
    [=](db::job& j) -> caf::result<db::job_result> {
      self->state.labels.push_back(j.label);
      self->state.jobs.push_back(self->make_response_promise());
      return caf::delegated<db::job_result>{};
    },
    [=](answer_atom, size_t i, db::job_result& r) {
      self->state.jobs.at(i).deliver(std::move(r));
    },
    [=](fail_atom, size_t i) {
      self->state.jobs.at(i).deliver(
        db::make_error(db::errc::unavailable, self->state.labels.at(i)));
    },
  };
}

} // namespace easymo::test
