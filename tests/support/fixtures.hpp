// Test fixtures under tests/fixtures, read by path relative to that folder.
#pragma once

#include <string>
#include <vector>

namespace easymo::test {

/// The bytes of tests/fixtures/<relative>; throws if it cannot be read.
std::string read_fixture(const std::string& relative);

/// The file names (not paths) in tests/fixtures/<folder> ending in `suffix`,
/// sorted.
std::vector<std::string> list_fixtures(const std::string& folder,
                                       const std::string& suffix = ".json");

} // namespace easymo::test
