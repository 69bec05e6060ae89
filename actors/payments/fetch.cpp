#include "actors/payments/fetch.hpp"

#include <caf/all.hpp>

#include <memory>

namespace easymo::payments {

namespace {

// Shared by the calls of one fetch; every callback runs in the actor, so no
// locking is needed.
struct fetch_run {
  std::vector<recon_ref> refs;
  size_t next = 0;
  size_t in_flight = 0;
  bool failed = false;
  gateway_day result;
  fetch_fn fetch;
  std::function<void(caf::expected<gateway_day>)> done;
};

void pump(std::shared_ptr<fetch_run> run) {
  while (!run->failed && run->in_flight < fetch_in_flight_max
         && run->next < run->refs.size()) {
    auto& ref = run->refs[run->next++];
    ++run->in_flight;
    run->fetch(ref, [run](caf::expected<std::optional<gateway::record>> r) {
      --run->in_flight;
      if (run->failed)
        return;
      if (!r) {
        run->failed = true;
        run->done(r.error());
        return;
      }
      if (*r)
        run->result.records.push_back(std::move(**r));
      if (run->next == run->refs.size() && run->in_flight == 0) {
        run->done(std::move(run->result));
        return;
      }
      pump(run);
    });
  }
}

} // namespace

void fetch_all(caf::event_based_actor*, std::vector<recon_ref> refs,
               fetch_fn fetch,
               std::function<void(caf::expected<gateway_day>)> done) {
  if (refs.empty()) {
    done(gateway_day{});
    return;
  }
  auto run = std::make_shared<fetch_run>();
  run->refs = std::move(refs);
  run->fetch = std::move(fetch);
  run->done = std::move(done);
  pump(run);
}

} // namespace easymo::payments
