import { deepStrictEqual, strictEqual, throws } from "node:assert/strict";
import { DuckDBInstance } from "@duckdb/node-api";
import { UnterminatedTokenError } from "../src/rql/lexer.ts";
import { endsWithCompleteStatement, splitStatements } from "../src/rql/splitter.ts";

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
