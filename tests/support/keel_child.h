// keel as the crash and concurrency tests run it: in-process for set-up and checks, and the real
// binary in child processes for what must run on its own (be killed, wait for a lock).
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support/process.h"

namespace keel::testing {

/// Runs `keel ARGS...` in-process; REQUIREs that it exits with `expected` (showing its stderr
/// when it does not) and returns its stdout.
std::string keel_ok(const std::vector<std::string>& args, int expected = 0);

/// Every revision of the database at `url`, newest first, as `keel history --format json`
/// shows it.
[[nodiscard]] nlohmann::json keel_history(const std::string& url);

/// The real keel binary, run as child processes that write their output into a directory, with
/// some variables set on top of the inherited environment (see Child).
/// Example: `KeelBinary keel(KEEL_BINARY, dir.path()); auto r = keel.run({"history", ...});`
class KeelBinary {
 public:
  /// `program` is the binary (KEEL_BINARY); `env` is set for every child.
  KeelBinary(std::string program, std::filesystem::path dir,
             std::map<std::string, std::string> env = {});

  /// Starts `keel ARGS...`, with `env` set on top of the binary's own variables.
  [[nodiscard]] std::unique_ptr<Child> start(
      const std::vector<std::string>& args,
      const std::map<std::string, std::string>& env = {}) const;
  /// Runs `keel ARGS...` to its end (as start, then Child::wait).
  [[nodiscard]] ChildResult run(const std::vector<std::string>& args,
                                const std::map<std::string, std::string>& env = {}) const;

 private:
  std::string program_;
  std::filesystem::path dir_;
  std::map<std::string, std::string> env_;
};

}  // namespace keel::testing
