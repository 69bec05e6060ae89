#include "actors/journal/dispatch_sink.hpp"

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

} // namespace easymo::journal
