import { deepStrictEqual, strictEqual, throws } from "node:assert/strict";
import { DuckDBInstance, INTEGER } from "@duckdb/node-api";
import { UnterminatedTokenError } from "../src/rql/lexer.ts";
import {
  AmbiguousStatementError,
  endsWithCompleteStatement,
  splitStatements,
} from "../src/rql/splitter.ts";
import { VariableStore } from "../src/rql/variables.ts";
import { NoctraError } from "../src/errors.ts";

/** [text, line, terminated] triples of the statements. */
function split(source: string): [string, number, boolean][] {
  return splitStatements(source).map((s) => [s.text, s.line, s.terminated]);
}

Deno.test("splits at top-level semicolons with exact offsets", () => {
  const source = "select 1;\n  select 2 ;";
  deepStrictEqual(splitStatements(source), [
    { text: "select 1", line: 1, start: 0, end: 8, terminated: true },
    { text: "select 2", line: 2, start: 12, end: 20, terminated: true },
  ]);
});

Deno.test("semicolons inside strings, identifiers and comments do not split", () => {
  deepStrictEqual(split("select 'a;b', \"c;d\"; select 2"), [
    ["select 'a;b', \"c;d\"", 1, true],
    ["select 2", 1, false],
  ]);
  deepStrictEqual(split("select 1 -- x; y\n, 2;"), [["select 1 -- x; y\n, 2", 1, true]]);
  deepStrictEqual(split("select /* a /* b; */ c; */ 1;"), [
    ["select /* a /* b; */ c; */ 1", 1, true],
  ]);
  deepStrictEqual(split("select E'\\';', '#notvar;';"), [["select E'\\';', '#notvar;'", 1, true]]);
});

Deno.test("dollar-quoted strings do not split, parameters do not open one", () => {
  deepStrictEqual(split("create macro f() as $$ 1; 2 $$; select $fn$;$fn$;"), [
    ["create macro f() as $$ 1; 2 $$", 1, true],
    ["select $fn$;$fn$", 1, true],
  ]);
  deepStrictEqual(split("select $1; select $name; select #v"), [
    ["select $1", 1, true],
    ["select $name", 1, true],
    ["select #v", 1, false],
  ]);
});

Deno.test("line numbers across multi-line input", () => {
  deepStrictEqual(split("\n\nselect\n1;\n\n  -- lead\n  /* x\n */ select 2;\nselect 3"), [
    ["select\n1", 3, true],
    ["-- lead\n  /* x\n */ select 2", 8, true],
    ["select 3", 9, false],
  ]);
});

Deno.test("empty and comment-only statements are dropped", () => {
  deepStrictEqual(split(";;select 1;; ;"), [["select 1", 1, true]]);
  deepStrictEqual(split("-- only\n/* comments */ ;"), []);
  deepStrictEqual(split("select 1; -- trailing"), [["select 1", 1, true]]);
  deepStrictEqual(split(""), []);
  deepStrictEqual(split("  \n "), []);
});

Deno.test("unterminated tokens throw UnterminatedTokenError with line", () => {
  throws(() => splitStatements("select 1;\nselect 'oops;"), (error: unknown) => {
    if (!(error instanceof UnterminatedTokenError)) return false;
    deepStrictEqual([error.what, error.line, error.offset], ["string", 2, 17]);
    return true;
  });
});

Deno.test("endsWithCompleteStatement", () => {
  deepStrictEqual(endsWithCompleteStatement("select 1;"), true);
  deepStrictEqual(endsWithCompleteStatement("select 1; -- trailing comment"), true);
  deepStrictEqual(endsWithCompleteStatement("select 1;\n  "), true);
  deepStrictEqual(endsWithCompleteStatement("select 1; select 2;"), true);
  deepStrictEqual(endsWithCompleteStatement("select 1"), false);
  deepStrictEqual(endsWithCompleteStatement("select 'a;"), false);
  deepStrictEqual(endsWithCompleteStatement("select $$ a; "), false);
  deepStrictEqual(endsWithCompleteStatement("select 1 /* ; "), false);
  deepStrictEqual(endsWithCompleteStatement("select 1; select 2"), false);
  deepStrictEqual(endsWithCompleteStatement("select 1 -- ;"), false);
  deepStrictEqual(endsWithCompleteStatement(";"), false);
  deepStrictEqual(endsWithCompleteStatement(""), false);
});

Deno.test("CR-only and CRLF scripts split like LF scripts, with the same line numbers", () => {
  const lf = "select 1;\n-- note; not a split point\nselect 2;\n\nselect 3 -- tail\n";
  const expected: [string, number, boolean][] = [
    ["select 1", 1, true],
    ["-- note; not a split point\nselect 2", 3, true],
    ["select 3 -- tail", 5, false],
  ];
  deepStrictEqual(split(lf), expected);
  for (const ending of ["\r", "\r\n"]) {
    deepStrictEqual(
      split(lf.replaceAll("\n", ending)),
      expected.map(([text, line, terminated]) => [text.replaceAll("\n", ending), line, terminated]),
      JSON.stringify(ending),
    );
  }
});

