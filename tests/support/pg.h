// A PostgreSQL test fixture: a fresh, uniquely named database on the throwaway server that
// $KEEL_TEST_PG_URL points at (a superuser libpq URL), dropped again when the test ends.
#pragma once

#include <memory>
#include <string>

#include "dialects/dialect.h"

namespace keel::testing {

/// $KEEL_TEST_PG_URL. Throws std::runtime_error when it is unset or empty, so that every
/// [postgres] test fails loudly instead of passing without a server.
[[nodiscard]] std::string pg_server_url();

/// `url` (a libpq URI or key=value string) pointing at database `dbname` instead.
/// Example: `pg_url_with_database("postgresql://u@h:5432/postgres?x=1", "t")` is
/// "postgresql://u@h:5432/t?x=1".
[[nodiscard]] std::string pg_url_with_database(const std::string& url, const std::string& dbname);

/// An empty UTF-8 database (template0, C collation) named keel_test_<pid>_<n>, created on
/// construction and dropped (WITH (FORCE)) on destruction.
class PgTestDatabase {
 public:
  PgTestDatabase();
  ~PgTestDatabase();
  PgTestDatabase(const PgTestDatabase&) = delete;
  PgTestDatabase& operator=(const PgTestDatabase&) = delete;
  PgTestDatabase(PgTestDatabase&&) = delete;
  PgTestDatabase& operator=(PgTestDatabase&&) = delete;

  /// The database's name.
  [[nodiscard]] const std::string& name() const { return name_; }
  /// A libpq URL of the database (the server URL with the database name replaced).
  [[nodiscard]] const std::string& url() const { return url_; }
  /// A new connection to the database.
  [[nodiscard]] std::unique_ptr<dialects::Database> open() const;

 private:
  std::string server_url_;
  std::string name_;
  std::string url_;
};

}  // namespace keel::testing
