// The limiter the settings ask for, as a supervised child registered as
// directory::limiter: in process on one node, Redis when redis-url is set.
#pragma once

#include "runtime/config.hpp"
#include "runtime/supervisor/protocol.hpp"

namespace easymo::ratelimit {

supervision::child_spec limiter_child(const settings& s);

} // namespace easymo::ratelimit
