// Schema migrations: `persistence/migrations/NNNN_name.sql`, applied in order,
// each in its own transaction, and recorded with a SHA-256 of its text in
// `schema_migrations`. An applied migration whose file changed stops the start:
// the database and the code would disagree about the schema.
//
// Runs at start-up, before the actor system serves anything, on a connection
// of its own (blocking is fine there).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace pqxx {
class connection_base;
} // namespace pqxx

namespace easymo::migrations {

struct migration {
  int version = 0;
  std::string name; // File name, e.g. "0001_init.sql".
  std::string sql;
  std::string checksum; // Lowercase hex SHA-256 of `sql`.
};

struct outcome {
  std::vector<std::string> applied;
  int latest = 0;
};

/// Reads and orders the migration files of `dir`. Returns an error for a
/// misnamed file, an unreadable file, or two files with the same version.
std::optional<std::string> load(const std::string& dir,
                                std::vector<migration>& out);

/// Applies what is missing, under an advisory lock so that nodes starting
/// together do not race. Returns an error on checksum mismatch or SQL failure.
std::optional<std::string> apply(pqxx::connection_base& conn,
                                 const std::vector<migration>& all,
                                 outcome& result);

/// Highest version in `all` (0 when empty).
int latest_version(const std::vector<migration>& all);

/// Lowercase hex SHA-256 of `text`.
std::string sha256_hex(const std::string& text);

} // namespace easymo::migrations
