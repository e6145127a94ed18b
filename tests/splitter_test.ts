import { deepStrictEqual, strictEqual, throws } from "node:assert/strict";
import { DuckDBInstance, INTEGER } from "@duckdb/node-api";
import { UnterminatedTokenError } from "../src/rql/lexer.ts";
import {
  AmbiguousStatementError,
  endsWithCompleteStatement,
  type ScriptPart,
  splitScript,
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

// ---- scripts with dot-commands (splitScript) ------------------------------------------------

/** A part as [text, line]: a dot-command's line or a statement's text. */
function parts(source: string): [string, number][] {
  return splitScript(source).map((part: ScriptPart) => [
    "command" in part ? part.command : part.text,
    part.line,
  ]);
}

Deno.test("splitScript: dot-commands on their own lines, at statement boundaries", () => {
  deepStrictEqual(parts(".mode csv\nSELECT 1;\n.headers off\nSELECT 2;\n"), [
    [".mode csv", 1],
    ["SELECT 1", 2],
    [".headers off", 3],
    ["SELECT 2", 4],
  ]);
  // Leading blanks and comment lines before it are allowed; trailing blanks are dropped.
  deepStrictEqual(parts("-- settings\n\t .mode   line  \nSELECT 1"), [
    [".mode   line", 2],
    ["SELECT 1", 3],
  ]);
  // Inside a statement, a string or a comment a `.` line is part of it; after `;` on the same
  // line it starts SQL (DuckDB's parser then rejects it).
  deepStrictEqual(parts("SELECT\n.5 AS x;"), [["SELECT\n.5 AS x", 1]]);
  deepStrictEqual(parts("SELECT '\n.mode csv\n' AS s;"), [["SELECT '\n.mode csv\n' AS s", 1]]);
  deepStrictEqual(parts("/*\n.mode csv\n*/ SELECT 1;"), [["/*\n.mode csv\n*/ SELECT 1", 3]]);
  deepStrictEqual(parts("SELECT 1; .mode csv\nSELECT 2;"), [
    ["SELECT 1", 1],
    [".mode csv\nSELECT 2", 1],
  ]);
  deepStrictEqual(parts(".quit"), [[".quit", 1]]);
  deepStrictEqual(parts(""), []);
});

Deno.test("splitScript: a dot-command's quotes open nothing; SQL after it is read afresh", () => {
  deepStrictEqual(parts(".read it's.sql\nSELECT 'a;b' AS x;\n.once \"out\nSELECT 2;"), [
    [".read it's.sql", 1],
    ["SELECT 'a;b' AS x", 2],
    ['.once "out', 3],
    ["SELECT 2", 4],
  ]);
  deepStrictEqual(parts(".output /* x\nSELECT 1; -- */\n.output"), [
    [".output /* x", 1],
    ["SELECT 1", 2],
    [".output", 3],
  ]);
  // An unterminated string in SQL after a dot-command is reported at its own line.
  throws(() => splitScript(".mode csv\nSELECT 1;\nSELECT 'open"), (error: unknown) => {
    if (!(error instanceof UnterminatedTokenError)) return false;
    deepStrictEqual([error.line, error.offset], [3, 27]);
    return true;
  });
});

Deno.test("splitScript: exact offsets and lines for LF, CRLF and CR", () => {
  for (const ending of ["\n", "\r\n", "\r"]) {
    const source = ["SELECT 1;", "  .mode csv", "SELECT", "  2;", ".read x.sql"].join(ending);
    const split = splitScript(source);
    for (const part of split) {
      const text = "command" in part ? part.command : part.text;
      strictEqual(source.slice(part.start, part.end), text, JSON.stringify(ending));
    }
    deepStrictEqual(
      split.map((part) => part.line),
      [1, 2, 3, 5],
      JSON.stringify(ending),
    );
  }
  // Without dot-commands, the parts are splitStatements' statements.
  const plain = "select 1;\n-- x\nselect 'a\n;' ; select 3";
  deepStrictEqual(splitScript(plain), splitStatements(plain));
});
