#include "state/types.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstddef>
#include <utility>

namespace keel::state {

namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}
bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
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

std::string to_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    c = lower(c);
  }
  return out;
}

// A type name without its array suffix: its words (lowercased) and at most one parenthesized
// argument list (each argument trimmed, with inner spaces removed).
struct Shape {
  std::string name;               // words joined by one space
  std::vector<std::string> args;  // empty when there are no parentheses
  bool has_parens = false;
};

std::optional<Shape> shape_of(std::string_view text) {
  Shape shape;
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (is_space(c)) {
      ++i;
    } else if (is_alpha(c)) {
      std::size_t j = i;
      while (j < text.size() && (is_alpha(text[j]) || is_digit(text[j]))) {
        ++j;
      }
      if (!shape.name.empty()) {
        shape.name += ' ';
      }
      shape.name += to_lower(text.substr(i, j - i));
      i = j;
    } else if (c == '(' && !shape.has_parens && !shape.name.empty()) {
      const std::size_t close = text.find(')', i);
      if (close == std::string_view::npos) {
        return std::nullopt;
      }
      shape.has_parens = true;
      std::string_view inner = text.substr(i + 1, close - i - 1);
      while (true) {
        const std::size_t comma = inner.find(',');
        std::string arg;
        for (char a : inner.substr(0, comma)) {
          if (!is_space(a)) {
            arg += a;
          }
        }
        if (arg.empty() || arg.find('(') != std::string::npos) {
          return std::nullopt;
        }
        shape.args.push_back(arg);
        if (comma == std::string_view::npos) {
          break;
        }
        inner.remove_prefix(comma + 1);
      }
      i = close + 1;
    } else {
      return std::nullopt;
    }
  }
  if (shape.name.empty()) {
    return std::nullopt;
  }
  return shape;
}

std::optional<long long> to_int(const std::string& s) {
  long long value = 0;
  const char* first = s.data();
  if (!s.empty() && s[0] == '+') {
    ++first;
  }
  auto [end, ec] = std::from_chars(first, s.data() + s.size(), value);
  if (ec != std::errc() || end != s.data() + s.size()) {
    return std::nullopt;
  }
  return value;
}

TypeParse ok(std::string type) {
  return TypeParse{.type = std::move(type), .problem = {}};
}
TypeParse refused(std::string problem) {
  return TypeParse{.type = std::nullopt, .problem = std::move(problem)};
}
TypeParse unknown() {
  return TypeParse{};
}

// Types that take no modifier, keyed by every accepted spelling.
const std::map<std::string, std::string>& plain_types() {
  static const std::map<std::string, std::string> types = [] {
    std::map<std::string, std::string> m;
    auto add = [&](const std::string& canonical, const std::vector<std::string>& aliases) {
      m[canonical] = canonical;
      for (const std::string& alias : aliases) {
        m[alias] = canonical;
      }
    };
    add("integer", {"int", "int4"});
    add("bigint", {"int8"});
    add("smallint", {"int2"});
    add("real", {"float4"});
    add("double precision", {"float8"});
    add("boolean", {"bool"});
    add("text", {});
    add("uuid", {});
    add("json", {});
    add("jsonb", {});
    add("jsonpath", {});
    add("bytea", {});
    add("date", {});
    add("money", {});
    add("inet", {});
    add("cidr", {});
    add("macaddr", {});
    add("macaddr8", {});
    add("tsvector", {});
    add("tsquery", {});
    add("xml", {});
    add("point", {});
    add("line", {});
    add("lseg", {});
    add("box", {});
    add("path", {});
    add("polygon", {});
    add("circle", {});
    add("oid", {});
    add("name", {});
    add("pg_lsn", {});
    add("pg_snapshot", {});
    add("txid_snapshot", {});
    add("xid", {});
    add("xid8", {});
    add("cid", {});
    add("tid", {});
    add("regclass", {});
    add("regtype", {});
    add("regproc", {});
    add("regprocedure", {});
    add("regoper", {});
    add("regoperator", {});
    add("regnamespace", {});
    add("regrole", {});
    add("regconfig", {});
    add("regdictionary", {});
    add("bpchar", {});
    for (const char* range : {"int4range", "int8range", "numrange", "tsrange", "tstzrange",
                              "daterange", "int4multirange", "int8multirange", "nummultirange",
                              "tsmultirange", "tstzmultirange", "datemultirange"}) {
      add(range, {});
    }
    return m;
  }();
  return types;
}

