#include "dialects/postgres/normalize.h"

#include <array>

#include "dialects/postgres/lexer.h"
#include "dialects/postgres/types.h"
#include "dialects/sql.h"
#include "state/types.h"

namespace keel::dialects::postgres {

namespace {

bool encloses_all(const std::vector<Token>& tokens) {
  return tokens.size() >= 2 && tokens.front().is("(") &&
         matching_close(tokens, 0) == tokens.size() - 1;
}

std::optional<bool> bool_word(std::string_view word) {
  const std::string w = ascii_lower(trim(word));
  static constexpr std::array<std::string_view, 6> kTrue = {"t", "true", "y", "yes", "on", "1"};
  static constexpr std::array<std::string_view, 6> kFalse = {"f", "false", "n", "no", "off", "0"};
  for (auto t : kTrue) {
    if (w == t) {
      return true;
    }
  }
  for (auto f : kFalse) {
    if (w == f) {
      return false;
    }
  }
  return std::nullopt;
}

}  // namespace

std::string normalize_expr(std::string_view expr) {
  std::string_view text = trim(expr);
  for (;;) {
    const std::vector<Token> tokens = tokenize(text);
    if (!encloses_all(tokens)) {
      break;
    }
    const std::size_t open = tokens.front().offset + 1;
    text = trim(text.substr(open, tokens.back().offset - open));
  }
  return std::string(text);
}

std::optional<std::string> canonical_number(std::string_view text) {
  text = trim(text);
  bool negative = false;
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) {
    negative = text[0] == '-';
    text.remove_prefix(1);
  }
  std::string digits;  // integer and fraction digits, without the point
  long long fraction = 0;
  bool point = false;
  bool any_digit = false;
  std::size_t i = 0;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c >= '0' && c <= '9') {
      digits += c;
      any_digit = true;
      if (point) {
        ++fraction;
      }
    } else if (c == '.' && !point) {
      point = true;
    } else {
      break;
    }
  }
  if (!any_digit) {
    return std::nullopt;
  }
  long long exponent = 0;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    bool exp_negative = false;
    if (i < text.size() && (text[i] == '-' || text[i] == '+')) {
      exp_negative = text[i++] == '-';
    }
    if (i == text.size()) {
      return std::nullopt;
    }
    for (; i < text.size(); ++i) {
      if (text[i] < '0' || text[i] > '9' || exponent > 100000) {
        return std::nullopt;
      }
      exponent = exponent * 10 + (text[i] - '0');
    }
    if (exp_negative) {
      exponent = -exponent;
    }
  }
  if (i != text.size()) {
    return std::nullopt;
  }

  // value = digits * 10^(exponent - fraction); numeric_in keeps scale max(0, fraction - exponent)
  const long long scale = std::max(0LL, fraction - exponent);
  const long long shift = exponent - fraction + scale;  // zeros to append to digits
  digits.append(static_cast<std::size_t>(shift), '0');
  // Now value = digits / 10^scale.
  const auto scale_size = static_cast<std::size_t>(scale);
  if (digits.size() <= scale_size) {
    digits.insert(0, scale_size - digits.size() + 1, '0');
  }
  std::string integer = digits.substr(0, digits.size() - scale_size);
  const std::string frac = digits.substr(digits.size() - scale_size);
  const std::size_t nonzero = integer.find_first_not_of('0');
  integer = nonzero == std::string::npos ? "0" : integer.substr(nonzero);
  const bool zero = integer == "0" && frac.find_first_not_of('0') == std::string::npos;
  std::string out = (negative && !zero) ? "-" : "";
  out += integer;
  if (scale > 0) {
    out += "." + frac;
  }
  return out;
}

