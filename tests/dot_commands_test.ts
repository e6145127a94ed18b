/**
 * The DuckDB CLI's remaining dot-commands, end to end through the real `main.ts` with piped
 * scripts: `.show`, `.separator`/`.width`/`.thousand_sep`/`.decimal_sep` (as `.show` shows
 * them), `.echo`, `.bail`, `.changes`, `.print`, `.version`, `.cd`, `.shell`/`.system` (refused
 * when confined), `.import` (bound file name, sandbox), `.dump` (SQL literals), `.indexes`,
 * `.timeout`, `.exit CODE` and the commands Noctra refuses with a reason.
 *
 * Where the DuckDB CLI has the command, the expected text was compared by hand with the DuckDB
 * CLI 1.5.5 (`../shared/tools/duckdb-cli/duckdb`, same libduckdb) on the same script; each test
 * says where Noctra differs on purpose. The CLI is not run here: CI machines may not have it.
 */
import { deepStrictEqual, match, ok, strictEqual } from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { type CliRun, FIXTURES, runNoctra } from "./_cli.ts";
import { versionText } from "../src/version.ts";

function assertRun(run: CliRun, expected: Partial<CliRun>): void {
  deepStrictEqual(
    { code: run.code, stdout: run.stdout, stderr: run.stderr },
    { code: run.code, stdout: run.stdout, stderr: run.stderr, ...expected },
  );
}

/** A fresh directory with a copy of `fixtures/airports.csv` (and more files as given). */
async function workDirectory(files: Record<string, string> = {}): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "noctra-dot-" });
  await Deno.copyFile(`${FIXTURES}/airports.csv`, `${dir}/airports.csv`);
  for (const [name, text] of Object.entries(files)) {
    await Deno.writeTextFile(`${dir}/${name}`, text);
  }
  return dir;
}

Deno.test(".show: DuckDB's nine lines in its layout, then Noctra's settings", async () => {
  // DuckDB's `.show` after the same commands prints the first nine lines byte for byte, but
  // `mode: duckbox` where Noctra names its format `table`.
  const run = await runNoctra([], {
    stdin: [
      ".headers off",
      '.nullvalue "N A"',
      '.separator ";" "\\r\\n"',
      ".width 5 -3 0",
      ".thousand_sep space",
      ".decimal_sep ,",
      ".prompt 'sql> ' \"\\t> \"",
      ".bail off",
      ".changes on",
      ".status on",
      ".highlight off",
      ".progress_bar off",
      ".maxrows 7",
      ".show",
      "",
    ].join("\n"),
  });
  assertRun(run, {
    code: 0,
    stderr: "",
    stdout: [
      "        echo: off",
      "     headers: off",
      "        mode: table",
      '   nullvalue: "N A"',
      "      output: stdout",
      'colseparator: ";"',
      'rowseparator: "\\r\\n"',
      "       width: 5 -3 0 ",
      "    filename: :memory:",
      "       timer: off",
      "     maxrows: 7",
      "    maxwidth: 0",
      "       pager: auto",
      'thousand_sep: " "',
      ' decimal_sep: ","',
      "        bail: off",
      "     changes: on",
      '      prompt: "sql> "',
      '    continue: "\\t> "',
      "      status: on",
      "   highlight: off",
      "progress_bar: off",
      "",
    ].join("\n"),
  });
});

Deno.test(".show defaults; .mode puts the format's separators back, as DuckDB's .mode", async () => {
  // DuckDB: `.separator ; XX` then `.mode csv` shows colseparator "," (rowseparator "\r\n":
  // DuckDB's csv mode ends rows with CRLF, Noctra's CSV with LF); `.mode tabs` resets only the
  // column separator.
  const dir = await workDirectory();
  const run = await runNoctra([], {
    cwd: dir,
    stdin: ".separator ; XX\n.mode csv\n.output out.txt\n.show\n.output\n" +
      ".separator ; XX\n.mode tabs\n.width\n.show\n",
  });
  strictEqual(run.code, 0, run.stderr);
  const lines = (text: string) => text.split("\n").slice(0, 9).join("\n");
  strictEqual(
    lines(await Deno.readTextFile(`${dir}/out.txt`)),
    [
      "        echo: off",
      "     headers: on",
      "        mode: csv",
      '   nullvalue: ""',
      "      output: out.txt",
      'colseparator: ","',
      'rowseparator: "\\n"',
      "       width: ",
      "    filename: :memory:",
    ].join("\n"),
  );
  strictEqual(
    lines(run.stdout),
    [
      "        echo: off",
      "     headers: on",
      "        mode: tsv",
      '   nullvalue: ""',
      "      output: stdout",
      'colseparator: "\\t"',
      'rowseparator: "XX"',
      "       width: ",
      "    filename: :memory:",
    ].join("\n"),
  );
});

