// A small lexer for the PostgreSQL expressions keel normalizes (defaults, CHECKs, index keys,
// partition bounds). It only splits text into tokens; it never interprets SQL.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace keel::dialects::postgres {

/// The kinds of tokens; whitespace and comments are dropped.
enum class TokenKind {
  Word,         ///< a bare identifier or keyword, as written (not case folded)
  QuotedIdent,  ///< `"x"`; `value` holds the name with quotes removed
  String,       ///< `'it''s'`, `E'a\n'`; `value` holds the content when it is a plain literal
  Number,       ///< `12`, `1.5`, `1e3`, `.5`
  Param,        ///< `$1`
  Op,           ///< an operator or punctuation: `(`, `,`, `::`, `>=`, `||`
};

/// One token: `text` is exactly as written, `value` the decoded name or literal content.
struct Token {
  TokenKind kind = TokenKind::Op;
  std::string text{};
  std::string value{};
  std::size_t offset = 0;    ///< byte offset of the token in the tokenized text
  bool plain_string = true;  ///< for String: a standard '...' literal (no E prefix or $$ quoting)

  [[nodiscard]] bool is(std::string_view op) const { return kind == TokenKind::Op && text == op; }
  /// A Word equal to `word` ignoring ASCII case.
  [[nodiscard]] bool is_word(std::string_view word) const;
};

/// Splits `sql` into tokens. Unterminated quotes end the token at the end of the text.
[[nodiscard]] std::vector<Token> tokenize(std::string_view sql);

/// The index of the token that closes the bracket opened at `open` (`(` or `[`), or
/// `tokens.size()` when it is never closed.
[[nodiscard]] std::size_t matching_close(const std::vector<Token>& tokens, std::size_t open);

/// ASCII lowercase of `s` (identifiers fold this way in PostgreSQL for the ASCII range).
[[nodiscard]] std::string ascii_lower(std::string_view s);

/// `s` without leading and trailing whitespace.
[[nodiscard]] std::string_view trim(std::string_view s);

}  // namespace keel::dialects::postgres
