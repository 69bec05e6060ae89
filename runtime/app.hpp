// easymod's life: parse the command line and config, prepare the database,
// boot the actor system and the listeners, wait for a signal, stop in order.
#pragma once

#include <optional>
#include <string>

namespace easymo {

struct cli_options {
  std::string config_path;
  bool check_config = false;
  bool migrate_only = false;
  bool help = false;
  bool version = false;
};

/// Parses easymod's own arguments; returns a one-line error for anything else.
std::optional<std::string> parse_cli(int argc, char** argv, cli_options& out);

/// The usage text printed by --help.
const char* usage();

/// Runs the daemon and returns its exit code (see exit_code in config.hpp).
int run(int argc, char** argv);

} // namespace easymo