Deno.test("setting commands: bad values are errors at their line", async () => {
  const script = [
    ".separator a b c",
    ".width 5 x",
    ".thousand_sep ab",
    ".decimal_sep",
    ".prompt a b c",
    ".status maybe",
    ".mode csv extra",
    ".mode insert a b",
    "",
  ].join("\n");
  const run = await runNoctra(["--continue-on-error"], { stdin: script });
  assertRun(run, {
    code: 1,
    stdout: "",
    stderr: [
      "noctra: error: stdin:1: .separator: expected COL [ROW]; quote a separator with spaces",
      "noctra: error: stdin:2: .width: expected whole numbers, one a column (a negative one right-aligns it)",
      'noctra: error: stdin:3: .thousand_sep: expected one character, "space" or "none"',
      'decimal_sep: "."',
      "noctra: error: stdin:5: .prompt: expected MAIN [CONTINUE]; quote a prompt that holds spaces",
      "noctra: error: stdin:6: .status: expected on or off",
      "noctra: error: stdin:7: .mode csv extra: only .mode insert takes a TABLE",
      "noctra: error: stdin:8: .mode: expected FORMAT [TABLE]",
      "",
    ].join("\n"),
  });
});

Deno.test(".echo on prints each statement and dot-command to the output before it runs", async () => {
  // Byte for byte the DuckDB CLI's output for this script (its csv rows end with CRLF).
  const run = await runNoctra([], {
    stdin: ".mode csv\n.echo on\nselect 1 a;\nselect\n  4 d;\n.print hi\n.echo off\nselect 5 e;\n",
  });
  assertRun(run, {
    code: 0,
    stderr: "",
    stdout: "select 1 a;\na\n1\nselect\n  4 d;\nd\n4\n.print hi\nhi\n.echo off\ne\n5\n",
  });
});

Deno.test(".bail off: a script goes on after errors and exits 1; .bail on stops it", async () => {
  const off = await runNoctra(["--format", "csv"], {
    stdin: ".bail off\nselect 1 a;\nselect nope;\n.bogus\nselect 2 b;\n",
  });
  strictEqual(off.code, 1);
  strictEqual(off.stdout, "a\n1\nb\n2\n");
  strictEqual(off.stderr.split("\n").length, 3, off.stderr);
  match(off.stderr, /^noctra: error: stdin:3: Binder Error: .*\nnoctra: error: stdin:4: unknown/);
  // .bail on wins over --continue-on-error (the default without it).
  const on = await runNoctra(["--format", "csv", "--continue-on-error"], {
    stdin: ".bail\n.bail on\nselect 1 a;\nselect nope;\nselect 2 b;\n",
  });
  strictEqual(on.code, 1);
  strictEqual(on.stdout, "a\n1\n");
  match(on.stderr, /^bail: off\nnoctra: error: stdin:4: Binder Error/);
});

Deno.test(".bail off in one -c script lets the next -c scripts run; the exit code stays 1", async () => {
  const run = await runNoctra([
    "--format",
    "csv",
    "-c",
    ".bail off",
    "-c",
    "select nope",
    "-c",
    "select 2 b",
  ]);
  strictEqual(run.code, 1);
  strictEqual(run.stdout, "b\n2\n");
  match(run.stderr, /^noctra: error: -c\[2\]:1: Binder Error/);
  const stopped = await runNoctra(["--format", "csv", "-c", "select nope", "-c", "select 2 b"]);
  strictEqual(stopped.code, 1);
  strictEqual(stopped.stdout, "");
});

Deno.test(".changes on: DuckDB's line after each INSERT, UPDATE and DELETE, on stderr", async () => {
  // The DuckDB CLI prints the same lines (on stdout), and also one after CREATE and SELECT
  // (`changes:   0` / the previous count), which say nothing and are left out here.
  const run = await runNoctra(["--format", "csv"], {
    stdin: [
      ".changes on",
      "create table t(a int);",
      "insert into t select * from range(3);",
      "insert into t values (7),(8);",
      "update t set a = a+1 where a > 5;",
      "delete from t where a = 0;",
      "select count(*) AS n from t;",
      ".changes off",
      "insert into t values(1);",
      "",
    ].join("\n"),
  });
  assertRun(run, {
    code: 0,
    stdout: "n\n4\n",
    stderr: [
      "changes:   3   total_changes: 3",
      "changes:   2   total_changes: 5",
      "changes:   2   total_changes: 7",
      "changes:   1   total_changes: 8",
      "",
    ].join("\n"),
  });
});

