#include "state/toml_sections.h"

#include <algorithm>
#include <unordered_set>

namespace keel::state {

namespace {

constexpr std::size_t kNone = std::string_view::npos;

bool bare_key_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

// The index just after the string that starts at text[i] (a quote), or kNone when it does not
// end where TOML says it must. Counts the newlines inside a multi-line string into `lines`.
std::size_t skip_string(std::string_view text, std::size_t i, std::uint32_t& lines) {
  const char quote = text[i];
  const bool escapes = quote == '"';
  const std::string_view triple = escapes ? R"(""")" : "'''";
  if (text.substr(i, 3) == triple) {
    for (i += 3; i < text.size();) {
      const char c = text[i];
      if (c == '\\' && escapes) {
        if (i + 1 < text.size() && text[i + 1] == '\n') {
          ++lines;
        }
        i += 2;
      } else if (c == quote && text.substr(i, 3) == triple) {
        i += 3;
        // """a"""" is the string `a"`: up to two more quotes are content
        for (int extra = 0; extra < 2 && i < text.size() && text[i] == quote; ++extra) {
          ++i;
        }
        return i;
      } else {
        lines += c == '\n' ? 1 : 0;
        ++i;
      }
    }
    return kNone;
  }
  for (++i; i < text.size() && text[i] != '\n';) {
    if (text[i] == '\\' && escapes) {
      i += 2;
    } else if (text[i] == quote) {
      return i + 1;
    } else {
      ++i;
    }
  }
  return kNone;
}

// A table header read from its opening bracket: its keys, and the index after its last bracket.
struct Header {
  std::vector<std::string> keys;
  std::size_t end = 0;
};

// Reads the header at text[i] ('['), or nullopt when it is not one this file can read: a key
// with escapes, say, or no closing bracket on the line.
std::optional<Header> read_header(std::string_view text, std::size_t i) {
  Header h;
  const bool array = text.substr(i, 2) == "[[";
  i += array ? 2 : 1;
  auto skip_blanks = [&] {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) {
      ++i;
    }
  };
  while (true) {
    skip_blanks();
    if (i >= text.size()) {
      return std::nullopt;
    }
    if (text[i] == '"' || text[i] == '\'') {
      std::uint32_t lines = 0;
      const std::size_t end = skip_string(text, i, lines);
      if (end == kNone || end - i < 2 || text.substr(i, 3) == R"(""")" ||
          text.substr(i, 3) == "'''") {
        return std::nullopt;
      }
      const std::string_view inner = text.substr(i + 1, end - i - 2);
      if (text[i] == '"' && inner.find('\\') != std::string_view::npos) {
        return std::nullopt;
      }
      h.keys.emplace_back(inner);
      i = end;
    } else {
      const std::size_t start = i;
      while (i < text.size() && bare_key_char(text[i])) {
        ++i;
      }
      if (i == start) {
        return std::nullopt;
      }
      h.keys.emplace_back(text.substr(start, i - start));
    }
    skip_blanks();
    if (i < text.size() && text[i] == '.') {
      ++i;
      continue;
    }
    const std::string_view close = array ? "]]" : "]";
    if (text.substr(i, close.size()) != close) {
      return std::nullopt;
    }
    h.end = i + close.size();
    return h;
  }
}

// Where a header starts a new part of the document.
struct Cut {
  std::size_t offset = 0;            // of the header's line
  std::uint32_t line = 0;            // lines before it
  std::optional<std::string> table;  // NAME of a `tables.NAME...` header
};

}  // namespace

std::optional<SectionedDocument> split_table_sections(std::string_view text) {
  std::vector<Cut> cuts{Cut{}};  // the part before the first header
  std::uint32_t line = 0;
  int depth = 0;  // of open arrays and inline tables
  bool line_start = true;
  std::size_t i = 0;
  while (i < text.size()) {
    if (line_start) {
      line_start = false;
      std::size_t j = i;
      if (j == 0 && text.starts_with("\xEF\xBB\xBF")) {
        j = 3;
      }
      while (j < text.size() && (text[j] == ' ' || text[j] == '\t')) {
        ++j;
      }
      if (depth == 0 && j < text.size() && text[j] == '[') {
        std::optional<Header> header = read_header(text, j);
        if (!header) {
          return std::nullopt;
        }
        Cut cut{.offset = i, .line = line, .table = std::nullopt};
        if (header->keys.size() >= 2 && header->keys[0] == "tables") {
          cut.table = std::move(header->keys[1]);
        }
        cuts.push_back(std::move(cut));
        i = header->end;
        continue;
      }
    }
    switch (text[i]) {
      case '\n':
        ++line;
        line_start = true;
        ++i;
        break;
      case '#':
        i = std::min(text.find('\n', i), text.size());
        break;
      case '"':
      case '\'':
        i = skip_string(text, i, line);
        if (i == kNone) {
          return std::nullopt;
        }
        break;
      case '[':
      case '{':
        ++depth;
        ++i;
        break;
      case ']':
      case '}':
        if (--depth < 0) {
          return std::nullopt;
        }
        ++i;
        break;
      default:
        ++i;
    }
  }
  if (depth != 0) {
    return std::nullopt;
  }

  SectionedDocument out;
  out.rest.reserve(text.size() / 8);
  std::unordered_set<std::string> seen;
  for (std::size_t k = 0; k < cuts.size(); ++k) {
    const Cut& cut = cuts[k];
    const std::size_t end = k + 1 < cuts.size() ? cuts[k + 1].offset : text.size();
    const std::string_view part = text.substr(cut.offset, end - cut.offset);
    if (!cut.table) {
      out.rest += part;
      continue;
    }
    out.rest.append(static_cast<std::size_t>(std::count(part.begin(), part.end(), '\n')), '\n');
    if (k > 0 && cuts[k - 1].table == cut.table) {
      out.tables.back().size += part.size();
      continue;
    }
    if (!seen.insert(*cut.table).second) {
      return std::nullopt;  // its headers are apart: only the whole document says what it is
    }
    out.tables.push_back(TableSection{
        .name = *cut.table, .offset = cut.offset, .size = part.size(), .line = cut.line});
  }
  return out;
}

}  // namespace keel::state
