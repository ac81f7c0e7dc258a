// A tokenizer for the SQL that SQLite stores in sqlite_schema (CREATE TABLE / INDEX / VIEW):
// the inspector reads CHECKs, collations, constraint names and index expressions from it,
// because the pragmas do not expose them. Follows SQLite's own tokenize.c.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace keel::dialects::sqlite {

/// The kinds of SQLite tokens; whitespace and comments are not tokens.
enum class TokenKind {
  Word,         ///< a bare identifier or keyword: `users`, `CREATE`
  QuotedIdent,  ///< `"x"`, `[x]` or `` `x` ``
  String,       ///< `'it''s'`
  Blob,         ///< `x'00ff'`
  Number,       ///< `12`, `1.5e3`, `0x1F`, `.5`
  Variable,     ///< `?`, `?1`, `:name`, `@name`, `$name`
  Punct,        ///< an operator or punctuation: `(`, `,`, `<=`, `||`, `->>`
};

/// One token of SQL text.
struct Token {
  TokenKind kind = TokenKind::Punct;
  std::string text{};         ///< the token exactly as written
  std::size_t offset = 0;     ///< byte offset of the token in the tokenized text
  bool space_before = false;  ///< whitespace or a comment separates it from the previous token

  /// True for a Word equal to `keyword` ignoring ASCII case.
  [[nodiscard]] bool is_keyword(std::string_view keyword) const;
  /// True for a Punct token spelled `punct`.
  [[nodiscard]] bool is_punct(std::string_view punct) const;
  /// True for a token that can name something: a Word, a quoted identifier or (as SQLite
  /// allows for names) a string.
  [[nodiscard]] bool is_name() const;
  /// The name a Word, QuotedIdent or String stands for: quotes removed, doubled quotes undone.
  /// Example: the token `"a ""b"""` names `a "b"`.
  [[nodiscard]] std::string name() const;
};

/// Thrown for text that SQLite itself would not accept (an unterminated quote, a stray byte,
/// a statement of the wrong shape).
class SyntaxError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Splits `sql` into tokens. Throws SyntaxError for an unterminated string or quoted name
/// and for characters that are not SQL.
/// Example: `tokenize("a -- c\n+[b c]")` is Word `a`, Punct `+`, QuotedIdent `[b c]`.
[[nodiscard]] std::vector<Token> tokenize(std::string_view sql);

/// Lowercases ASCII letters only (SQLite identifiers and keywords are ASCII case-insensitive).
[[nodiscard]] std::string ascii_lower(std::string_view text);

/// Uppercases ASCII letters only.
[[nodiscard]] std::string ascii_upper(std::string_view text);

/// True when `a` and `b` are equal ignoring ASCII case, as SQLite compares identifiers.
[[nodiscard]] bool iequals(std::string_view a, std::string_view b);

}  // namespace keel::dialects::sqlite
