/**
 * Dot-commands in scripts, end to end (`main.ts` with piped stdin, `-f` and `-c`): a line whose
 * first non-blank character is `.` at a statement boundary is a meta-command, as the DuckDB CLI
 * reads scripts. Output settings, `.read`, `.output`/`.once` (atomic files), `.quit`, errors
 * reported as `NAME:LINE` with exit 1, and the same output as the DuckDB CLI where both have
 * the command (when that CLI is beside the project).
 */
import { deepStrictEqual, match, ok, strictEqual } from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { type CliRun, runNoctra } from "./_cli.ts";

const DUCKDB_CLI = fileURLToPath(new URL("../../shared/tools/duckdb-cli/duckdb", import.meta.url));

/** Whether the DuckDB CLI is beside the project (the comparisons with it are skipped if not). */
const HAS_DUCKDB_CLI = await Deno.stat(DUCKDB_CLI).then((info) => info.isFile, () => false);

/** Runs the DuckDB CLI on `script` (stdin) in an in-memory database. */
async function duckdbCli(script: string): Promise<string> {
  const child = new Deno.Command(DUCKDB_CLI, {
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(script));
  await writer.close();
  const output = await child.output();
  strictEqual(output.code, 0, new TextDecoder().decode(output.stderr));
  return new TextDecoder().decode(output.stdout);
}

function assertRun(run: CliRun, expected: Partial<CliRun>): void {
  deepStrictEqual(
    { code: run.code, stdout: run.stdout, stderr: run.stderr },
    { code: run.code, stdout: run.stdout, stderr: run.stderr, ...expected },
  );
}

/** Temporary files `.NAME.<pid>.tmp` of atomic outputs left in `directory`. */
async function leftovers(directory: string): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(directory)) {
    if (/^\..*\.tmp$/.test(entry.name)) names.push(entry.name);
  }
  return names;
}

Deno.test("piped stdin: .mode csv then a statement prints CSV (DuckDB's script form)", async () => {
  const run = await runNoctra([], { stdin: ".mode csv\nSELECT 1;\n" });
  assertRun(run, { code: 0, stdout: "1\n1\n", stderr: "" });
});

Deno.test(".headers and .nullvalue change csv, list and line output", async () => {
  const script = [
    ".mode csv",
    ".headers off",
    "SELECT 1 AS a, NULL AS b;",
    ".nullvalue NA",
    "SELECT NULL AS c;",
    ".mode list",
    ".headers on",
    "SELECT 'x' AS s, NULL AS n;",
    ".mode line",
    "  .nullvalue ''",
    "SELECT NULL AS empty;",
    "",
  ].join("\n");
  const run = await runNoctra([], { stdin: script });
  assertRun(run, { code: 0, stdout: "1,\nNA\ns|n\nx|NA\nempty = \n", stderr: "" });
});

Deno.test({
  name: "the same output as the DuckDB CLI for .schema, .nullvalue and .headers",
  ignore: !HAS_DUCKDB_CLI,
}, async () => {
  const script = [
    "CREATE TABLE t(a INTEGER, b VARCHAR);",
    "CREATE VIEW v AS SELECT 1 AS x;",
    "CREATE SCHEMA s;",
    "CREATE TABLE s.inner_t(q INTEGER);",
    'CREATE TABLE "Upper"(z INTEGER);',
    ".schema",
    ".schema %t",
    ".schema nothing",
    ".nullvalue NA",
    ".mode csv",
    ".headers off",
    "SELECT 1 AS a, NULL AS b, 'x y' AS c;",
    ".mode list",
    ".headers on",
    "SELECT 1 AS a, NULL AS b, 'x' AS c;",
    ".mode line",
    "SELECT 1 AS a, NULL AS b;",
    ".mode tabs",
    ".headers off",
    "SELECT 1 AS a, NULL AS b;",
    "",
  ].join("\n");
  const ours = await runNoctra([], { stdin: script });
  strictEqual(ours.stderr, "");
  // The DuckDB CLI's csv mode ends rows with CRLF; Noctra's CSV (like DuckDB's COPY) with LF.
  strictEqual(ours.stdout, (await duckdbCli(script)).replaceAll("\r\n", "\n"));
});

Deno.test(".tables lists what SHOW TABLES lists; a pattern keeps the matching names", async () => {
  const setup = "ATTACH 'fixtures/airports.sqlite' AS geo (TYPE SQLITE, READ_ONLY);\n" +
    "CREATE TABLE flights AS SELECT 1 AS id;\nCREATE VIEW busy AS SELECT 2 AS id;\n.mode csv\n";
  const tables = await runNoctra([], { stdin: setup + ".tables\n.tables %ts\n" });
  const show = await runNoctra([], { stdin: setup + "SHOW TABLES;\n" });
  strictEqual(show.code, 0, show.stderr);
  strictEqual(
    show.stdout,
    "source,name,type\nduckdb,busy,view\nduckdb,flights,table\ngeo,airports,table\n",
  );
  assertRun(tables, {
    code: 0,
    stdout: show.stdout + "source,name,type\nduckdb,flights,table\ngeo,airports,table\n",
    stderr: "",
  });
});

