#include "dialects/sqlite/ddl_parser.h"

#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "dialects/sqlite/normalize.h"

// The grammar follows SQLite's parse.y (https://www.sqlite.org/lang_createtable.html,
// lang_createindex.html, lang_createview.html). The text comes from sqlite_schema, so it has
// already been accepted by SQLite: the parser is strict only where a mistake would misread it.
namespace keel::dialects::sqlite {
namespace {

using state::FkAction;

class Parser {
 public:
  explicit Parser(std::string_view sql) : tokens_(tokenize(sql)) {}

  [[nodiscard]] bool at_end() const { return pos_ >= tokens_.size(); }
  [[nodiscard]] const Token* peek(std::size_t ahead = 0) const {
    return pos_ + ahead < tokens_.size() ? &tokens_[pos_ + ahead] : nullptr;
  }
  [[nodiscard]] bool at_keyword(std::string_view keyword, std::size_t ahead = 0) const {
    const Token* token = peek(ahead);
    return token != nullptr && token->is_keyword(keyword);
  }
  [[nodiscard]] bool at_punct(std::string_view punct) const {
    const Token* token = peek();
    return token != nullptr && token->is_punct(punct);
  }
  bool accept_keyword(std::string_view keyword) {
    if (!at_keyword(keyword)) {
      return false;
    }
    ++pos_;
    return true;
  }
  bool accept_punct(std::string_view punct) {
    if (!at_punct(punct)) {
      return false;
    }
    ++pos_;
    return true;
  }
  void expect_keyword(std::string_view keyword) {
    if (!accept_keyword(keyword)) {
      fail(fmt::format("expected {}", keyword));
    }
  }
  void expect_punct(std::string_view punct) {
    if (!accept_punct(punct)) {
      fail(fmt::format("expected \"{}\"", punct));
    }
  }
  std::string expect_name(std::string_view what) {
    const Token* token = peek();
    if (token == nullptr || !token->is_name()) {
      fail(fmt::format("expected {}", what));
    }
    ++pos_;
    return token->name();
  }
  /// `[schema .] name`; the schema is dropped (SQLite stores it only for attached databases).
  std::string expect_object_name(std::string_view what) {
    std::string name = expect_name(what);
    if (accept_punct(".")) {
      name = expect_name(what);
    }
    return name;
  }
  [[noreturn]] void fail(const std::string& message) const {
    const Token* token = peek();
    if (token == nullptr) {
      throw SyntaxError(message + " at the end of the statement");
    }
    throw SyntaxError(fmt::format("{} near \"{}\"", message, token->text));
  }

  /// A parenthesized expression: consumes "( ... )" and returns its normalized contents.
  std::string paren_expr() {
    if (!at_punct("(")) {
      fail("expected \"(\"");
    }
    std::size_t end = skip_parens(tokens_, pos_);
    if (end > tokens_.size() || !tokens_[end - 1].is_punct(")")) {
      fail("unbalanced \"(\"");
    }
    std::string text = normalize_tokens(tokens_, pos_ + 1, end - 1, true);
    pos_ = end;
    return text;
  }

  /// `( name, name, ... )`.
  std::vector<std::string> name_list(std::string_view what) {
    std::vector<std::string> names;
    expect_punct("(");
    do {
      names.push_back(expect_name(what));
    } while (accept_punct(","));
    expect_punct(")");
    return names;
  }

  /// The tokens up to (not including) the next "," or ")" outside parentheses.
  std::pair<std::size_t, std::size_t> item_range() {
    std::size_t begin = pos_;
    while (!at_end() && !at_punct(",") && !at_punct(")")) {
      pos_ = at_punct("(") ? skip_parens(tokens_, pos_) : pos_ + 1;
    }
    return {begin, pos_};
  }

  [[nodiscard]] const std::vector<Token>& tokens() const { return tokens_; }
  [[nodiscard]] std::size_t pos() const { return pos_; }
  void seek(std::size_t pos) { pos_ = pos; }

