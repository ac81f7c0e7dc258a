// Helpers of the SQLite integration tests: a temporary directory per test and databases
// created in it from SQL.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <system_error>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "dialects/dialect.h"
#include "dialects/sqlite/sqlite.h"
#include "state/toml_writer.h"

namespace keel::testing {

/// A fresh directory under the system's temporary directory, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "keel-sqlite-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr)
      throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  /// The directory.
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }
  /// A path inside it, as a string.
  [[nodiscard]] std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

/// Opens `path` (created when missing) and runs `sql` in it.
inline std::unique_ptr<dialects::Database> sqlite_with(const std::string& path,
                                                       const std::string& sql) {
  std::unique_ptr<dialects::Database> db = dialects::sqlite::open(path);
  if (!sql.empty())
    db->execute_script(sql);
  return db;
}

}  // namespace keel::testing

namespace Catch {
/// Failed comparisons of columns show every field.
template <>
struct StringMaker<keel::state::Column> {
  static std::string convert(const keel::state::Column& c) {
    return fmt::format(
        "{{name={} type={} nullable={} default={} identity={} generated={} "
        "collation={} comment={}}}",
        c.name, c.type, c.nullable, c.default_sql.value_or("-"), static_cast<int>(c.identity),
        c.generated.value_or("-"), c.collation.value_or("-"), c.comment.value_or("-"));
  }
};
/// Failed comparisons of schemas show both as TOML.
template <>
struct StringMaker<keel::state::Schema> {
  static std::string convert(const keel::state::Schema& schema) {
    return "\n" + keel::state::write_toml(schema);
  }
};
}  // namespace Catch
