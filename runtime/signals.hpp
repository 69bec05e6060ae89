// SIGINT and SIGTERM are blocked in every thread and awaited by the main
// thread alone, which then stops the daemon in order.
#pragma once

#include <atomic>
#include <string>

namespace easymo::signals {

/// Blocks SIGINT, SIGTERM and SIGPIPE in the calling thread (call before
/// starting any thread so that all inherit the mask).
void block();

/// Waits for SIGINT or SIGTERM, or until `wake()` is called and `flag` holds.
/// Returns "SIGINT", "SIGTERM" or "supervisor gave up".
std::string wait_for_stop(const std::atomic<bool>& flag);

/// Makes wait_for_stop re-check its flag now.
void wake();

} // namespace easymo::signals