Deno.test(".print writes its words as DuckDB does; .version is --version's text", async () => {
  // The DuckDB CLI prints the same three lines for these .print commands.
  const run = await runNoctra([], {
    stdin: '.print\n.print one "two  three" \'a\\tb\' c\\td "q\\"x" \\101\n.print x\'y z\n' +
      ".version\n",
  });
  assertRun(run, {
    code: 0,
    stderr: "",
    stdout: "\none two  three a\\tb c\td q\"x A\nx'y z\n" + versionText(),
  });
});

Deno.test(".cd changes the directory relative paths use; a bad one is named", async () => {
  const dir = await workDirectory();
  await Deno.mkdir(`${dir}/sub`);
  await Deno.copyFile(`${dir}/airports.csv`, `${dir}/sub/inner.csv`);
  const run = await runNoctra(["--format", "csv"], {
    cwd: dir,
    stdin: ".cd sub\nSELECT count(*) AS n FROM 'inner.csv';\n.cd\n.cd nowhere\n",
  });
  strictEqual(run.code, 1);
  strictEqual(run.stdout, "n\n3376\n");
  const real = await Deno.realPath(`${dir}/sub`);
  strictEqual(
    run.stderr,
    `cd: ${real}\nnoctra: error: stdin:4: .cd nowhere: cannot change to ${real}/nowhere: no such directory\n`,
  );
});

Deno.test(".shell and .system run through sh, output to the terminal, in order", {
  ignore: Deno.build.os === "windows",
}, async () => {
  const run = await runNoctra(["--format", "csv"], {
    stdin: "SELECT 1 AS a;\n.shell echo from sh | tr a-z A-Z\n.system 'echo \"two words\"'\n" +
      ".shell exit 3\nSELECT 2 AS b;\n",
  });
  assertRun(run, {
    code: 0,
    stdout: "a\n1\nFROM SH\ntwo words\nb\n2\n",
    stderr: ".shell: exited with 3\n",
  });
});

Deno.test(".shell is refused when Noctra runs confined (--sandbox, --allow-read)", async () => {
  const dir = await workDirectory();
  const refused =
    ": refused: this session is confined to the directories it was given (--sandbox, --allow-read, --allow-write or Deno's scoped permissions), and a shell command would not be; run it outside Noctra\n";
  for (const flags of [["--sandbox"], [`--allow-read=${dir}`]]) {
    const run = await runNoctra([...flags, "--continue-on-error"], {
      cwd: dir,
      stdin: `.shell touch ${dir}/made\n.system touch ${dir}/made\n`,
    });
    assertRun(run, {
      code: 1,
      stdout: "",
      stderr: `noctra: error: stdin:1: .shell${refused}noctra: error: stdin:2: .system${refused}`,
    });
    deepStrictEqual([...Deno.readDirSync(dir)].map((entry) => entry.name), ["airports.csv"]);
  }
});

Deno.test(".import creates the table, then appends; the reader follows the extension", async () => {
  // The DuckDB CLI's .import gives the same counts and column types for this script.
  const run = await runNoctra(["--format", "csv"], {
    stdin: [
      ".import fixtures/airports.csv ap",
      ".import fixtures/airports.csv ap",
      "SELECT count(*) AS n FROM ap;",
      "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'ap';",
      ".import fixtures/unemployment.tsv un",
      ".import fixtures/penguins.parquet pq",
      ".import fixtures/penguins.ndjson pj",
      ".import fixtures/airports.csv.gz apz",
      ".import --csv --header false fixtures/airports.csv raw",
      "SELECT (SELECT count(*) FROM un) AS un, (SELECT count(*) FROM pq) AS pq, " +
      "(SELECT count(*) FROM pj) AS pj, (SELECT count(*) FROM apz) AS apz, " +
      "(SELECT count(*) FROM raw) AS raw;",
      "SHOW VARS;",
      "",
    ].join("\n"),
  });
  assertRun(run, {
    code: 0,
    stderr: "",
    stdout: [
      "n",
      "6752",
      "column_name,data_type",
      "iata,VARCHAR",
      "name,VARCHAR",
      "city,VARCHAR",
      "state,VARCHAR",
      "country,VARCHAR",
      "latitude,DOUBLE",
      "longitude,DOUBLE",
      "un,pq,pj,apz,raw",
      "3218,344,344,3376,3377",
      "name,type,value",
      "",
    ].join("\n"),
  });
});

