#include "dialects/postgres/naming.h"

#include <algorithm>
#include <map>

#include "dialects/postgres/lexer.h"
#include "dialects/postgres/normalize.h"

namespace keel::dialects::postgres {

namespace {

bool is_continuation(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

// The last part of a type name as the parser's TypeName holds it (SystemTypeName spellings),
// which FigureColname uses for a cast of something nameless: `'a'::text` -> "text".
std::string internal_type_name(const std::vector<std::string>& words) {
  static const std::map<std::string, std::string, std::less<>> names = {
      {"int", "int4"},
      {"integer", "int4"},
      {"smallint", "int2"},
      {"bigint", "int8"},
      {"real", "float4"},
      {"float", "float8"},
      {"double precision", "float8"},
      {"boolean", "bool"},
      {"character varying", "varchar"},
      {"char varying", "varchar"},
      {"character", "bpchar"},
      {"char", "bpchar"},
      {"decimal", "numeric"},
      {"dec", "numeric"},
      {"timestamp", "timestamp"},
      {"timestamp with time zone", "timestamptz"},
      {"timestamp without time zone", "timestamp"},
      {"time", "time"},
      {"time with time zone", "timetz"},
      {"time without time zone", "time"},
      {"bit varying", "varbit"},
  };
  std::string joined;
  for (const auto& w : words) {
    joined += (joined.empty() ? "" : " ") + w;
  }
  const auto it = names.find(joined);
  if (it != names.end()) {
    return it->second;
  }
  return words.empty() ? std::string() : words.back();
}

std::string name_of(const Token& t) {
  return t.kind == TokenKind::QuotedIdent ? t.value : ascii_lower(t.text);
}

struct Figured {
  std::string name{};
  int strength = 0;  // FigureColnameInternal: 0 none, 1 type name, 2 a real name
};

// FigureColnameInternal over tokens [begin, end): a primary followed by casts.
Figured figure(const std::vector<Token>& tokens, std::size_t begin, std::size_t end) {
  if (begin >= end) {
    return {};
  }
  std::size_t i = begin;
  Figured primary;
  const Token& first = tokens[i];
  if (first.is("(")) {
    const std::size_t close = matching_close(tokens, i);
    if (close >= end) {
      return {};
    }
    primary = figure(tokens, i + 1, close);
    i = close + 1;
  } else if (first.is_word("case")) {
    int depth = 0;
    for (; i < end; ++i) {
      if (tokens[i].is_word("case")) {
        ++depth;
      }
      if (tokens[i].is_word("end") && --depth == 0) {
        break;
      }
    }
    if (i >= end) {
      return {};
    }
    primary = {"case", 2};
    ++i;
  } else if (first.is_word("array") && i + 1 < end &&
             (tokens[i + 1].is("[") || tokens[i + 1].is("("))) {
    const std::size_t close = matching_close(tokens, i + 1);
    if (close >= end) {
      return {};
    }
    primary = {"array", 2};
    i = close + 1;
  } else if (first.is_word("cast") && i + 1 < end && tokens[i + 1].is("(")) {
    const std::size_t close = matching_close(tokens, i + 1);
    if (close >= end) {
      return {};
    }
    std::size_t as = i + 2;
    int depth = 0;
    for (; as < close; ++as) {
      if (tokens[as].is("(") || tokens[as].is("[")) {
        ++depth;
      }
      if (tokens[as].is(")") || tokens[as].is("]")) {
        --depth;
      }
      if (depth == 0 && tokens[as].is_word("as")) {
        break;
      }
    }
    primary = figure(tokens, i + 2, as);
    if (primary.strength <= 1 && as < close) {
      std::vector<std::string> words;
      for (std::size_t w = as + 1; w < close && tokens[w].kind == TokenKind::Word; ++w) {
        words.push_back(ascii_lower(tokens[w].text));
      }
      primary = {internal_type_name(words), 1};
    }
    i = close + 1;
  } else if (first.kind == TokenKind::Word || first.kind == TokenKind::QuotedIdent) {
    std::string last = name_of(first);
    ++i;
    while (
        i + 1 < end && tokens[i].is(".") &&
        (tokens[i + 1].kind == TokenKind::Word || tokens[i + 1].kind == TokenKind::QuotedIdent)) {
      last = name_of(tokens[i + 1]);
      i += 2;
    }
    if (i < end && tokens[i].is("(")) {
      const std::size_t close = matching_close(tokens, i);
      if (close >= end) {
        return {};
      }
      i = close + 1;
    }
    primary = {last, 2};
  } else if (first.kind == TokenKind::String || first.kind == TokenKind::Number) {
    ++i;
  } else {
    return {};
  }
  // :: type [ (mods) ] [ [] ] ...
  while (i < end) {
    if (!tokens[i].is("::")) {
      return {};
    }
    ++i;
    std::vector<std::string> words;
    while (i < end && (tokens[i].kind == TokenKind::Word ||
                       tokens[i].kind == TokenKind::QuotedIdent || tokens[i].is("."))) {
      if (tokens[i].is(".")) {
        words.clear();
      } else {
        words.push_back(name_of(tokens[i]));
      }
      ++i;
    }
    while (i < end && (tokens[i].is("(") || tokens[i].is("["))) {
      const std::size_t close = matching_close(tokens, i);
      if (close >= end) {
        return {};
      }
      i = close + 1;
    }
    if (words.empty()) {
      return {};
    }
    if (primary.strength <= 1) {
      primary = {internal_type_name(words), 1};
    }
  }
  return primary;
}

}  // namespace

std::string clip_utf8(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) {
    return std::string(text);
  }
  std::size_t len = max_bytes;
  while (len > 0 && is_continuation(text[len])) {
    --len;
  }
  return std::string(text.substr(0, len));
}

std::string truncate_identifier(std::string_view name) {
  return clip_utf8(name, kMaxIdentifierBytes);
}

std::string make_object_name(std::string_view name1, std::optional<std::string_view> name2,
                             std::string_view label) {
  std::size_t overhead = 0;
  std::size_t name1chars = name1.size();
  std::size_t name2chars = 0;
  if (name2) {
    name2chars = name2->size();
    ++overhead;
  }
  if (!label.empty()) {
    overhead += label.size() + 1;
  }
  const std::size_t available = kMaxIdentifierBytes > overhead ? kMaxIdentifierBytes - overhead : 1;
  while (name1chars + name2chars > available) {
    if (name1chars > name2chars) {
      --name1chars;
    } else {
      --name2chars;
    }
  }
  std::string out = clip_utf8(name1, name1chars);
  if (name2) {
    out += "_" + clip_utf8(*name2, name2chars);
  }
  if (!label.empty()) {
    out += "_" + std::string(label);
  }
  return out;
}

std::string name_addition(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& name : names) {
    if (!out.empty()) {
      out += '_';
    }
    out += name.substr(0, kMaxIdentifierBytes);
    if (out.size() >= kMaxIdentifierBytes + 1) {
      break;
    }
  }
  return out;
}