std::string normalize_default(std::string_view expr, std::string_view column_type) {
  std::string e = normalize_expr(expr);
  const std::vector<Token> tokens = tokenize(e);
  using state::TypeFamily;
  const TypeFamily family = state::type_family(column_type);
  const bool numeric = family == TypeFamily::Integer || family == TypeFamily::Numeric;

  if (tokens.size() == 1 && tokens[0].kind == TokenKind::Word) {
    if (family == TypeFamily::Boolean) {
      if (auto b = bool_word(tokens[0].text)) {
        return *b ? "true" : "false";
      }
    }
    if (tokens[0].is_word("true") || tokens[0].is_word("false")) {
      return ascii_lower(e);
    }
    return e;
  }

  // [sign] literal [:: type]
  std::size_t i = 0;
  std::string sign;
  if (i + 1 < tokens.size() && (tokens[i].is("-") || tokens[i].is("+")) &&
      tokens[i + 1].kind == TokenKind::Number) {
    sign = tokens[i].text == "-" ? "-" : "";
    ++i;
  }
  if (i >= tokens.size()) {
    return e;
  }
  const Token& literal = tokens[i];
  const bool is_string = literal.kind == TokenKind::String && literal.plain_string;
  if (!is_string && literal.kind != TokenKind::Number) {
    return e;
  }
  ++i;
  std::optional<std::string> cast;
  if (i < tokens.size()) {
    if (!tokens[i].is("::") || i + 1 == tokens.size()) {
      return e;
    }
    for (std::size_t j = i + 1; j < tokens.size(); ++j) {
      if (tokens[j].is("::")) {
        return e;  // a chain of casts is not a plain literal
      }
    }
    cast = std::string(trim(std::string_view(e).substr(tokens[i + 1].offset)));
  }
  const std::string value = sign + literal.value;
  const std::optional<std::string> number = canonical_number(value);

  if (cast) {
    bool own_type = cast_names_type(*cast, column_type);
    if (!own_type && numeric && number) {
      // A number typed as another numeric type and coerced implicitly, e.g. a float8 column
      // with DEFAULT 1e3 is stored as '1000'::numeric.
      const auto cast_type = state::normalize_type(*cast);
      const TypeFamily cast_family = cast_type ? state::type_family(*cast_type) : TypeFamily::Other;
      own_type = cast_family == TypeFamily::Integer || cast_family == TypeFamily::Numeric;
    }
    if (!own_type) {
      return e;
    }
  }
  if (numeric && number) {
    return *number;
  }
  if (family == TypeFamily::Boolean) {
    if (auto b = bool_word(value)) {
      return *b ? "true" : "false";
    }
  }
  return quote_literal(value);
}

std::string check_expression(std::string_view constraint_def) {
  std::string_view def = trim(constraint_def);
  for (bool stripped = true; stripped;) {
    stripped = false;
    for (std::string_view suffix :
         {std::string_view(" NOT VALID"), std::string_view(" NO INHERIT")}) {
      if (def.ends_with(suffix)) {
        def.remove_suffix(suffix.size());
        def = trim(def);
        stripped = true;
      }
    }
  }
  const std::vector<Token> tokens = tokenize(def);
  if (!tokens.empty() && tokens[0].is_word("check")) {
    def = def.substr(tokens[0].text.size());
  }
  return normalize_expr(def);
}

std::string normalize_view_sql(std::string_view sql) {
  std::string_view text = trim(sql);
  while (text.ends_with(';')) {
    text.remove_suffix(1);
    text = trim(text);
  }
  return std::string(text);
}

std::string normalize_partition_clause(std::string_view clause) {
  static constexpr std::array<std::string_view, 12> kKeywords = {
      "for",     "values", "from", "to",   "in",       "with",
      "default", "range",  "list", "hash", "minvalue", "maxvalue"};
  const std::vector<Token> tokens = tokenize(clause);
  std::string out;
  bool prev_keyword = false;
  bool glue = true;  // no space before the next token
  for (const Token& t : tokens) {
    std::string text;
    bool keyword = false;
    if (t.kind == TokenKind::Word) {
      text = ascii_lower(t.text);
      for (auto k : kKeywords) {
        if (text == k) {
          keyword = true;
          for (char& c : text) {
            c = static_cast<char>(c - 'a' + 'A');
          }
          break;
        }
      }
    } else if (t.kind == TokenKind::QuotedIdent) {
      text = quote_ident(t.value);
    } else if (t.kind == TokenKind::String && t.plain_string) {
      text = quote_literal(t.value);
    } else {
      text = t.text;
    }
    const bool tight_before = t.is(")") || t.is(",") || t.is("::") || t.is(".") || t.is("]") ||
                              (t.is("(") && !prev_keyword) || t.is("[");
    if (!out.empty() && !glue && !tight_before) {
      out += ' ';
    }
    out += text;
    glue = t.is("(") || t.is("::") || t.is(".") || t.is("[");
    prev_keyword = keyword;
  }
  return out;
}

std::vector<std::optional<std::string>> parse_text_array(std::string_view text) {
  std::vector<std::optional<std::string>> out;
  std::size_t i = 0;
  const std::size_t n = text.size();
  // Skip an optional dimension decoration such as "[0:2]=".
  if (i < n && text[i] == '[') {
    const std::size_t eq = text.find('=');
    if (eq != std::string_view::npos) {
      i = eq + 1;
    }
  }
  while (i < n) {
    const char c = text[i];
    if (c == '{' || c == '}' || c == ',' || c == ' ') {
      ++i;
      continue;
    }
    std::string element;
    if (c == '"') {
      ++i;
      while (i < n && text[i] != '"') {
        if (text[i] == '\\' && i + 1 < n) {
          ++i;
        }
        element += text[i++];
      }
      ++i;
      out.emplace_back(std::move(element));
      continue;
    }
    while (i < n && text[i] != ',' && text[i] != '}') {
      if (text[i] == '\\' && i + 1 < n) {
        ++i;
      }
      element += text[i++];
    }
    if (element == "NULL") {
      out.emplace_back(std::nullopt);
    } else {
      out.emplace_back(std::move(element));
    }
  }
  return out;
}

}  // namespace keel::dialects::postgres