Deno.test(".schema shows SQLite attachments' own CREATE statements; .databases is SHOW SOURCES", async () => {
  const run = await runNoctra([], {
    stdin: "ATTACH 'fixtures/airports.sqlite' AS geo (TYPE SQLITE, READ_ONLY);\n" +
      ".schema air%\n.mode csv\n.databases\n",
  });
  strictEqual(run.code, 0, run.stderr);
  strictEqual(
    run.stdout,
    "-- geo (SQLite)\nCREATE TABLE airports (iata TEXT PRIMARY KEY, name TEXT NOT NULL, city TEXT, " +
      "state TEXT, country TEXT, latitude REAL, longitude REAL);\n" +
      "alias,kind,path,engine,read_only,status\n" +
      `geo,sqlite,${Deno.cwd()}/fixtures/airports.sqlite,sqlite,true,ok\n`,
  );
});

Deno.test(".read runs a file's statements and dot-commands; its .quit ends only that file", async () => {
  const dir = await Deno.makeTempDir({ prefix: "noctra-read-" });
  await Deno.writeTextFile(
    `${dir}/inner.sql`,
    "SELECT 'inner' AS i;\n.headers off\n.quit\nSELECT 'skipped';\n",
  );
  await Deno.writeTextFile(
    `${dir}/outer.sql`,
    ".mode csv\n.read inner.sql\nSELECT 'outer' AS o;\n",
  );
  const run = await runNoctra(["-f", "outer.sql"], { cwd: dir });
  assertRun(run, { code: 0, stdout: "i\ninner\nouter\n", stderr: "" });
});

Deno.test("a failure inside .read is reported at its own file and line, and stops the script", async () => {
  const dir = await Deno.makeTempDir({ prefix: "noctra-read-" });
  await Deno.writeTextFile(`${dir}/inner.sql`, "SELECT 1 AS a;\nSELECT nope;\nSELECT 2 AS b;\n");
  await Deno.writeTextFile(`${dir}/self.sql`, ".read self.sql\n");
  const run = await runNoctra(["--format", "csv"], {
    cwd: dir,
    stdin: ".read inner.sql\nSELECT 'after' AS c;\n",
  });
  strictEqual(run.code, 1);
  strictEqual(run.stdout, "a\n1\n");
  match(run.stderr, /^noctra: error: inner\.sql:2: Binder Error: Referenced column "nope"/);
  strictEqual(run.stderr.split("\n").length, 2, run.stderr);

  const missing = await runNoctra([], { cwd: dir, stdin: "SELECT 1;\n.read missing.sql\n" });
  strictEqual(missing.code, 1);
  strictEqual(
    missing.stderr,
    "noctra: error: stdin:2: .read: cannot read missing.sql: no such file\n",
  );

  const loop = await runNoctra(["-f", "self.sql"], { cwd: dir });
  strictEqual(loop.code, 1);
  match(loop.stderr, /^noctra: error: self\.sql:1: \.read: self\.sql: \.read nests more than 16/);
  strictEqual(loop.stderr.split("\n").length, 2, "reported once, by the file that went too deep");
});

Deno.test(".output FILE sends results there until .output; .once for the next result", async () => {
  const dir = await Deno.makeTempDir({ prefix: "noctra-output-" });
  const script = [
    ".mode csv",
    "SELECT 1 AS a;",
    ".output out.csv",
    "SELECT 2 AS b;",
    "SELECT 3 AS c;",
    ".output",
    "SELECT 4 AS d;",
    ".once 'once file.csv'",
    "SELECT 5 AS e;",
    "SELECT 6 AS f;",
    "",
  ].join("\n");
  const run = await runNoctra([], { cwd: dir, stdin: script });
  assertRun(run, { code: 0, stdout: "a\n1\nd\n4\nf\n6\n", stderr: "" });
  strictEqual(await Deno.readTextFile(`${dir}/out.csv`), "b\n2\nc\n3\n");
  strictEqual(await Deno.readTextFile(`${dir}/once file.csv`), "e\n5\n");
  deepStrictEqual(await leftovers(dir), []);
});

Deno.test(".output in a script that fails leaves the file as it was, as -o does", async () => {
  const dir = await Deno.makeTempDir({ prefix: "noctra-output-" });
  await Deno.writeTextFile(`${dir}/out.csv`, "old\n");
  const run = await runNoctra(["--format", "csv"], {
    cwd: dir,
    stdin: ".output out.csv\nSELECT 1 AS a;\nSELECT nope;\n",
  });
  strictEqual(run.code, 1);
  strictEqual(run.stdout, "");
  match(run.stderr, /^noctra: error: stdin:3: Binder Error/);
  strictEqual(await Deno.readTextFile(`${dir}/out.csv`), "old\n");
  deepStrictEqual(await leftovers(dir), []);

  const directory = await runNoctra([], { cwd: dir, stdin: ".output .\nSELECT 1;\n" });
  strictEqual(directory.code, 1);
  strictEqual(
    directory.stderr,
    "noctra: error: stdin:1: .output .: is a directory; name a file to write results to\n",
  );
});