Deno.test(".import binds the file name (a quote in it is just a character) and fills SQLite tables", async () => {
  const dir = await workDirectory({ "it's; DROP.csv": "a,b\n1,x\n2,y\n" });
  const run = await runNoctra(["--format", "csv", "--no-restore"], {
    cwd: dir,
    stdin: [
      "ATTACH 'new.sqlite' AS geo (TYPE SQLITE, CREATE);",
      '.import "it\'s; DROP.csv" geo.pairs',
      '.import "it\'s; DROP.csv" geo.pairs',
      "LET noctra_import_file = 'kept';",
      ".import airports.csv main.ap",
      "SELECT count(*) AS n, sum(a) AS s FROM geo.pairs;",
      "SELECT count(*) AS n FROM ap;",
      "SHOW VARS;",
      "",
    ].join("\n"),
  });
  assertRun(run, {
    code: 0,
    stdout: "n,s\n4,6\nn\n3376\nname,type,value\nnoctra_import_file,VARCHAR,kept\n",
    stderr: "noctra_import_file: VARCHAR = kept\n",
  });
});

Deno.test(".import refuses a file outside the granted directories, as a SELECT does", async () => {
  const dir = await workDirectory();
  const outside = `${FIXTURES}/penguins.parquet`;
  const real = await Deno.realPath(dir);
  const run = await runNoctra([`--allow-read=${dir}`, "--continue-on-error", "--format", "csv"], {
    cwd: dir,
    stdin: `.import ${outside} pq\nSELECT count(*) FROM '${outside}';\n` +
      ".import airports.csv ap\nSELECT count(*) AS n FROM ap;\n.import nope.csv t\n.import x.csv\n",
  });
  strictEqual(run.code, 1);
  strictEqual(run.stdout, "n\n3376\n");
  strictEqual(
    run.stderr,
    [
      `noctra: error: stdin:1: .import ${outside}: permission denied: ${outside} is outside the directories Noctra may read (${real}); allow it with --allow-read`,
      `noctra: error: stdin:2: '${outside}': permission denied: ${outside} is outside the directories Noctra may read (${real}); allow it with --allow-read`,
      `noctra: error: stdin:5: .import nope.csv: no such file (looked for ${real}/nope.csv)`,
      "noctra: error: stdin:6: .import: expected [--csv|--json|--parquet] [--OPTION VALUE]… FILE TABLE",
      "",
    ].join("\n"),
  );
});

Deno.test(".dump: CREATE statements and INSERTs with SQL literals, as the DuckDB CLI's", async () => {
  // Compared byte for byte with the DuckDB CLI's .dump of this script: the same but for the
  // end of each CREATE statement, where DuckDB writes ";;" (its SQL already ends in ";").
  const script = [
    "CREATE TABLE people(id INTEGER, name VARCHAR, born DATE, score DOUBLE, seen TIMESTAMP, " +
    "ok BOOLEAN, note VARCHAR);",
    "INSERT INTO people VALUES (1, 'O''Brien', DATE '1970-01-02', 1.5, " +
    "TIMESTAMP '2024-01-02 03:04:05', true, NULL), (2, NULL, NULL, NULL, NULL, NULL, " +
    "e'two\\nlines'), (3, 'Zoë \"Z\"', DATE '2024-02-29', 1e300, NULL, false, ''), " +
    "(4, '--', NULL, -0.25, NULL, NULL, 'it''s');",
    "CREATE VIEW adults AS SELECT id FROM people WHERE born < DATE '2000-01-01';",
    "CREATE TABLE other(x INTEGER);",
    ".dump",
    ".dump peo%",
    "",
  ].join("\n");
  const run = await runNoctra([], { stdin: script });
  const people = [
    'CREATE TABLE people(id INTEGER, "name" VARCHAR, born DATE, score DOUBLE, seen TIMESTAMP, ok BOOLEAN, note VARCHAR);',
    "INSERT INTO main.people VALUES(1,'O''Brien','1970-01-02',1.5,'2024-01-02 03:04:05','true',NULL);",
    "INSERT INTO main.people VALUES(2,NULL,NULL,NULL,NULL,NULL,concat('two', chr(10), 'lines'));",
    "INSERT INTO main.people VALUES(3,'Zoë \"Z\"','2024-02-29',1e+300,NULL,'false','');",
    "INSERT INTO main.people VALUES(4,'--',NULL,-0.25,NULL,NULL,'it''s');",
  ];
  assertRun(run, {
    code: 0,
    stderr: "",
    stdout: [
      "BEGIN TRANSACTION;",
      "CREATE TABLE other(x INTEGER);",
      ...people,
      "CREATE VIEW adults AS SELECT id FROM people WHERE (born < CAST('2000-01-01' AS \"DATE\"));",
      "COMMIT;",
      "BEGIN TRANSACTION;",
      ...people,
      "COMMIT;",
      "",
    ].join("\n"),
  });
});