// Types provided by common extensions: accepted by name, modifiers kept verbatim.
constexpr std::array<std::string_view, 12> kExtensionTypes = {
    "citext",   "hstore",    "ltree",  "lquery",  "ltxtquery", "cube",
    "geometry", "geography", "vector", "halfvec", "sparsevec", "isbn"};

constexpr std::array<std::string_view, 13> kIntervalFields = {"year",
                                                              "month",
                                                              "day",
                                                              "hour",
                                                              "minute",
                                                              "second",
                                                              "year to month",
                                                              "day to hour",
                                                              "day to minute",
                                                              "day to second",
                                                              "hour to minute",
                                                              "hour to second",
                                                              "minute to second"};

std::string serial_problem(const std::string& name) {
  const std::string type = name == "bigserial" || name == "serial8"     ? "bigint"
                           : name == "smallserial" || name == "serial2" ? "smallint"
                                                                        : "integer";
  return "type \"" + name + "\" is not supported: use type = \"" + type +
         R"(" with identity = "by default")";
}

// One precision argument within [low, high], or a problem.
std::optional<long long> one_arg(const Shape& shape, long long low, long long high,
                                 std::string& problem, const std::string& what) {
  const auto value = shape.args.size() == 1 ? to_int(shape.args[0]) : std::nullopt;
  if (!value || *value < low || *value > high) {
    problem = what + " must be between " + std::to_string(low) + " and " + std::to_string(high);
    return std::nullopt;
  }
  return value;
}

