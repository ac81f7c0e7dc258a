#include "dialects/postgres/lexer.h"

#include <cctype>

namespace keel::dialects::postgres {

namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_ident_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;
}
bool is_ident_char(char c) {
  return is_ident_start(c) || is_digit(c) || c == '$';
}
bool is_op_char(char c) {
  return std::string_view("+-*/<>=~!@#%^&|`?").find(c) != std::string_view::npos;
}

}  // namespace

bool Token::is_word(std::string_view word) const {
  if (kind != TokenKind::Word || text.size() != word.size()) {
    return false;
  }
  for (std::size_t i = 0; i < word.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) !=
        std::tolower(static_cast<unsigned char>(word[i]))) {
      return false;
    }
  }
  return true;
}

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
  }
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) {
    s.remove_prefix(1);
  }
  while (!s.empty() && is_space(s.back())) {
    s.remove_suffix(1);
  }
  return s;
}

std::vector<Token> tokenize(std::string_view sql) {
  std::vector<Token> tokens;
  std::size_t i = 0;
  const std::size_t n = sql.size();
  while (i < n) {
    const char c = sql[i];
    if (is_space(c)) {
      ++i;
      continue;
    }
    if (c == '-' && i + 1 < n && sql[i + 1] == '-') {  // -- comment
      while (i < n && sql[i] != '\n') {
        ++i;
      }
      continue;
    }
    if (c == '/' && i + 1 < n && sql[i + 1] == '*') {  // /* comment */
      const std::size_t end = sql.find("*/", i + 2);
      i = end == std::string_view::npos ? n : end + 2;
      continue;
    }
    Token token;
    const std::size_t start = i;
    const bool e_string = (c == 'E' || c == 'e') && i + 1 < n && sql[i + 1] == '\'';
    if (c == '\'' || e_string) {
      token.kind = TokenKind::String;
      token.plain_string = !e_string;
      i += e_string ? 2 : 1;
      while (i < n) {
        if (e_string && sql[i] == '\\' && i + 1 < n) {
          token.value += sql[i];
          token.value += sql[i + 1];
          i += 2;
          continue;
        }
        if (sql[i] == '\'') {
          if (i + 1 < n && sql[i + 1] == '\'') {
            token.value += '\'';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        token.value += sql[i++];
      }
    } else if (c == '"') {
      token.kind = TokenKind::QuotedIdent;
      ++i;
      while (i < n) {
        if (sql[i] == '"') {
          if (i + 1 < n && sql[i + 1] == '"') {
            token.value += '"';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        token.value += sql[i++];
      }
    } else if (c == '$' && i + 1 < n && is_digit(sql[i + 1])) {
      token.kind = TokenKind::Param;
      ++i;
      while (i < n && is_digit(sql[i])) {
        ++i;
      }
    } else if (c == '$') {  // $tag$ ... $tag$
      const std::size_t tag_end = sql.find('$', i + 1);
      if (tag_end == std::string_view::npos) {
        token.kind = TokenKind::Op;
        ++i;
      } else {
        const std::string_view tag = sql.substr(i, tag_end - i + 1);
        const std::size_t close = sql.find(tag, tag_end + 1);
        token.kind = TokenKind::String;
        token.plain_string = false;
        token.value = std::string(
            sql.substr(tag_end + 1, (close == std::string_view::npos ? n : close) - tag_end - 1));
        i = close == std::string_view::npos ? n : close + tag.size();
      }
    } else if (is_digit(c) || (c == '.' && i + 1 < n && is_digit(sql[i + 1]))) {
      token.kind = TokenKind::Number;
      while (i < n && is_digit(sql[i])) {
        ++i;
      }
      if (i < n && sql[i] == '.' && !(i + 1 < n && sql[i + 1] == '.')) {
        ++i;
        while (i < n && is_digit(sql[i])) {
          ++i;
        }
      }
      if (i < n && (sql[i] == 'e' || sql[i] == 'E')) {
        std::size_t j = i + 1;
        if (j < n && (sql[j] == '+' || sql[j] == '-')) {
          ++j;
        }
        if (j < n && is_digit(sql[j])) {
          i = j;
          while (i < n && is_digit(sql[i])) {
            ++i;
          }
        }
      }
    } else if (is_ident_start(c)) {
      token.kind = TokenKind::Word;
      while (i < n && is_ident_char(sql[i])) {
        ++i;
      }
    } else if (c == ':' && i + 1 < n && sql[i + 1] == ':') {
      token.kind = TokenKind::Op;
      i += 2;
    } else if (is_op_char(c)) {
      token.kind = TokenKind::Op;
      while (i < n && is_op_char(sql[i])) {
        // "-" or "/" starting a comment ends the operator.
        if (i > start && (sql.substr(i, 2) == "--" || sql.substr(i, 2) == "/*")) {
          break;
        }
        ++i;
      }
    } else {
      token.kind = TokenKind::Op;
      ++i;
    }
    token.text = std::string(sql.substr(start, i - start));
    token.offset = start;
    if (token.kind == TokenKind::Word || token.kind == TokenKind::Number) {
      token.value = token.text;
    }
    tokens.push_back(std::move(token));
  }
  return tokens;
}

std::size_t matching_close(const std::vector<Token>& tokens, std::size_t open) {
  int depth = 0;
  for (std::size_t i = open; i < tokens.size(); ++i) {
    if (tokens[i].is("(") || tokens[i].is("[")) {
      ++depth;
    }
    if (tokens[i].is(")") || tokens[i].is("]")) {
      if (--depth == 0) {
        return i;
      }
    }
  }
  return tokens.size();
}

}  // namespace keel::dialects::postgres
