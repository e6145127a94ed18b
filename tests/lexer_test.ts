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