Deno.test("statement boundaries agree with DuckDB's extractStatements for CR, CRLF and LF", async () => {
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    const scripts = [
      "SELECT 1 AS a;\n-- note; SELECT 9\nSELECT 2 AS b;\nSELECT 3 AS c; -- end",
      "SELECT 1 AS a; -- x; y\nSELECT 2 AS b",
      "-- lead\n/* block; */ SELECT ';' AS s; SELECT $$;$$ AS d;\n-- only a comment",
    ];
    for (const lf of scripts) {
      for (const ending of ["\n", "\r\n", "\r"]) {
        const script = lf.replaceAll("\n", ending);
        const extracted = await connection.extractStatements(script);
        strictEqual(splitStatements(script).length, extracted.count, JSON.stringify(script));
        // Each statement runs alone in DuckDB and gives the same columns as Noctra's split.
        for (const [index, statement] of splitStatements(script).entries()) {
          const ours = await connection.runAndReadAll(statement.text);
          const theirs = await (await extracted.prepare(index)).runAndReadAll();
          deepStrictEqual(ours.columnNames(), theirs.columnNames(), JSON.stringify(script));
        }
      }
    }
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
});

Deno.test("a no-break space, a NUL, an E-string continuation and $ü$ split as in DuckDB", async () => {
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    const cases: [string, string[]][] = [
      ["SELECT 1 AS a;\u00a0COPY (SELECT 2) TO 'f.csv'", [
        "SELECT 1 AS a",
        "COPY (SELECT 2) TO 'f.csv'",
      ]],
      ["SELECT 1 AS a;\u0000COPY (SELECT 2) TO 'f.csv'", ["SELECT 1 AS a"]],
      ["SELECT E'a'\n'\\';' AS a", ["SELECT E'a'\n'\\';' AS a"]],
      ["SELECT $e'\\';' AS a", ["SELECT $e'\\';' AS a"]],
      ["SELECT $ü$;$ü$ AS a", ["SELECT $ü$;$ü$ AS a"]],
      // DuckDB drops a statement of non-ASCII letters (its RTrim strips bytes >= 0x80).
      ["é;SELECT 1 AS a; -- x\n\u2028", ["SELECT 1 AS a"]],
    ];
    for (const [script, expected] of cases) {
      const texts = splitStatements(script).map((s) => s.text);
      deepStrictEqual(texts, expected, JSON.stringify(script));
      const extracted = await connection.extractStatements(script).catch(() => null);
      if (extracted !== null) strictEqual(extracted.count, texts.length, JSON.stringify(script));
    }
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
});

Deno.test("a statement that reads differently on its own than in its script is refused", () => {
  // DuckDB's pre-pass reads E'\'' as an open quote: in the script the ideographic space is a
  // letter (alias "as\u3000c"), alone a space (alias c).
  throws(() => splitStatements("SELECT E'\\'' AS a; SELECT 2 AS\u3000c"), (error: unknown) => {
    if (!(error instanceof AmbiguousStatementError)) return false;
    deepStrictEqual(error.line, 1);
    return true;
  });
  // Same for a literal's value: 'a b' in the script, 'a\u00a0b' alone.
  throws(
    () => splitStatements("SELECT /* it's */ 1;\nSELECT 'a\u00a0b' AS x"),
    AmbiguousStatementError,
  );
  deepStrictEqual(split("SELECT 1;\nSELECT 'a\u00a0b' AS x").length, 2);
});

Deno.test("#name binds to a parameter DuckDB reads as one, whatever surrounds it", async () => {
  const variables = new VariableStore();
  for (const name of ["a", "b"]) variables.set(name, 1, INTEGER);
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    const cases: [string, string, string[]][] = [
      ["SELECT #a AS x", "SELECT $noctra_a AS x", ["noctra_a"]],
      // a#b would be the identifier a$noctra_b, $#a a dollar quote, #a\u00a0 the name
      // noctra_a\u00a0 (DuckDB keeps a Unicode space after $name): a space keeps them apart.
      ["SELECT 1 AS x WHERE true AND#b", "SELECT 1 AS x WHERE true AND $noctra_b", [
        "noctra_b",
      ]],
      ["SELECT $#a", "SELECT $ $noctra_a", []],
      ["SELECT #a\u00a0AS x", "SELECT $noctra_a \u00a0AS x", ["noctra_a"]],
      // #a$t$ is # and the identifier a$t$ to DuckDB: not a variable, no dollar quote.
      ["SELECT #a$t$ AS x", "SELECT #a$t$ AS x", []],
    ];
    for (const [statement, sql, parameters] of cases) {
      const bound = variables.bind(statement);
      deepStrictEqual(bound.sql, sql);
      const extracted = await connection.extractStatements(bound.sql).catch(() => null);
      if (parameters.length === 0) continue;
      strictEqual(extracted?.count, 1, sql);
      const prepared = await extracted.prepare(0);
      const names = [];
      for (let i = 1; i <= prepared.parameterCount; i++) names.push(prepared.parameterName(i));
      deepStrictEqual(names, parameters, sql);
    }
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
  throws(() => variables.bind("SELECT #zz"), NoctraError);
});
