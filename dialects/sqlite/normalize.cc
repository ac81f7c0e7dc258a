#include "dialects/sqlite/normalize.h"

#include "state/types.h"

namespace keel::dialects::sqlite {

std::string normalize_tokens(const std::vector<Token>& tokens, std::size_t begin, std::size_t end,
                             bool strip_parens) {
  while (end > begin && tokens[end - 1].is_punct(";")) {
    --end;
  }
  while (strip_parens && end - begin >= 2 && tokens[begin].is_punct("(") &&
         skip_parens(tokens, begin) == end) {
    ++begin;
    --end;
  }
  return join_tokens(tokens, begin, end);
}

std::string join_tokens(const std::vector<Token>& tokens, std::size_t begin, std::size_t end) {
  std::string out;
  for (std::size_t i = begin; i < end && i < tokens.size(); ++i) {
    const Token& token = tokens[i];
    if (i > begin && token.space_before) {
      const Token& prev = tokens[i - 1];
      bool glue = prev.is_punct("(") || prev.is_punct(".") || token.is_punct(")") ||
                  token.is_punct(",") || token.is_punct(".");
      if (!glue) {
        out += ' ';
      }
    }
    out += token.text;
  }
  return out;
}

std::size_t skip_parens(const std::vector<Token>& tokens, std::size_t open) {
  int depth = 0;
  for (std::size_t i = open; i < tokens.size(); ++i) {
    if (tokens[i].is_punct("(")) {
      ++depth;
    }
    if (tokens[i].is_punct(")") && --depth == 0) {
      return i + 1;
    }
  }
  return tokens.size();
}

std::string normalize_expr(std::string_view sql) {
  std::vector<Token> tokens = tokenize(sql);
  return normalize_tokens(tokens, 0, tokens.size(), true);
}

std::string normalize_query(std::string_view sql) {
  std::vector<Token> tokens = tokenize(sql);
  return normalize_tokens(tokens, 0, tokens.size(), false);
}

std::string normalize_declared_type(std::string_view declared) {
  std::string spaced;
  for (char c : declared) {
    bool space = c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
    if (space) {
      if (!spaced.empty() && spaced.back() != ' ') {
        spaced += ' ';
      }
    } else {
      spaced += c;
    }
  }
  while (!spaced.empty() && spaced.back() == ' ') {
    spaced.pop_back();
  }
  if (spaced.empty()) {
    return "blob";
  }
  if (std::optional<std::string> known = state::normalize_type(spaced)) {
    return *known;
  }
  // Unknown names (SQLite takes any words as a type): lowercase, no space inside "( ... )".
  std::string out;
  for (std::size_t i = 0; i < spaced.size(); ++i) {
    char c = spaced[i];
    if (c == ' ' && i > 0 && (spaced[i - 1] == '(' || spaced[i - 1] == ',')) {
      continue;
    }
    if (c == ' ' && i + 1 < spaced.size() &&
        (spaced[i + 1] == '(' || spaced[i + 1] == ')' || spaced[i + 1] == ',')) {
      continue;
    }
    out += c;
  }
  return ascii_lower(out);
}

Affinity type_affinity(std::string_view declared) {
  std::string upper = ascii_upper(declared);
  auto has = [&](std::string_view part) { return upper.find(part) != std::string::npos; };
  if (has("INT")) {
    return Affinity::Integer;
  }
  if (has("CHAR") || has("CLOB") || has("TEXT")) {
    return Affinity::Text;
  }
  if (has("BLOB") || upper.find_first_not_of(" \t\n\r\f") == std::string::npos) {
    return Affinity::Blob;
  }
  if (has("REAL") || has("FLOA") || has("DOUB")) {
    return Affinity::Real;
  }
  return Affinity::Numeric;
}

std::optional<std::string> normalize_collation(const std::optional<std::string>& collation) {
  if (!collation || iequals(*collation, "BINARY")) {
    return std::nullopt;
  }
  return ascii_upper(*collation);
}

std::optional<std::string> normalize_key_collation(
    const std::optional<std::string>& explicit_collation,
    const std::optional<std::string>& column_collation) {
  if (!explicit_collation) {
    return std::nullopt;
  }
  std::string key = ascii_upper(*explicit_collation);
  std::string inherited = column_collation ? ascii_upper(*column_collation) : "BINARY";
  if (key == inherited) {
    return std::nullopt;
  }
  return key;
}

void NamePicker::take(const std::string& name) {
  if (!name.empty()) {
    taken_.insert(ascii_lower(name));
  }
}

bool NamePicker::taken(const std::string& name) const {
  return taken_.contains(ascii_lower(name));
}

std::string NamePicker::pick(const std::string& base) {
  std::string name = base;
  for (int n = 1; taken(name); ++n) {
    name = base + std::to_string(n);
  }
  take(name);
  return name;
}

std::string column_stem(const std::vector<std::string>& columns) {
  std::string out;
  for (const std::string& column : columns) {
    if (!out.empty()) {
      out += '_';
    }
    out += column;
  }
  return out;
}

std::string check_name_base(const std::string& table, const std::string& expr,
                            const std::vector<state::Column>& columns) {
  std::vector<Token> tokens;
  try {
    tokens = tokenize(expr);
  } catch (const SyntaxError&) {
    return table + "_check";
  }
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const Token& token = tokens[i];
    if (token.kind != TokenKind::Word && token.kind != TokenKind::QuotedIdent) {
      continue;
    }
    if (i + 1 < tokens.size() && tokens[i + 1].is_punct("(")) {
      continue;  // a function name
    }
    std::string name = token.name();
    for (const state::Column& column : columns) {
      if (iequals(column.name, name)) {
        return table + "_" + column.name + "_check";
      }
    }
  }
  return table + "_check";
}

std::string index_name_base(const std::string& table, const std::vector<state::IndexKey>& keys) {
  std::vector<std::string> parts;
  for (const state::IndexKey& key : keys) {
    if (!key.expression) {
      parts.push_back(key.column);
      continue;
    }
    // PostgreSQL names an expression key after its outer function, else "expr".
    std::string part = "expr";
    try {
      std::vector<Token> tokens = tokenize(*key.expression);
      if (tokens.size() >= 2 && tokens[0].kind == TokenKind::Word && tokens[1].is_punct("(")) {
        part = ascii_lower(tokens[0].text);
      }
    } catch (const SyntaxError&) {
      part = "expr";
    }
    parts.push_back(part);
  }
  return table + "_" + column_stem(parts) + "_idx";
}

void name_constraints(state::Table& table) {
  NamePicker names;
  if (table.primary_key) {
    names.take(table.primary_key->name);
  }
  for (const auto& unique : table.uniques) {
    names.take(unique.name);
  }
  for (const auto& key : table.foreign_keys) {
    names.take(key.name);
  }
  for (const auto& check : table.checks) {
    names.take(check.name);
  }
  const std::string& t = table.name.name;
  if (table.primary_key && table.primary_key->name.empty()) {
    table.primary_key->name = names.pick(t + "_pkey");
  }
  for (auto& unique : table.uniques) {
    if (unique.name.empty()) {
      unique.name = names.pick(t + "_" + column_stem(unique.columns) + "_key");
    }
  }
  for (auto& key : table.foreign_keys) {
    if (key.name.empty()) {
      key.name = names.pick(t + "_" + column_stem(key.columns) + "_fkey");
    }
  }
  for (auto& check : table.checks) {
    if (check.name.empty()) {
      check.name = names.pick(check_name_base(t, check.expr, table.columns));
    }
  }
}

}  // namespace keel::dialects::sqlite