 private:
  std::vector<Token> tokens_;
  std::size_t pos_ = 0;
};

// Words that end a column's type and start a column constraint.
bool starts_column_constraint(const Token& token) {
  constexpr std::array<std::string_view, 12> kKeywords = {
      "CONSTRAINT", "PRIMARY", "NOT",        "NULL",      "UNIQUE", "CHECK",
      "DEFAULT",    "COLLATE", "REFERENCES", "GENERATED", "AS",     "DEFERRABLE"};
  return std::any_of(kKeywords.begin(), kKeywords.end(),
                     [&](std::string_view keyword) { return token.is_keyword(keyword); });
}

bool starts_table_constraint(const Parser& parser) {
  constexpr std::array<std::string_view, 5> kKeywords = {"CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK",
                                                         "FOREIGN"};
  return std::any_of(kKeywords.begin(), kKeywords.end(),
                     [&](std::string_view keyword) { return parser.at_keyword(keyword); });
}

class TableParser {
 public:
  explicit TableParser(std::string_view sql) : p_(sql) {}

  ParsedTable parse() {
    p_.expect_keyword("CREATE");
    if (!p_.accept_keyword("TEMP")) {
      (void)p_.accept_keyword("TEMPORARY");
    }
    p_.expect_keyword("TABLE");
    if (p_.accept_keyword("IF")) {
      p_.expect_keyword("NOT");
      p_.expect_keyword("EXISTS");
    }
    table_.name = p_.expect_object_name("a table name");
    p_.expect_punct("(");
    bool constraints = false;
    do {
      // Table constraints may follow one another without a comma (parse.y: tconscomma).
      do {
        if (!constraints && !starts_table_constraint(p_)) {
          column();
        } else {
          constraints = true;
          table_constraint();
        }
      } while (constraints && starts_table_constraint(p_));
    } while (p_.accept_punct(","));
    p_.expect_punct(")");
    do {
      if (p_.accept_keyword("WITHOUT")) {
        p_.expect_keyword("ROWID");
        table_.without_rowid = true;
        table_.unsupported.emplace_back("WITHOUT ROWID");
      } else if (p_.accept_keyword("STRICT")) {
        table_.strict = true;
        table_.unsupported.emplace_back("STRICT");
      } else if (!p_.at_end() && !p_.at_punct(";")) {
        p_.fail("expected a table option");
      }
    } while (p_.accept_punct(","));
    (void)p_.accept_punct(";");
    if (!p_.at_end()) {
      p_.fail("unexpected text after the table definition");
    }
    return std::move(table_);
  }

 private:
  void column() {
    ParsedColumn col;
    col.name = p_.expect_name("a column name");
    std::size_t type_begin = p_.pos();
    while (!p_.at_end()) {
      const Token& token = *p_.peek();
      if (token.is_punct("(") && p_.pos() > type_begin) {
        p_.seek(skip_parens(p_.tokens(), p_.pos()));
        break;
      }
      if (!token.is_name() || starts_column_constraint(token)) {
        break;
      }
      p_.seek(p_.pos() + 1);
    }
    col.declared_type = join_tokens(p_.tokens(), type_begin, p_.pos());
    std::size_t index = table_.columns.size();
    table_.columns.push_back(std::move(col));
    std::size_t column_fks_begin = table_.foreign_keys.size();
    while (!p_.at_end() && !p_.at_punct(",") && !p_.at_punct(")")) {
      column_constraint(index, column_fks_begin);
    }
  }

