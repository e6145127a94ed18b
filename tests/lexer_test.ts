import { deepStrictEqual, throws } from "node:assert/strict";
import {
  significantTokens,
  type Token,
  tokenize,
  tokenizeLenient,
  UnterminatedTokenError,
} from "../src/rql/lexer.ts";

/** [kind, text] pairs of the significant tokens. */
function kinds(source: string): [string, string][] {
  return significantTokens(source).map((t) => [t.kind, t.text]);
}

/** Asserts that `fn` throws an UnterminatedTokenError with the given fields. */
function throwsUnterminated(fn: () => unknown, what: string, offset: number, line: number) {
  throws(fn, (error: unknown) => {
    if (!(error instanceof UnterminatedTokenError)) return false;
    deepStrictEqual([error.what, error.offset, error.line], [what, offset, line]);
    return true;
  });
}

Deno.test("tokens cover the whole input with exact offsets and lines", () => {
  const source = "select a,\n  'x' -- c\n;";
  const tokens = tokenize(source);
  deepStrictEqual(tokens.map((t) => t.text).join(""), source);
  for (const t of tokens) deepStrictEqual(source.slice(t.start, t.end), t.text);
  deepStrictEqual(
    tokens.map((t): [string, string, number] => [t.kind, t.text, t.line]),
    [
      ["word", "select", 1],
      ["whitespace", " ", 1],
      ["word", "a", 1],
      ["punctuation", ",", 1],
      ["whitespace", "\n  ", 1],
      ["string", "'x'", 2],
      ["whitespace", " ", 2],
      ["comment", "-- c", 2],
      ["whitespace", "\n", 2],
      ["semicolon", ";", 3],
    ],
  );
});

Deno.test("empty input has no tokens", () => {
  deepStrictEqual(tokenize(""), []);
});

Deno.test("strings with '' escape keep semicolons inside", () => {
  const expected: Token[] = [
    { kind: "string", text: "'a;''b'", value: "a;'b", start: 0, end: 7, line: 1 },
  ];
  deepStrictEqual(tokenize("'a;''b'"), expected);
  deepStrictEqual(kinds("'#notvar'"), [["string", "'#notvar'"]]);
  deepStrictEqual(significantTokens("'#notvar'")[0]?.value, "#notvar");
});

Deno.test("E strings accept backslash escapes and include the prefix", () => {
  const [token] = tokenize("E'it\\'s\\\\ \\n\\t'");
  deepStrictEqual(token?.kind, "string");
  deepStrictEqual(token?.text, "E'it\\'s\\\\ \\n\\t'");
  deepStrictEqual(token?.value, "it's\\ \n\t");
  deepStrictEqual(tokenize("e'a''b'")[0]?.value, "a'b");
  // Backslash is an ordinary character in a plain string.
  deepStrictEqual(kinds("'a\\' ;"), [["string", "'a\\'"], ["semicolon", ";"]]);
  // A word ending in e followed by a string is not an E string.
  deepStrictEqual(kinds("type'x'"), [["word", "type"], ["string", "'x'"]]);
});

Deno.test('quoted identifiers with "" escape', () => {
  deepStrictEqual(significantTokens('"a;""b"')[0], {
    kind: "quoted_identifier",
    text: '"a;""b"',
    value: 'a;"b',
    start: 0,
    end: 7,
    line: 1,
  });
});

Deno.test("line and nested block comments", () => {
  deepStrictEqual(
    tokenize("-- a;b\nx").map((t) => [t.kind, t.text]),
    [["comment", "-- a;b"], ["whitespace", "\n"], ["word", "x"]],
  );
  deepStrictEqual(
    tokenize("/* a /* b; */ c; */x").map((t) => [t.kind, t.text]),
    [["comment", "/* a /* b; */ c; */"], ["word", "x"]],
  );
});

Deno.test("dollar-quoted strings", () => {
  deepStrictEqual(significantTokens("$$a;'b$$")[0], {
    kind: "dollar_string",
    text: "$$a;'b$$",
    value: "a;'b",
    start: 0,
    end: 8,
    line: 1,
  });
  const [tagged] = significantTokens("$fn$ x $$ ; $fn$");
  deepStrictEqual([tagged?.kind, tagged?.value], ["dollar_string", " x $$ ; "]);
});

Deno.test("$1 and $name are parameters, ? is a parameter", () => {
  deepStrictEqual(
    significantTokens("$1, $name, ?").map((t) => [t.kind, t.text, t.value]),
    [
      ["parameter", "$1", "1"],
      ["punctuation", ",", ","],
      ["parameter", "$name", "name"],
      ["punctuation", ",", ","],
      ["parameter", "?", "?"],
    ],
  );
  deepStrictEqual(kinds("$"), [["punctuation", "$"]]);
});

