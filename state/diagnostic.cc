#include "state/diagnostic.h"

#include <algorithm>
#include <cstddef>
#include <utility>

namespace keel::state {

namespace {

// Prefix of an error or note line: "file:line:col", or "keel" when nothing is known.
std::string prefix(const SourceLoc& loc) {
  std::string where = loc.str();
  return where.empty() ? std::string("keel") : where;
}

std::string join(const std::vector<Diagnostic>& diagnostics) {
  std::string out;
  for (const Diagnostic& d : diagnostics) {
    if (!out.empty()) {
      out += '\n';
    }
    out += d.str();
  }
  return out;
}

char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

// Optimal string alignment distance (Damerau-Levenshtein with adjacent transpositions),
// compared case-insensitively.
std::size_t edit_distance(const std::string& a, const std::string& b) {
  const std::size_t n = a.size();
  const std::size_t m = b.size();
  std::vector<std::vector<std::size_t>> d(n + 1, std::vector<std::size_t>(m + 1, 0));
  for (std::size_t i = 0; i <= n; ++i) {
    d[i][0] = i;
  }
  for (std::size_t j = 0; j <= m; ++j) {
    d[0][j] = j;
  }
  for (std::size_t i = 1; i <= n; ++i) {
    for (std::size_t j = 1; j <= m; ++j) {
      const std::size_t cost = lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) &&
          lower(a[i - 2]) == lower(b[j - 1])) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[n][m];
}

}  // namespace

std::string SourceLoc::str() const {
  if (!file) {
    return {};
  }
  if (line == 0) {
    return *file;
  }
  if (column == 0) {
    return *file + ":" + std::to_string(line);
  }
  return *file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

void Diagnostic::add_note(SourceLoc where, std::string note) {
  note_locs.resize(notes.size());
  notes.push_back(std::move(note));
  note_locs.push_back(std::move(where));
}

std::string Diagnostic::str() const {
  std::string out = prefix(loc) + ": error: " + message;
  for (std::size_t i = 0; i < notes.size(); ++i) {
    const SourceLoc& where = i < note_locs.size() && note_locs[i].known() ? note_locs[i] : loc;
    out += "\n" + prefix(where) + ": note: " + notes[i];
  }
  return out;
}

UserError::UserError(std::vector<Diagnostic> diagnostics)
    : std::runtime_error(join(diagnostics)), diagnostics_(std::move(diagnostics)) {}

UserError::UserError(std::string message)
    : std::runtime_error("keel: error: " + message),
      diagnostics_{Diagnostic{.loc = {}, .message = std::move(message)}} {}

std::string closest(const std::string& word, const std::vector<std::string>& candidates) {
  // Close enough: at most a third of the word wrong (but always allow two edits), and never a
  // suggestion that shares nothing with the word.
  const std::size_t limit = std::max<std::size_t>(2, word.size() / 3);
  std::string best;
  std::size_t best_distance = limit + 1;
  for (const std::string& candidate : candidates) {
    const std::size_t distance = edit_distance(word, candidate);
    if (distance < best_distance && distance < std::max(word.size(), candidate.size())) {
      best = candidate;
      best_distance = distance;
    }
  }
  return best;
}

std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates) {
  std::string best = closest(word, candidates);
  if (best.empty()) {
    return {};
  }
  return " (did you mean \"" + best + "\"?)";
}

}  // namespace keel::state