  void column_constraint(std::size_t index, std::size_t column_fks_begin) {
    std::optional<std::string> name;
    if (p_.accept_keyword("CONSTRAINT")) {
      name = p_.expect_name("a constraint name");
    }
    ParsedColumn& col = table_.columns[index];
    std::string where = fmt::format("column \"{}\"", col.name);
    if (p_.accept_keyword("PRIMARY")) {
      p_.expect_keyword("KEY");
      if (!p_.accept_keyword("ASC") && p_.accept_keyword("DESC")) {
        col.primary_key_desc = true;
        table_.unsupported.push_back(fmt::format("PRIMARY KEY DESC on {}", where));
      }
      conflict_clause(where);
      if (p_.accept_keyword("AUTOINCREMENT")) {
        col.autoincrement = true;
      }
      col.primary_key = true;
      table_.primary_key = ParsedKey{name, {col.name}};
    } else if (p_.accept_keyword("NOT")) {
      if (p_.accept_keyword("DEFERRABLE")) {
        deferrable_clause(column_fks_begin, false);
      } else {
        p_.expect_keyword("NULL");
        col.not_null = true;
        conflict_clause(where);
      }
    } else if (p_.accept_keyword("NULL")) {
      conflict_clause(where);
    } else if (p_.accept_keyword("UNIQUE")) {
      conflict_clause(where);
      table_.uniques.push_back(ParsedKey{name, {col.name}});
    } else if (p_.accept_keyword("CHECK")) {
      table_.checks.push_back(ParsedCheck{name, p_.paren_expr()});
    } else if (p_.accept_keyword("DEFAULT")) {
      col.default_sql = default_value();
    } else if (p_.accept_keyword("COLLATE")) {
      col.collation = p_.expect_name("a collation name");
    } else if (p_.accept_keyword("REFERENCES")) {
      ParsedForeignKey key;
      key.name = name;
      key.columns = {col.name};
      references(key);
      table_.foreign_keys.push_back(std::move(key));
    } else if (p_.accept_keyword("DEFERRABLE")) {
      deferrable_clause(column_fks_begin, true);
    } else if (p_.at_keyword("GENERATED") || p_.at_keyword("AS")) {
      if (p_.accept_keyword("GENERATED")) {
        p_.expect_keyword("ALWAYS");
      }
      p_.expect_keyword("AS");
      col.generated = p_.paren_expr();
      if (p_.accept_keyword("STORED")) {
        col.generated_stored = true;
      } else {
        (void)p_.accept_keyword("VIRTUAL");
        table_.unsupported.push_back(fmt::format("a VIRTUAL generated {}", where));
      }
    } else {
      p_.fail("expected a column constraint");
    }
  }

  // DEFAULT takes a literal, a signed number, a bare word or a parenthesized expression.
  std::string default_value() {
    if (p_.at_punct("(")) {
      return p_.paren_expr();
    }
    std::size_t begin = p_.pos();
    if (p_.at_punct("+") || p_.at_punct("-")) {
      p_.seek(p_.pos() + 1);
    }
    if (p_.at_end()) {
      p_.fail("expected a default value");
    }
    p_.seek(p_.pos() + 1);
    return normalize_tokens(p_.tokens(), begin, p_.pos(), false);
  }

  // ON CONFLICT <resolution>: ABORT is SQLite's default and keel's model has no other.
  void conflict_clause(const std::string& where) {
    if (!p_.at_keyword("ON") || !p_.at_keyword("CONFLICT", 1)) {
      return;
    }
    p_.seek(p_.pos() + 2);
    std::string resolution = ascii_upper(p_.expect_name("a conflict resolution"));
    if (resolution != "ABORT") {
      table_.unsupported.push_back(fmt::format("ON CONFLICT {} on {}", resolution, where));
    }
  }

  FkAction fk_action() {
    if (p_.accept_keyword("SET")) {
      if (p_.accept_keyword("NULL")) {
        return FkAction::SetNull;
      }
      p_.expect_keyword("DEFAULT");
      return FkAction::SetDefault;
    }
    if (p_.accept_keyword("CASCADE")) {
      return FkAction::Cascade;
    }
    if (p_.accept_keyword("RESTRICT")) {
      return FkAction::Restrict;
    }
    p_.expect_keyword("NO");
    p_.expect_keyword("ACTION");
    return FkAction::NoAction;
  }