TypeParse parse_base(std::string_view text) {
  if (text == "\"char\"") {
    return ok("\"char\"");
  }
  const auto parsed = shape_of(text);
  if (!parsed) {
    return unknown();
  }
  const Shape& s = *parsed;
  const std::string& n = s.name;
  std::string problem;
  const auto with_problem = [&]() {
    return refused("invalid type \"" + std::string(text) + "\": " + problem);
  };

  if (n == "serial" || n == "serial4" || n == "bigserial" || n == "serial8" || n == "smallserial" ||
      n == "serial2") {
    return refused(serial_problem(n));
  }
  if (auto it = plain_types().find(n); it != plain_types().end()) {
    if (!s.has_parens) {
      return ok(it->second);
    }
    if (n == "bpchar") {
      const auto len = one_arg(s, 1, 10485760, problem, "the length");
      return len ? ok("character(" + std::to_string(*len) + ")") : with_problem();
    }
    return refused("invalid type \"" + std::string(text) + "\": type \"" + it->second +
                   "\" takes no modifier");
  }
  if (n == "numeric" || n == "decimal") {
    if (!s.has_parens) {
      return ok("numeric");
    }
    const auto p = s.args.size() <= 2 ? to_int(s.args[0]) : std::nullopt;
    const auto scale = s.args.size() == 2 ? to_int(s.args[1]) : std::optional<long long>(0);
    if (!p || *p < 1 || *p > 1000) {
      problem = "the precision must be between 1 and 1000";
      return with_problem();
    }
    if (!scale || *scale < -1000 || *scale > 1000) {
      problem = "the scale must be between -1000 and 1000";
      return with_problem();
    }
    return ok("numeric(" + std::to_string(*p) + "," + std::to_string(*scale) + ")");
  }
  if (n == "float") {
    if (!s.has_parens) {
      return ok("double precision");
    }
    const auto p = one_arg(s, 1, 53, problem, "the precision");
    if (!p) {
      return with_problem();
    }
    return ok(*p <= 24 ? "real" : "double precision");
  }
  if (n == "varchar" || n == "character varying" || n == "char varying") {
    if (!s.has_parens) {
      return ok("character varying");
    }
    const auto len = one_arg(s, 1, 10485760, problem, "the length");
    return len ? ok("character varying(" + std::to_string(*len) + ")") : with_problem();
  }
  if (n == "char" || n == "character") {
    if (!s.has_parens) {
      return ok("character(1)");
    }
    const auto len = one_arg(s, 1, 10485760, problem, "the length");
    return len ? ok("character(" + std::to_string(*len) + ")") : with_problem();
  }
  if (n == "bit") {
    if (!s.has_parens) {
      return ok("bit(1)");
    }
    const auto len = one_arg(s, 1, 83886080, problem, "the length");
    return len ? ok("bit(" + std::to_string(*len) + ")") : with_problem();
  }
  if (n == "varbit" || n == "bit varying") {
    if (!s.has_parens) {
      return ok("bit varying");
    }
    const auto len = one_arg(s, 1, 83886080, problem, "the length");
    return len ? ok("bit varying(" + std::to_string(*len) + ")") : with_problem();
  }
  // Date/time types: "timestamp(3) with time zone" and its aliases.
  struct TimeType {
    std::string_view spelling;
    std::string_view base;
    std::string_view zone;
  };
  constexpr std::array<TimeType, 8> kTimeTypes = {{
      {"timestamp", "timestamp", "without time zone"},
      {"timestamp without time zone", "timestamp", "without time zone"},
      {"timestamptz", "timestamp", "with time zone"},
      {"timestamp with time zone", "timestamp", "with time zone"},
      {"time", "time", "without time zone"},
      {"time without time zone", "time", "without time zone"},
      {"timetz", "time", "with time zone"},
      {"time with time zone", "time", "with time zone"},
  }};
  for (const TimeType& t : kTimeTypes) {
    if (n != t.spelling) {
      continue;
    }
    std::string base(t.base);
    const std::string zone(t.zone);
    if (!s.has_parens) {
      return ok(base.append(" ").append(zone));
    }
    const auto p = one_arg(s, 0, 6, problem, "the precision");
    if (!p) {
      return with_problem();
    }
    return ok(base.append("(").append(std::to_string(*p)).append(") ").append(zone));
  }
  if (n == "interval" || n.rfind("interval ", 0) == 0) {
    const std::string fields = n.size() > 8 ? n.substr(9) : std::string();
    if (!fields.empty() && std::find(kIntervalFields.begin(), kIntervalFields.end(), fields) ==
                               kIntervalFields.end()) {
      return refused("invalid type \"" + std::string(text) + "\": unknown interval fields \"" +
                     fields + "\"");
    }
    std::string out = fields.empty() ? "interval" : "interval " + fields;
    if (!s.has_parens) {
      return ok(out);
    }
    const bool seconds = fields.empty() || (fields.size() >= 6 &&
                                            fields.compare(fields.size() - 6, 6, "second") == 0);
    if (!seconds) {
      return refused("invalid type \"" + std::string(text) +
                     "\": only intervals ending in second take a precision");
    }
    const auto p = one_arg(s, 0, 6, problem, "the precision");
    if (!p) {
      return with_problem();
    }
    return ok(out + "(" + std::to_string(*p) + ")");
  }
  if (std::find(kExtensionTypes.begin(), kExtensionTypes.end(), n) != kExtensionTypes.end()) {
    if (!s.has_parens) {
      return ok(n);
    }
    std::string out = n + "(";
    for (std::size_t i = 0; i < s.args.size(); ++i) {
      out += (i != 0U ? "," : "") + s.args[i];
    }
    return ok(out + ")");
  }
  return unknown();
}

bool ends_with_word(std::string_view text, std::string_view word) {
  if (text.size() <= word.size()) {
    return false;
  }
  const std::string_view tail = text.substr(text.size() - word.size());
  if (to_lower(tail) != word) {
    return false;
  }
  return is_space(text[text.size() - word.size() - 1]);
}

}  // namespace

