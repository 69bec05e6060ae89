// Process-level gauges computed at scrape time: memory, uptime, actors, build.
#pragma once

namespace caf {
class actor_system;
} // namespace caf

namespace easymo {

/// Registers the process gauges. `sys` must outlive the registry's last render.
void register_process_metrics(caf::actor_system& sys);

} // namespace easymo
