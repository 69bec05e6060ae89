// The database pool's contract.
//
// libpqxx blocks, so every query runs inside a detached worker actor that owns
// one connection. Callers never talk to workers: they send a `job` to the pool
// actor and get a `job_result` (or an error) back, without blocking.
//
// Pool messages:
//   (job)                      -> job_result | error(db::errc)
//   (get_atom, health_atom)    -> pool_health
//   (get_atom, info_atom)      -> std::string (JSON, for the console)
#pragma once

#include "runtime/introspect.hpp"

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>
#include <caf/error.hpp>
#include <caf/meta/type_name.hpp>

#include <any>
#include <cstdint>
#include <functional>
#include <string>

namespace pqxx {
class connection_base;
} // namespace pqxx

namespace easymo::db {

/// The work to run on one connection. It may open transactions; whatever it
/// returns travels back to the caller. Exceptions become `errc` errors.
using job_fn = std::function<std::any(pqxx::connection_base&)>;

struct job {
  job_fn fn;
  /// A short name for metrics and logs ("journal.commit"); never user data.
  std::string label;
};

struct job_result {
  std::any value;
};

struct pool_health {
  size_t size = 0;
  size_t connected = 0;
  size_t busy = 0;
  size_t queued = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, pool_health& x) {
  return f(caf::meta::type_name("pool_health"), x.size, x.connected, x.busy,
           x.queued);
}

using health_atom = caf::atom_constant<caf::atom("health")>;

enum class errc : uint8_t {
  /// No connection to PostgreSQL right now; the caller may retry later.
  unavailable = 1,
  /// The statement failed (constraint, syntax, serialization, ...).
  query_failed,
  /// The pool's queue is full.
  overloaded,
};

constexpr caf::atom_value error_category = caf::atom("db");

caf::error make_error(errc code, std::string context = {});

/// Renders db errors for logs and HTTP answers.
std::string render_error(uint8_t code, caf::atom_value category,
                         const caf::message& context);

/// Whether `err` is a db error with `code`.
bool is(const caf::error& err, errc code);

} // namespace easymo::db

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(easymo::db::job)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(easymo::db::job_result)