  // REFERENCES has been read: `table [(cols)] {ON DELETE|UPDATE action | MATCH name}
  // [[NOT] DEFERRABLE [INITIALLY DEFERRED|IMMEDIATE]]`.
  void references(ParsedForeignKey& key) {
    key.ref_table = p_.expect_name("a table name");
    if (p_.at_punct("(")) {
      key.ref_columns = p_.name_list("a column name");
    }
    for (;;) {
      if (p_.at_keyword("ON") && !p_.at_keyword("CONFLICT", 1)) {
        p_.seek(p_.pos() + 1);
        if (p_.accept_keyword("DELETE")) {
          key.on_delete = fk_action();
        } else if (p_.accept_keyword("UPDATE")) {
          key.on_update = fk_action();
        } else {
          p_.expect_keyword("INSERT");  // accepted and ignored by SQLite
          (void)fk_action();
        }
      } else if (p_.accept_keyword("MATCH")) {
        (void)p_.expect_name("a match type");  // parsed but not enforced by SQLite
      } else {
        break;
      }
    }
    if (p_.at_keyword("NOT") && p_.at_keyword("DEFERRABLE", 1)) {
      p_.seek(p_.pos() + 2);
      deferrable_into(key, false);
    } else if (p_.accept_keyword("DEFERRABLE")) {
      deferrable_into(key, true);
    }
  }

  // SQLite defers a foreign key only for DEFERRABLE INITIALLY DEFERRED; any other clause is
  // immediate (foreignkeys.html §4.2).
  void deferrable_into(ParsedForeignKey& key, bool deferrable) {
    bool deferred = false;
    if (p_.accept_keyword("INITIALLY")) {
      if (p_.accept_keyword("DEFERRED")) {
        deferred = true;
      } else {
        p_.expect_keyword("IMMEDIATE");
      }
    }
    key.deferrable = deferrable;
    key.initially_deferred = deferrable && deferred;
  }

  // A column-level [NOT] DEFERRABLE after its REFERENCES clause (parse.y: ccons ::=
  // defer_subclause) applies to that column's last foreign key.
  void deferrable_clause(std::size_t column_fks_begin, bool deferrable) {
    if (table_.foreign_keys.size() <= column_fks_begin) {
      p_.fail("DEFERRABLE without a REFERENCES clause");
    }
    deferrable_into(table_.foreign_keys.back(), deferrable);
  }

  // `( col [COLLATE c] [ASC|DESC], ... [AUTOINCREMENT] )` of a PRIMARY KEY or UNIQUE.
  std::vector<std::string> key_columns(const std::string& what) {
    std::vector<std::string> columns;
    p_.expect_punct("(");
    do {
      std::string column = p_.expect_name("a column name");
      columns.push_back(column);
      std::string where = fmt::format("column \"{}\" of {}", column, what);
      if (p_.accept_keyword("COLLATE")) {
        std::string collation = p_.expect_name("a collation name");
        table_.unsupported.push_back(fmt::format("COLLATE {} on {}", collation, where));
      }
      if (!p_.accept_keyword("ASC") && p_.accept_keyword("DESC")) {
        table_.unsupported.push_back(fmt::format("DESC on {}", where));
      }
      if (p_.accept_keyword("AUTOINCREMENT")) {
        autoincrement_.push_back(column);
      }
    } while (p_.accept_punct(","));
    p_.expect_punct(")");
    return columns;
  }

