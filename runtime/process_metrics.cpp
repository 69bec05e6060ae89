#include "runtime/process_metrics.hpp"

#include "runtime/metrics.hpp"

#include <caf/actor_registry.hpp>
#include <caf/actor_system.hpp>

#include <unistd.h>

#include <chrono>
#include <fstream>

namespace easymo {

namespace {

double resident_bytes() {
  std::ifstream statm{"/proc/self/statm"};
  long pages_total = 0;
  long pages_resident = 0;
  statm >> pages_total >> pages_resident;
  return static_cast<double>(pages_resident) * ::sysconf(_SC_PAGESIZE);
}

} // namespace

void register_process_metrics(caf::actor_system& sys) {
  auto& reg = metrics::registry::global();
  static const auto started = std::chrono::system_clock::now();
  reg.gauge_fn("easymo_process_start_time_seconds",
               "Start time of the process since the Unix epoch", [] {
                 return std::chrono::duration<double>(started.time_since_epoch())
                   .count();
               });
  reg.gauge_fn("easymo_process_resident_memory_bytes",
               "Resident memory of the process", resident_bytes);
  reg.gauge_fn("easymo_actors_running", "Actors running in this node",
               [&sys] { return static_cast<double>(sys.registry().running()); });
  reg.gauges("easymo_build_info", "Build of easymod, always 1", {"version"})
    .with({EASYMO_VERSION})
    .set(1);
}

} // namespace easymo
