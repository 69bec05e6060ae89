// Redis for tests: the suite's shared server (EASYMO_TEST_REDIS_URL, started
// by tools/test), and names that do not collide between tests.
#pragma once

#include <string>

namespace easymo::test {

/// The URL exported by tools/test; fails loudly if unset.
std::string redis_url();

/// A name unique to this process and call, for keys and prefixes.
std::string unique_name(const std::string& prefix);

} // namespace easymo::test