  void table_constraint() {
    std::optional<std::string> name;
    if (p_.accept_keyword("CONSTRAINT")) {
      name = p_.expect_name("a constraint name");
    }
    if (p_.accept_keyword("PRIMARY")) {
      p_.expect_keyword("KEY");
      std::vector<std::string> columns = key_columns("the PRIMARY KEY");
      conflict_clause("the PRIMARY KEY");
      for (const std::string& column : autoincrement_) {
        for (ParsedColumn& col : table_.columns) {
          if (iequals(col.name, column)) {
            col.autoincrement = true;
          }
        }
      }
      autoincrement_.clear();
      table_.primary_key = ParsedKey{name, std::move(columns)};
    } else if (p_.accept_keyword("UNIQUE")) {
      std::vector<std::string> columns = key_columns("a UNIQUE constraint");
      conflict_clause("a UNIQUE constraint");
      table_.uniques.push_back(ParsedKey{name, std::move(columns)});
    } else if (p_.accept_keyword("CHECK")) {
      table_.checks.push_back(ParsedCheck{name, p_.paren_expr()});
      conflict_clause("a CHECK constraint");
    } else if (p_.accept_keyword("FOREIGN")) {
      p_.expect_keyword("KEY");
      ParsedForeignKey key;
      key.name = name;
      key.columns = p_.name_list("a column name");
      p_.expect_keyword("REFERENCES");
      references(key);
      table_.foreign_keys.push_back(std::move(key));
    } else {
      p_.fail("expected a table constraint");
    }
  }

  Parser p_;
  ParsedTable table_;
  std::vector<std::string> autoincrement_;
};

}  // namespace

const ParsedColumn* ParsedTable::find_column(std::string_view column) const {
  for (const ParsedColumn& col : columns) {
    if (iequals(col.name, column)) {
      return &col;
    }
  }
  return nullptr;
}

ParsedTable parse_create_table(std::string_view sql) {
  return TableParser(sql).parse();
}

ParsedIndex parse_create_index(std::string_view sql) {
  Parser p(sql);
  ParsedIndex index;
  p.expect_keyword("CREATE");
  index.unique = p.accept_keyword("UNIQUE");
  p.expect_keyword("INDEX");
  if (p.accept_keyword("IF")) {
    p.expect_keyword("NOT");
    p.expect_keyword("EXISTS");
  }
  index.name = p.expect_object_name("an index name");
  p.expect_keyword("ON");
  index.table = p.expect_name("a table name");
  p.expect_punct("(");
  const std::vector<Token>& tokens = p.tokens();
  do {
    auto [begin, end] = p.item_range();
    if (begin == end) {
      p.fail("expected an index key");
    }
    ParsedIndexKey key;
    if (end - begin >= 2 && tokens[end - 1].is_keyword("DESC")) {
      key.descending = true;
      --end;
    } else if (end - begin >= 2 && tokens[end - 1].is_keyword("ASC")) {
      --end;
    }
    if (end - begin >= 3 && tokens[end - 2].is_keyword("COLLATE") && tokens[end - 1].is_name()) {
      key.collation = tokens[end - 1].name();
      end -= 2;
    }
    while (end - begin >= 3 && tokens[begin].is_punct("(") && skip_parens(tokens, begin) == end) {
      ++begin;
      --end;
    }
    if (end - begin == 1 && tokens[begin].is_name()) {
      key.column = tokens[begin].name();
    }
    key.expression = normalize_tokens(tokens, begin, end, true);
    index.keys.push_back(std::move(key));
  } while (p.accept_punct(","));
  p.expect_punct(")");
  if (p.accept_keyword("WHERE")) {
    std::size_t begin = p.pos();
    index.where = normalize_tokens(tokens, begin, tokens.size(), true);
  }
  return index;
}

ParsedView parse_create_view(std::string_view sql) {
  Parser p(sql);
  ParsedView view;
  p.expect_keyword("CREATE");
  if (!p.accept_keyword("TEMP")) {
    (void)p.accept_keyword("TEMPORARY");
  }
  p.expect_keyword("VIEW");
  if (p.accept_keyword("IF")) {
    p.expect_keyword("NOT");
    p.expect_keyword("EXISTS");
  }
  view.name = p.expect_object_name("a view name");
  if (p.at_punct("(")) {
    view.columns = p.name_list("a column name");
  }
  p.expect_keyword("AS");
  if (p.at_end()) {
    p.fail("expected a query");
  }
  view.query = normalize_tokens(p.tokens(), p.pos(), p.tokens().size(), false);
  return view;
}

}  // namespace keel::dialects::sqlite
