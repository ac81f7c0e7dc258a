#include "dialects/sqlite/tokenizer.h"

#include <catch2/catch.hpp>

namespace keel::dialects::sqlite {
namespace {

std::vector<std::string> texts(const std::vector<Token>& tokens) {
  std::vector<std::string> out;
  for (const Token& token : tokens)
    out.push_back(token.text);
  return out;
}

std::vector<TokenKind> kinds(const std::vector<Token>& tokens) {
  std::vector<TokenKind> out;
  for (const Token& token : tokens)
    out.push_back(token.kind);
  return out;
}

TEST_CASE("the tokenizer splits SQL into words, names, literals and operators", "[unit]") {
  auto tokens = tokenize("SELECT a.b, 'it''s', x'0aFF', 1.5e3, 0x1F, .5, ?1, :name FROM t");
  CHECK(texts(tokens) == std::vector<std::string>{"SELECT",  "a",    ".",       "b",    ",",
                                                  "'it''s'", ",",    "x'0aFF'", ",",    "1.5e3",
                                                  ",",       "0x1F", ",",       ".5",   ",",
                                                  "?1",      ",",    ":name",   "FROM", "t"});
  CHECK(kinds(tokens) ==
        std::vector<TokenKind>{
            TokenKind::Word,  TokenKind::Word,     TokenKind::Punct, TokenKind::Word,
            TokenKind::Punct, TokenKind::String,   TokenKind::Punct, TokenKind::Blob,
            TokenKind::Punct, TokenKind::Number,   TokenKind::Punct, TokenKind::Number,
            TokenKind::Punct, TokenKind::Number,   TokenKind::Punct, TokenKind::Variable,
            TokenKind::Punct, TokenKind::Variable, TokenKind::Word,  TokenKind::Word});
}

TEST_CASE("the tokenizer reads the three quoted identifier forms", "[unit]") {
  auto tokens = tokenize(R"("a ""b""" [c d] `e``f` "")");
  REQUIRE(tokens.size() == 4);
  CHECK(tokens[0].kind == TokenKind::QuotedIdent);
  CHECK(tokens[0].name() == "a \"b\"");
  CHECK(tokens[1].kind == TokenKind::QuotedIdent);
  CHECK(tokens[1].name() == "c d");
  CHECK(tokens[2].kind == TokenKind::QuotedIdent);
  CHECK(tokens[2].name() == "e`f");
  CHECK(tokens[3].name().empty());
}

TEST_CASE("the tokenizer unquotes strings used as names", "[unit]") {
  auto tokens = tokenize("'it''s' plain");
  CHECK(tokens[0].name() == "it's");
  CHECK(tokens[1].name() == "plain");
  CHECK(tokens[0].is_name());
}

TEST_CASE("the tokenizer matches the longest operator first", "[unit]") {
  CHECK(texts(tokenize("a->>'x' || b <= c <> d == e != f << 1 >> 2 -> 3")) ==
        std::vector<std::string>{"a", "->>", "'x'", "||", "b", "<=", "c", "<>", "d", "==", "e",
                                 "!=", "f", "<<", "1", ">>", "2", "->", "3"});
}

TEST_CASE("the tokenizer drops comments and records where space was", "[unit]") {
  auto tokens = tokenize("a/* c */b -- to the end\n( c)/* open comment");
  CHECK(texts(tokens) == std::vector<std::string>{"a", "b", "(", "c", ")"});
  CHECK_FALSE(tokens[0].space_before);
  CHECK(tokens[1].space_before);
  CHECK(tokens[2].space_before);
  CHECK(tokens[3].space_before);
  CHECK_FALSE(tokens[4].space_before);
}

TEST_CASE("the tokenizer keeps non-ASCII identifiers whole", "[unit]") {
  auto tokens = tokenize("prénom_é + 名前");
  CHECK(texts(tokens) == std::vector<std::string>{"prénom_é", "+", "名前"});
  CHECK(tokens[0].kind == TokenKind::Word);
  CHECK(tokens[2].kind == TokenKind::Word);
}

TEST_CASE("the tokenizer records byte offsets", "[unit]") {
  auto tokens = tokenize("  ab ,'c'");
  CHECK(tokens[0].offset == 2);
  CHECK(tokens[1].offset == 5);
  CHECK(tokens[2].offset == 6);
}

TEST_CASE("keywords and punctuation compare case-insensitively and exactly", "[unit]") {
  auto tokens = tokenize("Create \"create\" (");
  CHECK(tokens[0].is_keyword("CREATE"));
  CHECK_FALSE(tokens[1].is_keyword("CREATE"));
  CHECK(tokens[2].is_punct("("));
  CHECK_FALSE(tokens[0].is_punct("("));
}

TEST_CASE("the tokenizer rejects unterminated quotes and stray characters", "[unit]") {
  CHECK_THROWS_WITH(tokenize("a = 'oops"), "unterminated string at offset 4");
  CHECK_THROWS_WITH(tokenize("\"oops"), "unterminated quoted name at offset 0");
  CHECK_THROWS_WITH(tokenize("[oops"), "unterminated quoted name at offset 0");
  CHECK_THROWS_WITH(tokenize("a # b"), "unexpected character '#' at offset 2");
}

TEST_CASE("ASCII case helpers leave other bytes alone", "[unit]") {
  CHECK(ascii_lower("AbC_É") == "abc_É");
  CHECK(ascii_upper("nocase_é") == "NOCASE_é");
  CHECK(iequals("Main", "mAIN"));
  CHECK_FALSE(iequals("main", "mains"));
}

}  // namespace
}  // namespace keel::dialects::sqlite