ArraySplit split_array(std::string_view text) {
  ArraySplit out;
  std::string_view rest = trim(text);
  while (true) {
    if (!rest.empty() && rest.back() == ']') {
      const std::size_t open = rest.rfind('[');
      if (open == std::string_view::npos) {
        break;
      }
      const std::string_view inner = trim(rest.substr(open + 1, rest.size() - open - 2));
      if (!std::all_of(inner.begin(), inner.end(), is_digit)) {
        break;
      }
      rest = trim(rest.substr(0, open));
      out.array = true;
    } else if (ends_with_word(rest, "array")) {
      rest = trim(rest.substr(0, rest.size() - 5));
      out.array = true;
    } else {
      break;
    }
  }
  out.base = std::string(rest);
  return out;
}

TypeParse parse_type(std::string_view text) {
  const ArraySplit split = split_array(text);
  if (split.base.empty()) {
    return unknown();
  }
  TypeParse base = parse_base(split.base);
  if (base.type && split.array) {
    *base.type += "[]";
  }
  return base;
}

std::optional<std::string> normalize_type(std::string_view text) {
  return parse_type(text).type;
}

const std::vector<std::string>& known_type_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out = {"integer",
                                    "bigint",
                                    "smallint",
                                    "numeric",
                                    "real",
                                    "double precision",
                                    "character varying",
                                    "character",
                                    "text",
                                    "boolean",
                                    "timestamp with time zone",
                                    "timestamp without time zone",
                                    "time with time zone",
                                    "time without time zone",
                                    "interval",
                                    "bit",
                                    "bit varying",
                                    "varchar",
                                    "char",
                                    "decimal",
                                    "float",
                                    "timestamp",
                                    "timestamptz",
                                    "time",
                                    "timetz",
                                    "varbit"};
    for (const auto& [spelling, canonical] : plain_types()) {
      if (std::find(out.begin(), out.end(), canonical) == out.end()) {
        out.push_back(canonical);
      }
    }
    for (const auto& [spelling, canonical] : plain_types()) {
      if (std::find(out.begin(), out.end(), spelling) == out.end()) {
        out.push_back(spelling);
      }
    }
    for (std::string_view ext : kExtensionTypes) {
      out.emplace_back(ext);
    }
    return out;
  }();
  return names;
}

TypeFamily type_family(std::string_view canonical_type) {
  const std::string_view t = canonical_type;
  if (t.size() >= 2 && t.substr(t.size() - 2) == "[]") {
    return TypeFamily::Other;
  }
  if (t == "smallint" || t == "integer" || t == "bigint") {
    return TypeFamily::Integer;
  }
  if (t == "real" || t == "double precision" || t == "money" || t == "numeric" ||
      t.rfind("numeric(", 0) == 0) {
    return TypeFamily::Numeric;
  }
  if (t == "boolean") {
    return TypeFamily::Boolean;
  }
  return TypeFamily::Other;
}

namespace {

const Enum* match_enum(const std::string& base, const std::map<QualifiedName, Enum>& enums,
                       const std::string& default_schema) {
  for (const auto& [name, e] : enums) {
    if (type_name(name) == base) {
      return &e;
    }
  }
  for (const auto& [name, e] : enums) {
    if (name.str() == base) {
      return &e;
    }
  }
  const auto it = enums.find(QualifiedName{.schema = default_schema, .name = base});
  return it == enums.end() ? nullptr : &it->second;
}

}  // namespace

std::optional<std::string> resolve_type(std::string_view written,
                                        const std::map<QualifiedName, Enum>& enums,
                                        const std::string& default_schema) {
  if (auto builtin = normalize_type(written)) {
    return builtin;
  }
  const ArraySplit split = split_array(written);
  if (const Enum* e = match_enum(split.base, enums, default_schema)) {
    return type_name(e->name) + (split.array ? "[]" : "");
  }
  if (const Enum* e = match_enum(std::string(written), enums, default_schema)) {
    return type_name(e->name);
  }
  return std::nullopt;
}

const Enum* find_enum_type(const std::string& type, const std::map<QualifiedName, Enum>& enums) {
  std::string_view base = type;
  if (base.size() >= 2 && base.substr(base.size() - 2) == "[]") {
    base.remove_suffix(2);
  }
  for (const auto& [name, e] : enums) {
    if (type_name(name) == base) {
      return &e;
    }
  }
  return nullptr;
}

}  // namespace keel::state