Deno.test(".quit ends the run; later statements and -c scripts do not run", async () => {
  const run = await runNoctra(["--format", "csv"], {
    stdin: "SELECT 1 AS a;\n.quit\nSELECT 2 AS b;\n",
  });
  assertRun(run, { code: 0, stdout: "a\n1\n", stderr: "" });
  const commands = await runNoctra(["-c", ".quit", "-c", "SELECT 1"]);
  assertRun(commands, { code: 0, stdout: "", stderr: "" });
});

Deno.test("an unknown dot-command is an error at its line: exit 1, the script stops", async () => {
  const script = "SELECT 1 AS a;\n.bogus on\nSELECT 2 AS b;\n";
  const run = await runNoctra(["--format", "csv"], { stdin: script });
  assertRun(run, {
    code: 1,
    stdout: "a\n1\n",
    stderr: "noctra: error: stdin:2: unknown meta-command .bogus; type help for the list\n",
  });
  const going = await runNoctra(["--format", "csv", "--continue-on-error"], { stdin: script });
  assertRun(going, { code: 1, stdout: "a\n1\nb\n2\n", stderr: run.stderr });
  const typo = await runNoctra([], { stdin: ".mdoe csv\n" });
  assertRun(typo, {
    code: 1,
    stdout: "",
    stderr: "noctra: error: stdin:1: unknown meta-command .mdoe; did you mean .mode?\n",
  });
  const value = await runNoctra([], { stdin: ".headers maybe\n" });
  assertRun(value, {
    code: 1,
    stdout: "",
    stderr: "noctra: error: stdin:1: .headers: expected on or off\n",
  });
});

Deno.test("-f with CRLF: dot-commands between statements keep the statements' line numbers", async () => {
  const dir = await Deno.makeTempDir({ prefix: "noctra-crlf-" });
  await Deno.writeTextFile(
    `${dir}/x.sql`,
    ".mode csv\r\nSELECT 1 AS a;\r\n  .headers off\r\nSELECT\r\n  nope;\r\n",
  );
  const run = await runNoctra(["-f", "x.sql"], { cwd: dir });
  strictEqual(run.code, 1);
  strictEqual(run.stdout, "a\n1\n");
  match(run.stderr, /^noctra: error: x\.sql:4: Binder Error: .*\(line 5, column 3\)\n$/);
});

Deno.test("answers go to stderr, settings change silently; .timer times statements", async () => {
  const run = await runNoctra([], {
    stdin: ".mode\n.maxrows 3\n.maxrows\n.timer on\n.mode csv\nSELECT 1 AS a;\n",
  });
  strictEqual(run.code, 0);
  strictEqual(run.stdout, "a\n1\n");
  match(run.stderr, /^format: table\nmaxrows: 3\nRun Time: \d+\.\d ms\n$/);
  const commands = await runNoctra(["-c", ".mode line", "-c", "SELECT 1 AS a"]);
  assertRun(commands, { code: 0, stdout: "    a = 1\n", stderr: "" });
});

Deno.test(".maxwidth fits a table to N characters; .maxrows cuts its rows", async () => {
  const run = await runNoctra([], {
    stdin: ".maxwidth 30\n.maxrows 2\n" +
      "SELECT i, repeat('x', 60) AS long_text FROM range(5) t(i);\n",
  });
  strictEqual(run.code, 0, run.stderr);
  const lines = run.stdout.trimEnd().split("\n");
  ok(lines.every((line) => [...line].length <= 30), run.stdout);
  match(run.stdout, /5 rows \(2 shown\)/);
});

Deno.test("under --sandbox, .read and .output keep to the directories it allows", async () => {
  const outside = await Deno.makeTempDir({ prefix: "noctra-outside-" });
  const work = await Deno.makeTempDir({ prefix: "noctra-work-" });
  await Deno.writeTextFile(`${outside}/secret.sql`, "SELECT 'secret' AS s;\n");
  await Deno.writeTextFile(`${work}/ok.sql`, "SELECT 'ok' AS s;\n");
  const read = await runNoctra(["--sandbox", "--format", "csv"], {
    cwd: work,
    stdin: `.read ok.sql\n.read ${outside}/secret.sql\n`,
  });
  strictEqual(read.code, 1);
  strictEqual(read.stdout, "s\nok\n");
  match(
    read.stderr,
    /^noctra: error: stdin:2: \.read \S+secret\.sql: permission denied: \S+ is outside the directories Noctra may read/,
  );
  const write = await runNoctra(["--sandbox"], {
    cwd: work,
    stdin: `.output ${outside}/out.csv\nSELECT 1;\n`,
  });
  strictEqual(write.code, 1);
  match(write.stderr, /^noctra: error: stdin:1: \.output \S+out\.csv: permission denied/);
  deepStrictEqual([...Deno.readDirSync(outside)].map((entry) => entry.name), ["secret.sql"]);
});