std::vector<std::string> index_column_names(const std::vector<std::string>& names) {
  std::vector<std::string> result;
  for (const auto& original : names) {
    std::string current = original;
    for (int i = 1; std::find(result.begin(), result.end(), current) != result.end(); ++i) {
      const std::string number = std::to_string(i);
      current = clip_utf8(original, kMaxIdentifierBytes - number.size()) + number;
    }
    result.push_back(current);
  }
  return result;
}

std::string expression_column_name(std::string_view expr) {
  const std::string e = normalize_expr(expr);
  const std::vector<Token> tokens = tokenize(e);
  Figured figured = figure(tokens, 0, tokens.size());
  return figured.name.empty() ? "expr" : figured.name;
}

std::vector<std::string> referenced_columns(std::string_view expr,
                                            const std::vector<std::string>& columns) {
  const std::vector<Token> tokens = tokenize(expr);
  std::vector<std::string> found;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const Token& t = tokens[i];
    if (t.kind != TokenKind::Word && t.kind != TokenKind::QuotedIdent) {
      continue;
    }
    if (i + 1 < tokens.size() && (tokens[i + 1].is("(") || tokens[i + 1].is("."))) {
      continue;
    }
    if (i > 0 && tokens[i - 1].is("::")) {
      continue;
    }
    const std::string name = name_of(t);
    if (std::find(columns.begin(), columns.end(), name) == columns.end()) {
      continue;
    }
    if (std::find(found.begin(), found.end(), name) == found.end()) {
      found.push_back(name);
    }
  }
  return found;
}

std::string NameChooser::choose_relation(std::string_view name1,
                                         std::optional<std::string_view> name2,
                                         std::string_view label, bool is_constraint) {
  std::string modlabel(label);
  for (int pass = 1;; ++pass) {
    std::string name = make_object_name(name1, name2, modlabel);
    if (!relations_.contains(name) && (!is_constraint || !constraints_.contains(name))) {
      relations_.insert(name);
      if (is_constraint) {
        constraints_.insert(name);
      }
      return name;
    }
    modlabel = std::string(label) + std::to_string(pass);
  }
}

std::string NameChooser::choose_constraint(std::string_view name1,
                                           std::optional<std::string_view> name2,
                                           std::string_view label) {
  std::string modlabel(label);
  for (int pass = 1;; ++pass) {
    std::string name = make_object_name(name1, name2, modlabel);
    if (!constraints_.contains(name)) {
      constraints_.insert(name);
      return name;
    }
    modlabel = std::string(label) + std::to_string(pass);
  }
}

}  // namespace keel::dialects::postgres