Deno.test("$ after an identifier character is part of the word", () => {
  deepStrictEqual(kinds("a$b $c"), [["word", "a$b"], ["parameter", "$c"]]);
});

Deno.test("#name is a variable, # alone is punctuation", () => {
  deepStrictEqual(
    significantTokens("#lim_1 # 1").map((t) => [t.kind, t.text, t.value]),
    [
      ["variable", "#lim_1", "lim_1"],
      ["punctuation", "#", "#"],
      ["number", "1", "1"],
    ],
  );
});

Deno.test("words and numbers", () => {
  deepStrictEqual(kinds("_x1 über 1_000 .5 1.5e-3 2E10 3."), [
    ["word", "_x1"],
    ["word", "über"],
    ["number", "1_000"],
    ["number", ".5"],
    ["number", "1.5e-3"],
    ["number", "2E10"],
    ["number", "3."],
  ]);
  deepStrictEqual(kinds("1__0"), [["number", "1"], ["word", "__0"]]);
});

Deno.test("operators", () => {
  deepStrictEqual(kinds("a::int<=b->>'k'"), [
    ["word", "a"],
    ["punctuation", "::"],
    ["word", "int"],
    ["punctuation", "<="],
    ["word", "b"],
    ["punctuation", "->>"],
    ["string", "'k'"],
  ]);
  deepStrictEqual(kinds("(t.c)"), [
    ["punctuation", "("],
    ["word", "t"],
    ["punctuation", "."],
    ["word", "c"],
    ["punctuation", ")"],
  ]);
  // An operator never swallows the start of a comment.
  deepStrictEqual(tokenize("//* c */").map((t) => [t.kind, t.text]), [
    ["punctuation", "/"],
    ["comment", "/* c */"],
  ]);
});

Deno.test("unterminated tokens throw with offset and line", () => {
  throwsUnterminated(() => tokenize("select 1;\nselect 'abc"), "string", 17, 2);
  throwsUnterminated(() => tokenize("E'abc\\'"), "string", 0, 1);
  throwsUnterminated(() => tokenize('\n\n"abc'), "quoted identifier", 2, 3);
  throwsUnterminated(() => tokenize("/* /* */"), "block comment", 0, 1);
  throwsUnterminated(() => tokenize("x $t$ abc $$"), "dollar-quoted string", 2, 1);
});

Deno.test("tokenizeLenient returns tokens before the unterminated one", () => {
  const { tokens, unterminated } = tokenizeLenient("a;\n'b");
  deepStrictEqual(tokens.map((t) => t.text), ["a", ";", "\n"]);
  deepStrictEqual(unterminated?.message, "Unterminated string starting at line 2");
  deepStrictEqual(tokenizeLenient("a").unterminated, null);
});

Deno.test("a line comment ends at \\r as well as \\n, as in DuckDB", () => {
  deepStrictEqual(
    tokenize("-- a;b\rx").map((t) => [t.kind, t.text]),
    [["comment", "-- a;b"], ["whitespace", "\r"], ["word", "x"]],
  );
  deepStrictEqual(
    tokenize("-- a\r\nx").map((t) => [t.kind, t.text]),
    [["comment", "-- a"], ["whitespace", "\r\n"], ["word", "x"]],
  );
  deepStrictEqual(kinds("select 1 -- note\r, 2"), [
    ["word", "select"],
    ["number", "1"],
    ["punctuation", ","],
    ["number", "2"],
  ]);
});

Deno.test("lines end at \\n, \\r\\n or a lone \\r", () => {
  const lines = (source: string) => significantTokens(source).map((t) => [t.text, t.line]);
  deepStrictEqual(lines("a\nb\nc"), [["a", 1], ["b", 2], ["c", 3]]);
  deepStrictEqual(lines("a\r\nb\r\nc"), [["a", 1], ["b", 2], ["c", 3]]);
  deepStrictEqual(lines("a\rb\rc"), [["a", 1], ["b", 2], ["c", 3]]);
  deepStrictEqual(lines("a\r\r\nb\n\rc"), [["a", 1], ["b", 3], ["c", 5]]);
  deepStrictEqual(lines("'x\ry'\r-- c\r\nz"), [["'x\ry'", 1], ["z", 4]]);
});

Deno.test("Unicode spaces DuckDB replaces are whitespace: a no-break space cannot hide COPY", () => {
  for (const space of ["\u00a0", "\u2000", "\u200b", "\u202f", "\u205f", "\u2060", "\u3000"]) {
    deepStrictEqual(kinds(`select 1;${space}COPY t TO${space}'x'`), [
      ["word", "select"],
      ["number", "1"],
      ["semicolon", ";"],
      ["word", "COPY"],
      ["word", "t"],
      ["word", "TO"],
      ["string", "'x'"],
    ], JSON.stringify(space));
  }
  deepStrictEqual(kinds("\ufeffselect 1"), [["word", "select"], ["number", "1"]]);
  // U+2028 is not replaced by DuckDB: it is an identifier character there, and here.
  deepStrictEqual(kinds("a\u2028b"), [["word", "a\u2028b"]]);
});

