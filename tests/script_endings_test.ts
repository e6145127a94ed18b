/**
 * End-to-end: scripts with LF, CRLF and CR-only line endings run every statement, through `-f`
 * and through stdin, and report the same line numbers (DuckDB ends a `--` comment at `\r` too).
 */
import { deepStrictEqual } from "node:assert/strict";
import { runNoctra } from "./_cli.ts";

const ENDINGS: Record<string, string> = { LF: "\n", CRLF: "\r\n", CR: "\r" };

/** A script whose statements each follow a `--` comment: a CR-only script once lost them. */
const SCRIPT = [
  "-- first: a comment line; with a semicolon",
  "SELECT 1 AS a;",
  "-- second",
  "SELECT 2 AS b; -- trailing comment",
  "SELECT 'x' -- inline comment",
  "  AS c;",
  "/* block",
  "   comment */ SELECT 4 AS d;",
  "-- last statement has no semicolon",
  "SELECT 5 AS e",
  "",
].join("\n");

const EXPECTED = "a\n1\nb\n2\nc\nx\nd\n4\ne\n5\n";

for (const [name, ending] of Object.entries(ENDINGS)) {
  Deno.test(`${name} script through -f runs every statement`, async () => {
    const dir = await Deno.makeTempDir();
    const path = `${dir}/script.sql`;
    await Deno.writeTextFile(path, SCRIPT.replaceAll("\n", ending));
    const run = await runNoctra(["--format", "csv", "-f", path]);
    deepStrictEqual(run, { code: 0, stdout: EXPECTED, stderr: "" });
  });

  Deno.test(`${name} script through stdin runs every statement`, async () => {
    const run = await runNoctra(["--format", "csv"], { stdin: SCRIPT.replaceAll("\n", ending) });
    deepStrictEqual(run, { code: 0, stdout: EXPECTED, stderr: "" });
  });

  Deno.test(`${name} script: a failing statement is reported at its own line`, async () => {
    const dir = await Deno.makeTempDir();
    const path = `${dir}/failing.sql`;
    const script = [
      "SELECT 1 AS a;",
      "",
      "SELECT 2 AS a;",
      "-- next one fails",
      "SELECT *",
      "FROM no_such_table;",
    ].join("\n");
    await Deno.writeTextFile(path, script.replaceAll("\n", ending));
    const run = await runNoctra(["--format", "csv", "-f", path]);
    deepStrictEqual(run, {
      code: 1,
      stdout: "a\n1\na\n2\n",
      stderr: "noctra: error: failing.sql:5: Catalog Error: Table with name no_such_table does " +
        'not exist! Did you mean "pg_tables"? (line 6, column 6)\n',
    });
  });
}
