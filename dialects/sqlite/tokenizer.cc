#include "dialects/sqlite/tokenizer.h"

#include <array>

#include <fmt/format.h>

namespace keel::dialects::sqlite {
namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_hex(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_high(char c) {
  return static_cast<unsigned char>(c) >= 0x80;
}
// tokenize.c: identifiers start with a letter, '_' or any byte >= 0x80 (UTF-8), and go on
// with those, digits and '$'.
bool starts_ident(char c) {
  return is_alpha(c) || c == '_' || is_high(c);
}
bool continues_ident(char c) {
  return starts_ident(c) || is_digit(c) || c == '$';
}

// The end of a quoted run that starts at `begin` (the opening quote) and ends with `close`;
// `close` doubled inside stands for itself unless `doubling` is false ([x] names).
std::size_t quoted_end(std::string_view sql, std::size_t begin, char close, bool doubling) {
  std::size_t i = begin + 1;
  while (i < sql.size()) {
    if (sql[i] == close) {
      if (doubling && i + 1 < sql.size() && sql[i + 1] == close) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    ++i;
  }
  const char* what = close == '\'' ? "string" : "quoted name";
  throw SyntaxError(fmt::format("unterminated {} at offset {}", what, begin));
}

std::size_t number_end(std::string_view sql, std::size_t i) {
  if (sql[i] == '0' && i + 2 < sql.size() && (sql[i + 1] == 'x' || sql[i + 1] == 'X') &&
      is_hex(sql[i + 2])) {
    i += 2;
    while (i < sql.size() && is_hex(sql[i])) {
      ++i;
    }
    return i;
  }
  while (i < sql.size() && is_digit(sql[i])) {
    ++i;
  }
  if (i < sql.size() && sql[i] == '.') {
    ++i;
    while (i < sql.size() && is_digit(sql[i])) {
      ++i;
    }
  }
  if (i < sql.size() && (sql[i] == 'e' || sql[i] == 'E')) {
    std::size_t j = i + 1;
    if (j < sql.size() && (sql[j] == '+' || sql[j] == '-')) {
      ++j;
    }
    if (j < sql.size() && is_digit(sql[j])) {
      i = j;
      while (i < sql.size() && is_digit(sql[i])) {
        ++i;
      }
    }
  }
  return i;
}

// Operators longest first, as tokenize.c matches them.
constexpr std::array<std::string_view, 26> kPunct = {
    "->>", "->", "||", "<=", ">=", "==", "!=", "<>", "<<", ">>", "(", ")", ",",
    ";",   ".",  "+",  "-",  "*",  "/",  "%",  "=",  "<",  ">",  "&", "|", "~"};

}  // namespace

std::string ascii_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
  }
  return out;
}

std::string ascii_upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') {
      c = static_cast<char>(c - 'a' + 'A');
    }
  }
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    char y = b[i];
    if (x >= 'A' && x <= 'Z') {
      x = static_cast<char>(x - 'A' + 'a');
    }
    if (y >= 'A' && y <= 'Z') {
      y = static_cast<char>(y - 'A' + 'a');
    }
    if (x != y) {
      return false;
    }
  }
  return true;
}

bool Token::is_keyword(std::string_view keyword) const {
  return kind == TokenKind::Word && iequals(text, keyword);
}

bool Token::is_punct(std::string_view punct) const {
  return kind == TokenKind::Punct && text == punct;
}

bool Token::is_name() const {
  return kind == TokenKind::Word || kind == TokenKind::QuotedIdent || kind == TokenKind::String;
}

std::string Token::name() const {
  if (kind == TokenKind::Word || text.size() < 2) {
    return text;
  }
  char open = text.front();
  if (open == '[') {
    return text.substr(1, text.size() - 2);
  }
  char close = open;
  std::string out;
  for (std::size_t i = 1; i + 1 < text.size(); ++i) {
    out += text[i];
    if (text[i] == close) {
      ++i;  // the second of a doubled quote
    }
  }
  return out;
}

std::vector<Token> tokenize(std::string_view sql) {
  std::vector<Token> tokens;
  bool space = false;
  std::size_t i = 0;
  while (i < sql.size()) {
    char c = sql[i];
    if (is_space(c)) {
      ++i;
      space = true;
      continue;
    }
    if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      while (i < sql.size() && sql[i] != '\n') {
        ++i;
      }
      space = true;
      continue;
    }
    if (c == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {
      std::size_t end = sql.find("*/", i + 2);
      i = end == std::string_view::npos ? sql.size() : end + 2;  // SQLite allows an open comment
      space = true;
      continue;
    }
    Token token;
    token.offset = i;
    token.space_before = space && !tokens.empty();
    std::size_t end = i + 1;
    if ((c == 'x' || c == 'X') && i + 1 < sql.size() && sql[i + 1] == '\'') {
      token.kind = TokenKind::Blob;
      end = quoted_end(sql, i + 1, '\'', false);
    } else if (starts_ident(c)) {
      token.kind = TokenKind::Word;
      while (end < sql.size() && continues_ident(sql[end])) {
        ++end;
      }
    } else if (c == '\'') {
      token.kind = TokenKind::String;
      end = quoted_end(sql, i, '\'', true);
    } else if (c == '"' || c == '`') {
      token.kind = TokenKind::QuotedIdent;
      end = quoted_end(sql, i, c, true);
    } else if (c == '[') {
      token.kind = TokenKind::QuotedIdent;
      end = quoted_end(sql, i, ']', false);
    } else if (is_digit(c) || (c == '.' && i + 1 < sql.size() && is_digit(sql[i + 1]))) {
      token.kind = TokenKind::Number;
      end = number_end(sql, i);
    } else if (c == '?') {
      token.kind = TokenKind::Variable;
      while (end < sql.size() && is_digit(sql[end])) {
        ++end;
      }
    } else if (c == ':' || c == '@' || c == '$') {
      token.kind = TokenKind::Variable;
      while (end < sql.size() && continues_ident(sql[end])) {
        ++end;
      }
      if (end == i + 1) {
        throw SyntaxError(fmt::format("unexpected character '{}' at offset {}", c, i));
      }
    } else {
      token.kind = TokenKind::Punct;
      end = i;
      for (std::string_view op : kPunct) {
        if (sql.substr(i, op.size()) == op) {
          end = i + op.size();
          break;
        }
      }
      if (end == i) {
        throw SyntaxError(fmt::format("unexpected character '{}' at offset {}", c, i));
      }
    }
    token.text = std::string(sql.substr(i, end - i));
    tokens.push_back(std::move(token));
    i = end;
    space = false;
  }
  return tokens;
}

}  // namespace keel::dialects::sqlite
