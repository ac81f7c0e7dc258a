// Child processes for the crash and concurrency tests: the real keel binary run in the
// background with a modified environment, its output captured in files.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <sys/types.h>

namespace keel::testing {

/// A fresh directory under the system's temporary directory (for schema files and the output
/// of children), removed with everything in it.
class ScratchDir {
 public:
  /// Creates `<tmp>/<prefix>-XXXXXX`.
  explicit ScratchDir(const std::string& prefix);
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  ScratchDir(ScratchDir&&) = delete;
  ScratchDir& operator=(ScratchDir&&) = delete;

  /// The directory.
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }
  /// Writes `text` to file `name` in the directory; returns its path.
  [[nodiscard]] std::string write(const std::string& name, const std::string& text) const;

 private:
  std::filesystem::path path_;
};

/// How a child process ended, and what it wrote.
struct ChildResult {
  std::optional<int> exit_code{};  ///< set when the child exited
  std::optional<int> signal{};     ///< set when a signal killed it (SIGKILL is 9)
  std::string out{};
  std::string err{};
};

/// A started child process: `program ARGS...` with stdin from /dev/null and stdout/stderr in
/// files under `dir`. `env` sets variables for the child (an empty value unsets one); the rest
/// of the environment is inherited. A child still running when the object dies is killed.
/// Example: `Child keel(KEEL_BINARY, {"apply", ...}, {{"KEEL_FAILPOINT", "before-step:2"}},
/// dir); auto r = keel.wait(); CHECK(r.signal == SIGKILL);`
class Child {
 public:
  Child(const std::string& program, const std::vector<std::string>& args,
        const std::map<std::string, std::string>& env, const std::filesystem::path& dir);
  ~Child();
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  Child(Child&&) = delete;
  Child& operator=(Child&&) = delete;

  /// The child's process id.
  [[nodiscard]] pid_t pid() const { return pid_; }
  /// True while the child has not ended (reaps it when it has).
  [[nodiscard]] bool running();
  /// What the child wrote to stderr so far.
  [[nodiscard]] std::string err_so_far() const;
  /// Waits for the child to end; after `timeout` kills it and throws std::runtime_error.
  ChildResult wait(std::chrono::milliseconds timeout = std::chrono::seconds(60));

 private:
  pid_t pid_ = -1;
  std::optional<int> status_{};
  std::filesystem::path out_;
  std::filesystem::path err_;
};

/// Runs `program ARGS...` to its end (see Child).
[[nodiscard]] ChildResult run_child(const std::string& program,
                                    const std::vector<std::string>& args,
                                    const std::map<std::string, std::string>& env,
                                    const std::filesystem::path& dir);

/// Polls `condition` every 10 ms until it is true or `timeout` passes; returns its last value.
template <class F>
bool eventually(F condition, std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= deadline)
      return condition();
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

}  // namespace keel::testing
