// The set-up shared by the concurrency tests of both engines: concurrent applies, each a real
// keel process, on a database at A with rows. The second waits for keel's lock (or gives up
// after --lock-wait, naming the holder), and the revisions in the history run one after another.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support/keel_child.h"
#include "tests/support/process.h"

namespace keel::testing {

/// A: tables "users" and "tasks".
extern const char* const kConcurrencySchemaA;

/// B: A with a new table, a new column on "users" and an index on it. An engine's test may
/// append more.
extern const char* const kConcurrencySchemaB;

/// This machine's name, as keel's lock messages and lock rows give the holder's host.
[[nodiscard]] std::string host_name();

/// The revisions of `history` (newest first) ran one after another, each on the one before: no
/// overlap, no interleaving.
void check_sequential(const nlohmann::json& history);

/// The schema files (A, B, and C: B with one more table, "labels") in a scratch directory, a
/// database at A with two rows in each table, and keel applies of the files as child processes
/// whose $USER is "keel-test" (so that lock messages name a known user).
class ConcurrencySetup {
 public:
  /// Writes the schema files to a new directory `<tmp>/<dir_prefix>-XXXXXX`; `schema_b` is B.
  /// `keel_binary` is the keel to run (KEEL_BINARY).
  ConcurrencySetup(const std::string& dir_prefix, const std::string& schema_b,
                   const std::string& keel_binary);

  /// Brings the empty database at `url` to A and fills it; the database of everything below.
  void load_a(const std::string& url);

  /// The database's URL (set by load_a).
  [[nodiscard]] const std::string& url() const { return url_; }
  /// The scratch directory.
  [[nodiscard]] const ScratchDir& dir() const { return dir_; }
  /// The schema files.
  [[nodiscard]] const std::string& a() const { return a_; }
  [[nodiscard]] const std::string& b() const { return b_; }
  [[nodiscard]] const std::string& c() const { return c_; }

  /// `keel apply --db URL SCHEMA --yes ARGS...` as a child process.
  [[nodiscard]] std::unique_ptr<Child> apply(const std::string& schema,
                                             const std::vector<std::string>& args = {}) const;
  /// `keel ARGS...` run to its end as a child process.
  [[nodiscard]] ChildResult run(const std::vector<std::string>& args) const;
  /// Every revision, newest first.
  [[nodiscard]] nlohmann::json history() const;

  /// Waits for two applies that ran at once, `first` ahead of `second`. Checks that both
  /// succeeded, the first as revision 2, the second as `check_second` says (given its stderr);
  /// that `keel plan` then finds the database at `schema`; and that the history holds
  /// `revisions` revisions, applied one after another.
  void check_in_turn(Child& first, Child& second, const std::string& schema, std::size_t revisions,
                     const std::function<void(const std::string& err)>& check_second) const;

 private:
  ScratchDir dir_;
  KeelBinary keel_;
  std::string a_;
  std::string b_;
  std::string c_;
  std::string url_;
};

}  // namespace keel::testing