Deno.test("Unicode spaces stay letters where DuckDB's pre-pass keeps them", () => {
  // In the last two bytes of the text, after E'\'' (read as an open quote by the pre-pass),
  // inside a $tag and after a ' inside a block comment, DuckDB keeps the character.
  deepStrictEqual(kinds("select x\u00a0"), [["word", "select"], ["word", "x\u00a0"]]);
  deepStrictEqual(kinds("select E'\\'', x\u00a0y, 1"), [
    ["word", "select"],
    ["string", "E'\\''"],
    ["punctuation", ","],
    ["word", "x\u00a0y"],
    ["punctuation", ","],
    ["number", "1"],
  ]);
  deepStrictEqual(significantTokens("select $p\u00a0 ")[1]?.value, "p\u00a0");
  deepStrictEqual(kinds("/* it's */ x\u00a0y")[0], ["word", "x\u00a0y"]);
  // A replaced space inside a literal is a space in its value, as DuckDB reads it.
  deepStrictEqual(significantTokens("/* it's */ x, 'a\u00a0b'")[2]?.value, "a b");
});

Deno.test("a NUL ends the SQL text as in DuckDB: the rest is one comment", () => {
  deepStrictEqual(
    tokenize("select 1;\0 copy t to 'x'").map((t) => [t.kind, t.text]),
    [
      ["word", "select"],
      ["whitespace", " "],
      ["number", "1"],
      ["semicolon", ";"],
      ["comment", "\0 copy t to 'x'"],
    ],
  );
  deepStrictEqual(kinds("attach 'x.db' as y \0(read_only)").map(([, text]) => text), [
    "attach",
    "'x.db'",
    "as",
    "y",
  ]);
  throwsUnterminated(() => tokenize("select 'a\0b'"), "string", 7, 1);
});

Deno.test("a string continues across a line break, an E string with its escapes", () => {
  deepStrictEqual(kinds("select E'a'\n'\\';' as x"), [
    ["word", "select"],
    ["string", "E'a'\n'\\';'"],
    ["word", "as"],
    ["word", "x"],
  ]);
  deepStrictEqual(significantTokens("E'a' -- c\r\n  '\\''")[0]?.value, "a'");
  deepStrictEqual(significantTokens("'a'\n-- c\n'b'")[0]?.value, "ab");
  // No line break, a block comment or a vertical tab: two literals.
  deepStrictEqual(kinds("'a' 'b'").length, 2);
  deepStrictEqual(kinds("'a' /* c */\n'b'").length, 2);
  deepStrictEqual(kinds("'a'\v\n'b'").length, 2);
});

Deno.test("$e'…' and #e'…' are $ or # before an E string, as DuckDB reads them", () => {
  deepStrictEqual(kinds("select $e'\\';' as x"), [
    ["word", "select"],
    ["punctuation", "$"],
    ["string", "e'\\';'"],
    ["word", "as"],
    ["word", "x"],
  ]);
  deepStrictEqual(kinds("#e'\\';'"), [["punctuation", "#"], ["string", "e'\\';'"]]);
  deepStrictEqual(kinds("#ex'a'"), [["variable", "#ex"], ["string", "'a'"]]);
});

Deno.test("dollar-quote tags and parameter names may hold non-ASCII letters", () => {
  deepStrictEqual(kinds("select $ü$;$ü$"), [["word", "select"], ["dollar_string", "$ü$;$ü$"]]);
  deepStrictEqual(significantTokens("$pé, $1_000").map((t) => [t.kind, t.value]), [
    ["parameter", "pé"],
    ["punctuation", ","],
    ["parameter", "1_000"],
  ]);
});

Deno.test("#name is a variable only where DuckDB reads # and a plain identifier", () => {
  // DuckDB reads #a$t$ as # and the identifier a$t$, so no dollar quote opens here either.
  deepStrictEqual(kinds("#a$t$ x"), [["punctuation", "#"], ["word", "a$t$"], ["word", "x"]]);
  deepStrictEqual(kinds("#aé"), [["punctuation", "#"], ["word", "aé"]]);
  deepStrictEqual(kinds("#a_1 #1"), [["variable", "#a_1"], ["punctuation", "#"], ["number", "1"]]);
  deepStrictEqual(kinds("#a\u00a0x"), [["variable", "#a"], ["word", "x"]]);
});
