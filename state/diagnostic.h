// Diagnostics: source positions, user-facing errors and the exception that carries them.
#pragma once

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace keel::state {

/// A position in a TOML file; `line` and `column` are 1-based, 0 when unknown.
struct SourceLoc {
  std::shared_ptr<const std::string> file{};
  std::uint32_t line{};
  std::uint32_t column{};

  /// "file:line:col", or "file" / "" when parts are unknown.
  [[nodiscard]] std::string str() const;
  [[nodiscard]] bool known() const { return file != nullptr; }
};

/// One problem found in user input, printed as `file:line:col: error: message`.
struct Diagnostic {
  SourceLoc loc{};
  std::string message{};
  std::vector<std::string> notes{};  ///< extra `note:` lines (e.g. the other definition)
  /// Where each note points, parallel to `notes`; a missing or unknown entry means `loc`.
  std::vector<SourceLoc> note_locs{};

  /// Appends a note that points at `where` (e.g. the first of two definitions).
  void add_note(SourceLoc where, std::string note);
  /// The whole diagnostic as printed, without a trailing newline: the error line, then one
  /// `file:line:col: note: ...` line per note. Without a position the prefix is "keel".
  /// Example: "b.toml:3:1: error: table \"users\" is defined twice\n"
  ///          "a.toml:1:1: note: first defined here"
  [[nodiscard]] std::string str() const;
};

/// Thrown for bad input that ends the operation; carries every diagnostic found.
class UserError : public std::runtime_error {
 public:
  explicit UserError(std::vector<Diagnostic> diagnostics);
  explicit UserError(std::string message);  ///< an error with no source position
  [[nodiscard]] const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }

 private:
  std::vector<Diagnostic> diagnostics_;
};

/// The closest of `candidates` to `word` by edit distance, or "" when none is close enough.
/// Example: `closest("intger", {"integer", "text"})` is "integer".
[[nodiscard]] std::string closest(const std::string& word,
                                  const std::vector<std::string>& candidates);

/// `" (did you mean \"x\"?)"` for the closest candidate, or "".
[[nodiscard]] std::string did_you_mean(const std::string& word,
                                       const std::vector<std::string>& candidates);

}  // namespace keel::state
