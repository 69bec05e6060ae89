#include "actors/journal/dispatch_sink.hpp"

#include "runtime/directory.hpp"

#include <caf/all.hpp>

#include <nlohmann/json.hpp>

namespace easymo::journal {

caf::behavior dispatch_sink(dispatch_sink_actor* self) {
  return {
    [self](const dispatch_batch& batch) {
      auto& st = self->state;
      ++st.batches;
      for (auto& e : batch.events)
        ++st.events[to_string(e.status)];
    },
    [self](caf::get_atom, info_atom) {
      auto& st = self->state;
      return nlohmann::json{{"batches", st.batches},
                            {"events", st.events},
                            {"mailbox", self->mailbox().size()}}
        .dump();
    },
  };
}

supervision::child_spec dispatch_sink_child() {
  supervision::child_spec spec;
  spec.name = "dispatcher";
  spec.kind = "dispatch.sink";
  spec.start = [](caf::event_based_actor* parent) {
    auto sink = parent->spawn(dispatch_sink);
    directory::put(parent->system(), directory::dispatcher, sink);
    return caf::actor{sink};
  };
  return spec;
}

} // namespace easymo::journal
