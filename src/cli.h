// The command line: a table of commands, argument parsing and the command implementations.
#pragma once

#include <istream>
#include <ostream>
#include <string>
#include <vector>

namespace keel::cli {

/// keel's version, recorded in plans and revisions: the project version in CMakeLists.txt.
inline constexpr const char* kVersion = KEEL_VERSION;

/// What the process is attached to; tests pass their own.
struct Terminal {
  std::istream* in = nullptr;  ///< answers to prompts
  bool interactive = false;    ///< stdin is a terminal: apply may prompt
  bool color = false;          ///< stdout is a terminal and NO_COLOR is unset
  bool progress = false;       ///< stderr is a terminal: progress redraws in place
  /// The process ends right after the command (keel's main): large models may be left to the
  /// operating system rather than freed one allocation at a time.
  bool process_exits = false;
};

/// Runs `keel ARGS...` and returns the exit code. Results go to `out`, diagnostics and
/// progress to `err`. Throws state::UserError / dialects::DatabaseError for main to print.
int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
        const Terminal& terminal);

/// Prints an exception the way main does and returns its exit code (1).
int report(std::ostream& err);

}  // namespace keel::cli