Deno.test(".dump reads back: its SQL rebuilds the same tables, infinite floats included", async () => {
  // DuckDB's own .dump writes a bare `inf` here, which does not read back; Noctra quotes it.
  const dir = await workDirectory();
  const first = await runNoctra([], {
    cwd: dir,
    stdin: 'CREATE SCHEMA s;\nCREATE TABLE s.f(x DOUBLE, y FLOAT, "odd name" VARCHAR);\n' +
      "INSERT INTO s.f VALUES ('inf', '-inf', e'a\\r\\nb'), ('nan', 2.5, NULL);\n" +
      "CREATE INDEX fx ON s.f(x);\n.output dump.sql\n.dump\n",
  });
  strictEqual(first.code, 0, first.stderr);
  const dump = await Deno.readTextFile(`${dir}/dump.sql`);
  strictEqual(
    dump,
    [
      "BEGIN TRANSACTION;",
      "CREATE SCHEMA IF NOT EXISTS s;",
      'CREATE TABLE s.f(x DOUBLE, y FLOAT, "odd name" VARCHAR);',
      "INSERT INTO s.f VALUES('inf','-inf',concat('a', chr(13), '', chr(10), 'b'));",
      "INSERT INTO s.f VALUES('nan',2.5,NULL);",
      "CREATE INDEX fx ON s.f(x);",
      "COMMIT;",
      "",
    ].join("\n"),
  );
  const again = await runNoctra([], { cwd: dir, stdin: ".read dump.sql\n.dump\n" });
  assertRun(again, { code: 0, stdout: dump, stderr: "" });
});

Deno.test(".indexes lists indexes of DuckDB and of SQLite attachments", async () => {
  const dir = await workDirectory();
  const database = new DatabaseSync(`${dir}/x.sqlite`);
  database.exec("CREATE TABLE u(c INTEGER); CREATE INDEX uc ON u(c);");
  database.close();
  const run = await runNoctra(["--format", "csv", "--no-restore"], {
    cwd: dir,
    stdin:
      "CREATE TABLE t(a INTEGER, b INTEGER);\nCREATE INDEX tb ON t(b);\nCREATE INDEX ta ON t(a);\n" +
      "ATTACH 'x.sqlite' AS lite (TYPE SQLITE);\n.indexes\n.indexes u\n",
  });
  strictEqual(run.stderr, "");
  strictEqual(
    run.stdout,
    "source,name,table\nduckdb,ta,t\nduckdb,tb,t\nlite,uc,u\nsource,name,table\nlite,uc,u\n",
  );
});

Deno.test(".timeout sets sqlite.busy_timeout_ms; .exit CODE ends the run with CODE", async () => {
  const run = await runNoctra(["--format", "csv"], { stdin: ".timeout 750\nSHOW CONFIG;\n" });
  strictEqual(run.stderr, "");
  match(run.stdout, /^sqlite\.busy_timeout_ms,750,/m);
  const dir = await workDirectory({ "inner.sql": "SELECT 'in' AS x;\n.exit 4\nSELECT 'no';\n" });
  const exit = await runNoctra(["--format", "csv"], {
    cwd: dir,
    stdin: ".read inner.sql\nSELECT 'after';\n",
  });
  assertRun(exit, { code: 4, stdout: "x\nin\n", stderr: "" });
});

Deno.test("DuckDB's commands Noctra has not: one line saying why and what to use", async () => {
  const run = await runNoctra(["--continue-on-error"], {
    stdin: ".open my.db\n.excel\n.log out.txt\n.output |cat\n.safe_mode\n",
  });
  strictEqual(run.code, 1);
  strictEqual(run.stdout, "");
  const lines = run.stderr.trimEnd().split("\n");
  deepStrictEqual(lines.map((line) => line.replace(/;.*$/, "")), [
    "noctra: error: stdin:1: .open: not available: Noctra's session stays open in memory",
    "noctra: error: stdin:2: .excel: not available (it would start a spreadsheet program)",
    "noctra: error: stdin:3: .log: not available: errors go to stderr (redirect it with 2>FILE), and .echo on prints each statement before it runs",
    "noctra: error: stdin:4: .output |cat: results cannot go to a command here",
    "noctra: error: stdin:5: .safe_mode: confinement is chosen when Noctra starts: run noctra --sandbox (or --allow-read=DIRS / --allow-write=DIRS)",
  ]);
  ok(lines[0]!.includes("ATTACH 'FILE' AS name"), lines[0]);
});
