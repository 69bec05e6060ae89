// A typed front for pool jobs: run a function on a pooled connection and get
// its value back in a `.then` continuation, without blocking the caller.
//
//   db::query(self, pool, "profile.load", [wa](pqxx::connection_base& c) {
//     pqxx::read_transaction tx{c};
//     return tx.exec_params1("SELECT name FROM profiles WHERE wa_id=$1", wa)
//       [0].as<std::string>();
//   }).then([](std::string& name) { ... }, [](caf::error& err) { ... });
#pragma once

#include "persistence/db/protocol.hpp"

#include <caf/actor.hpp>
#include <caf/error.hpp>

#include <any>
#include <chrono>
#include <type_traits>
#include <utility>
#include <variant>

namespace easymo::db {

/// Upper bound on waiting for the pool when the caller does not pass one.
constexpr auto query_timeout_default = std::chrono::seconds(15);

template <class T, class Handle>
class typed_query {
public:
  explicit typed_query(Handle handle) : handle_(std::move(handle)) {
  }

  template <class OnValue, class OnError>
  void then(OnValue on_value, OnError on_error) {
    handle_.then(
      [f = std::move(on_value)](job_result& r) mutable {
        f(std::any_cast<T&>(r.value));
      },
      std::move(on_error));
  }

private:
  Handle handle_;
};

template <class Fn>
using query_value_t = std::conditional_t<
  std::is_void_v<std::invoke_result_t<Fn, pqxx::connection_base&>>,
  std::monostate, std::invoke_result_t<Fn, pqxx::connection_base&>>;

/// Wraps `fn` as a pool job; a void function yields std::monostate.
template <class Fn>
job make_job(std::string label, Fn fn) {
  return job{[fn = std::move(fn)](pqxx::connection_base& c) mutable -> std::any {
               if constexpr (std::is_void_v<
                               std::invoke_result_t<Fn, pqxx::connection_base&>>) {
                 fn(c);
                 return std::monostate{};
               } else {
                 return fn(c);
               }
             },
             std::move(label)};
}

template <class Self, class Fn>
auto query(Self* self, const caf::actor& pool, std::string label, Fn fn,
           caf::timespan timeout = query_timeout_default) {
  using value = query_value_t<Fn>;
  auto handle = self->request(pool, timeout,
                              make_job(std::move(label), std::move(fn)));
  return typed_query<value, decltype(handle)>{std::move(handle)};
}

} // namespace easymo::db
