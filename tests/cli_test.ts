/**
 * End-to-end tests: the real CLI on the real fixtures — flags, stdin, exit codes, and the
 * separation of data (stdout) from messages (stderr).
 */
import { deepStrictEqual, match, strictEqual } from "node:assert/strict";
import { ROOT, runNoctra } from "./_cli.ts";

Deno.test("-c runs SQL over a CSV file and prints CSV to stdout only", async () => {
  const run = await runNoctra([
    "--format",
    "csv",
    "-c",
    "SELECT state, count(*) AS airports FROM 'fixtures/airports.csv' GROUP BY state ORDER BY airports DESC, state LIMIT 3",
  ]);
  deepStrictEqual(run, { code: 0, stdout: "state,airports\nAK,263\nTX,209\nCA,205\n", stderr: "" });
});

Deno.test("repeated -c statements run in order and share the session", async () => {
  const run = await runNoctra([
    "--format",
    "csv",
    "-c",
    "USE 'fixtures/penguins.parquet' AS p",
    "-c",
    `SELECT "Species", count(*) AS n FROM p GROUP BY 1 ORDER BY 1`,
  ]);
  deepStrictEqual(run, {
    code: 0,
    stdout: "Species,n\nAdelie,152\nChinstrap,68\nGentoo,124\n",
    stderr: "",
  });
});

Deno.test("-f runs a script; a failing statement stops it with its line and exit 1", async () => {
  const dir = await Deno.makeTempDir();
  const script = `${dir}/job.sql`;
  await Deno.writeTextFile(
    script,
    "SELECT 1 AS a;\n\n-- comment\nSELECT *\nFROM no_such_table;\nSELECT 2 AS b;\n",
  );
  const run = await runNoctra(["--format", "csv", "-f", script]);
  strictEqual(run.code, 1);
  strictEqual(run.stdout, "a\n1\n");
  strictEqual(
    run.stderr,
    "noctra: error: job.sql:4: Catalog Error: Table with name no_such_table does not exist! " +
      'Did you mean "pg_tables"? (line 5, column 6)\n',
  );
});

Deno.test("--continue-on-error runs the rest and still exits 1", async () => {
  const run = await runNoctra([
    "--format",
    "csv",
    "--continue-on-error",
    "-c",
    "SELECT 1 AS a; SELEC 2; SELECT 3 AS c",
  ]);
  strictEqual(run.code, 1);
  strictEqual(run.stdout, "a\n1\nc\n3\n");
  match(run.stderr, /^noctra: error: -c:1: Parser Error: syntax error at or near "SELEC"/);
});

Deno.test("stdin that is not a terminal is read as a script", async () => {
  const run = await runNoctra(["--format", "tsv"], {
    stdin:
      "USE 'fixtures/unemployment.tsv' AS u;\nSELECT id, rate FROM u ORDER BY rate DESC LIMIT 2;\n",
  });
  deepStrictEqual(run, { code: 0, stdout: "id\trate\n6025\t0.301\n72147\t0.277\n", stderr: "" });
});

Deno.test("a file argument is registered as a view named after its stem", async () => {
  const run = await runNoctra([
    "fixtures/seattle-weather.csv",
    "--format",
    "jsonl",
    "-c",
    "SELECT date, weather FROM seattle_weather ORDER BY date LIMIT 2",
  ]);
  deepStrictEqual(run, {
    code: 0,
    stdout: '{"date":"2012-01-01","weather":"drizzle"}\n{"date":"2012-01-02","weather":"rain"}\n',
    stderr: "",
  });
});

Deno.test("json keeps types: integers, big integers, decimals, NULL, timestamps, nested", async () => {
  const run = await runNoctra([
    "--format",
    "json",
    "-c",
    "SELECT 7 AS i, 9007199254740993::BIGINT AS big, 12.50::DECIMAL(6,2) AS d, NULL AS n, " +
    "TIMESTAMP '2024-01-02 03:04:05.123456' AS ts, DATE '2024-02-29' AS day, " +
    "[1, 2] AS list, {'a': 'x', 'b': [true]} AS struct, MAP {'k': 1.5::DOUBLE} AS map",
  ]);
  strictEqual(run.code, 0);
  strictEqual(
    run.stdout,
    '[{"i":7,"big":"9007199254740993","d":12.50,"n":null,"ts":"2024-01-02T03:04:05.123456",' +
      '"day":"2024-02-29","list":[1,2],"struct":{"a":"x","b":[true]},"map":{"k":1.5}}]\n',
  );
  deepStrictEqual(JSON.parse(run.stdout)[0].big, "9007199254740993");
});

Deno.test("json of an empty result is an empty array; jsonl prints nothing", async () => {
  const sql = "SELECT * FROM 'fixtures/airports.csv' WHERE false";
  strictEqual((await runNoctra(["--format", "json", "-c", sql])).stdout, "[]\n");
  strictEqual((await runNoctra(["--format", "jsonl", "-c", sql])).stdout, "");
});

Deno.test("globs and gzip files are read as DuckDB reads them", async () => {
  const run = await runNoctra([
    "--format",
    "csv",
    "-c",
    "SELECT (SELECT count(*) FROM 'fixtures/logs/*.csv') AS glob_rows, " +
    "(SELECT count(*) FROM read_csv('fixtures/airports.csv.gz')) AS gzip_rows",
  ]);
  deepStrictEqual(run, { code: 0, stdout: "glob_rows,gzip_rows\n1096,3376\n", stderr: "" });
});

Deno.test("csv output quotes fields with commas and keeps NULL apart from ''", async () => {
  const run = await runNoctra([
    "--format",
    "csv",
    "-c",
    "SELECT name, NULL AS nothing, '' AS empty FROM 'fixtures/airports.csv' WHERE iata = 'SEA'",
  ]);
  strictEqual(run.stdout, 'name,nothing,empty\nSeattle-Tacoma Intl,,""\n');
});

Deno.test("markdown output right-aligns numbers", async () => {
  const run = await runNoctra([
    "--format",
    "markdown",
    "-c",
    "SELECT iata, latitude FROM 'fixtures/airports.csv' WHERE iata IN ('SEA', 'PDX') ORDER BY iata",
  ]);
  strictEqual(
    run.stdout,
    "| iata | latitude |\n|---|---:|\n| PDX | 45.58872222 |\n| SEA | 47.44898194 |\n",
  );
});

Deno.test("table output: header with types, right-aligned numbers, NULL, row-count footer", async () => {
  const run = await runNoctra([
    "-c",
    "SELECT iata, latitude, NULL::VARCHAR AS note FROM 'fixtures/airports.csv' WHERE iata IN ('SEA', 'PDX') ORDER BY iata",
  ]);
  strictEqual(run.code, 0);
  strictEqual(
    run.stdout,
    [
      "┌─────────┬─────────────┬─────────┐",
      "│ iata    │ latitude    │ note    │",
      "│ varchar │ double      │ varchar │",
      "├─────────┼─────────────┼─────────┤",
      "│ PDX     │ 45.58872222 │ NULL    │",
      "│ SEA     │ 47.44898194 │ NULL    │",
      "├─────────┴─────────────┴─────────┤",
      "│ 2 rows  3 columns               │",
      "└─────────────────────────────────┘",
      "",
    ].join("\n"),
  );
});

Deno.test("--max-rows cuts the table display and says how many were shown", async () => {
  const run = await runNoctra([
    "--max-rows",
    "2",
    "-c",
    "SELECT iata FROM 'fixtures/airports.csv' ORDER BY iata",
  ]);
  strictEqual(run.code, 0);
  strictEqual(
    run.stdout,
    "┌─────────┐\n│ iata    │\n│ varchar │\n├─────────┤\n│ 00M     │\n│ 00R     │\n└─────────┘\n" +
      "3,376 rows (2 shown)  1 column\n",
  );
});

Deno.test("--max-rows never truncates csv output", async () => {
  const run = await runNoctra([
    "--max-rows",
    "2",
    "--format",
    "csv",
    "-c",
    "SELECT iata FROM 'fixtures/airports.csv'",
  ]);
  strictEqual(run.stdout.trimEnd().split("\n").length, 3377);
});

Deno.test("-o writes results to a file and nothing to stdout", async () => {
  const dir = await Deno.makeTempDir();
  const target = `${dir}/out.csv`;
  const run = await runNoctra([
    "--format",
    "csv",
    "-o",
    target,
    "-c",
    `SELECT "Species", count(*) AS n FROM 'fixtures/penguins.ndjson' GROUP BY 1 ORDER BY 1`,
  ]);
  deepStrictEqual(run, { code: 0, stdout: "", stderr: "" });
  strictEqual(await Deno.readTextFile(target), "Species,n\nAdelie,152\nChinstrap,68\nGentoo,124\n");
  deepStrictEqual([...Deno.readDirSync(dir)].map((entry) => entry.name), ["out.csv"]);
});

Deno.test("usage errors exit 2 with one line and no stack trace", async () => {
  const cases: [string[], RegExp][] = [
    [["--no-such-flag"], /^noctra: error: Unknown option '--no-such-flag'.*see noctra --help\n$/],
    [
      ["--format", "xml", "-c", "SELECT 1"],
      /^noctra: error: --format xml: unknown format; choose one of table, csv, tsv, json, jsonl, markdown, line, list, insert, quote, html, latex, column, box, asciitable, ascii, tcl, trash\n$/,
    ],
    [
      ["-f", "no/such/script.sql"],
      /^noctra: error: -f no\/such\/script\.sql: script file not found\n$/,
    ],
    [["-f", "fixtures"], /^noctra: error: -f fixtures: is a directory, expected a script file\n$/],
    [["--max-rows", "-3", "-c", "SELECT 1"], /^noctra: error: .*/],
    [
      ["--max-rows", "many", "-c", "SELECT 1"],
      /^noctra: error: --max-rows many: expected a whole number ≥ 0/,
    ],
  ];
  for (const [args, expected] of cases) {
    const run = await runNoctra(args);
    strictEqual(run.code, 2, args.join(" "));
    strictEqual(run.stdout, "");
    match(run.stderr, expected);
    strictEqual(run.stderr.includes("    at "), false, "no stack trace");
  }
});

Deno.test("--help and --version print to stdout and exit 0", async () => {
  const help = await runNoctra(["--help"]);
  strictEqual(help.code, 0);
  match(help.stdout, /^noctra — SQL over CSV/);
  match(help.stdout, /Exit codes: 0 success, 1 a statement failed, 2 usage error/);
  const version = await runNoctra(["-V"]);
  deepStrictEqual(version, {
    code: 0,
    stdout: `noctra 0.1.0\nduckdb 1.5.5\ndeno ${Deno.version.deno}\ntarget ${Deno.build.target}\n`,
    stderr: "",
  });
  // The same text when the launcher answers (a flag before -V), and the versions are true.
  strictEqual((await runNoctra(["--no-restore", "-V"])).stdout, version.stdout);
});

Deno.test("the demo task's script runs on the bundled fixtures", async () => {
  const run = await runNoctra(["--format", "csv", "-f", "fixtures/demo.sql"]);
  strictEqual(run.stderr, "");
  strictEqual(run.code, 0);
  match(run.stdout, /^state,airports\nAK,263\nTX,209\nCA,205\nOK,102\nFL,100\n/);
  match(run.stdout, /species,penguins,avg_mass_g,max_flipper_mm\nAdelie,152,3701\.0,210\n/);
  match(run.stdout, /weather_rows_2012_2014\n1096\n/);
  match(run.stdout, /county_fips,rate\n6025,0\.301\n/);
});

Deno.test("csv through DuckDB's writer: a reader that stops early ends the run cleanly", async () => {
  const started = performance.now();
  const run = await new Deno.Command("bash", {
    args: [
      "-o",
      "pipefail",
      "-c",
      `"${Deno.execPath()}" run -A main.ts --format csv -c "SELECT * FROM range(100000000)" | head -3`,
    ],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  strictEqual(new TextDecoder().decode(run.stdout), "range\n0\n1\n");
  strictEqual(new TextDecoder().decode(run.stderr), "");
  strictEqual(run.code, 0);
  strictEqual(performance.now() - started < 20_000, true, "must not run the whole query");
});

Deno.test("csv through DuckDB's writer: a failure mid-file is one error line, exit 1", async () => {
  const dir = await Deno.makeTempDir();
  const lines = (await Deno.readTextFile("fixtures/airports.csv")).split("\n");
  lines.splice(3001, 0, '"X1","Extra","City","ST","USA",1.0,2.0,"surplus"');
  await Deno.writeTextFile(`${dir}/ragged.csv`, lines.join("\n"));
  const run = await runNoctra(["--format", "csv", "-c", `SELECT * FROM '${dir}/ragged.csv'`]);
  strictEqual(run.code, 1);
  match(run.stderr, /^noctra: error: -c:1: Invalid Input Error: CSV Error on Line: 3002 /);
  strictEqual(run.stderr.split("\n").length, 2);
});

Deno.test("SQL that starts with '-' is the value of -c/--command", async () => {
  for (const flag of ["-c", "--command"]) {
    const run = await runNoctra(["--format", "csv", flag, "-- a note\nSELECT 1 AS a"]);
    deepStrictEqual(run, { code: 0, stdout: "a\n1\n", stderr: "" }, flag);
  }
  const run = await runNoctra([
    "--format",
    "csv",
    "-c",
    "-- only a comment",
    "-c",
    "SELECT 2 AS b",
  ]);
  deepStrictEqual(run, { code: 0, stdout: "b\n2\n", stderr: "" });
});

Deno.test("values that start with '-' reach their flag and are checked there", async () => {
  const cases: [string[], string][] = [
    [["--max-rows", "-5"], "--max-rows -5: expected a whole number ≥ 0 (0 shows all rows)"],
    [
      ["--format", "-xml"],
      "--format -xml: unknown format; choose one of table, csv, tsv, json, jsonl, markdown, line, list, insert, quote, html, latex, column, box, asciitable, ascii, tcl, trash",
    ],
    [["--engine", "-x"], "--engine -x: unknown engine; choose one of hybrid, duckdb, sqlite"],
    [
      ["--var", "-x=1"],
      "--var -x=1: expected NAME=VALUE or NAME:TYPE=VALUE, NAME a letter or _ followed by letters, digits or _",
    ],
    [
      ["--threads", "-2"],
      '--threads: duckdb.performance.base_threads = "-2": expected a whole number from 1 to 1024',
    ],
  ];
  for (const [args, message] of cases) {
    const run = await runNoctra([...args, "-c", "SELECT 1"]);
    deepStrictEqual(
      run,
      { code: 2, stdout: "", stderr: `noctra: error: ${message}\n` },
      args.join(" "),
    );
  }
});

Deno.test("a flag without its value names the flag and what it expects, exit 2", async () => {
  const cases: [string[], string][] = [
    [["--var"], "--var: missing value; expected NAME=VALUE or NAME:TYPE=VALUE"],
    [
      ["--var", "-c", "SELECT 1"],
      "--var: missing value before -c; expected NAME=VALUE or NAME:TYPE=VALUE",
    ],
    [["-c"], "-c: missing value; expected SQL"],
    [["--command", "--format", "csv"], "--command: missing value before --format; expected SQL"],
    [["-f"], "-f: missing value; expected a script PATH"],
    [["-o", "-c", "SELECT 1"], "-o: missing value before -c; expected a FILE to write results to"],
    [
      ["-c", "SELECT 1", "--output"],
      "--output: missing value; expected a FILE to write results to",
    ],
    [
      ["--format", "--max-rows=3", "-c", "SELECT 1"],
      "--format: missing value before --max-rows=3; expected a FORMAT (table, csv, tsv, json, jsonl, markdown, line, list, insert, quote, html, latex, column, box, asciitable, ascii, tcl, trash)",
    ],
    [
      ["-c", "SELECT 1", "--max-rows"],
      "--max-rows: missing value; expected a whole number ≥ 0 (0 shows all rows)",
    ],
    [["--config", "-V"], "--config: missing value before -V; expected a configuration file PATH"],
    [["--engine"], "--engine: missing value; expected an ENGINE (hybrid, duckdb, sqlite)"],
    [
      ["--threads", "--sandbox"],
      "--threads: missing value before --sandbox; expected a number of threads N",
    ],
    [["--memory-limit"], "--memory-limit: missing value; expected a SIZE such as 8GB or 50%"],
    [["-o", "", "-c", "SELECT 1"], "-o/--output: empty value; expected a FILE to write results to"],
    [["-f", ""], "-f/--file: empty value; expected a script PATH"],
  ];
  for (const [args, message] of cases) {
    const run = await runNoctra(args);
    deepStrictEqual(
      run,
      { code: 2, stdout: "", stderr: `noctra: error: ${message}\n` },
      args.join(" "),
    );
  }
});

Deno.test("-c values and `--` keep their meaning: -cSQL, --command=SQL, files after --", async () => {
  const run = await runNoctra([
    "--format=csv",
    "-cSELECT 1 AS a",
    "--command=-- note\nSELECT 2 AS b",
  ]);
  deepStrictEqual(run, { code: 0, stdout: "a\n1\nb\n2\n", stderr: "" });
  const afterDashes = await runNoctra([
    "--format",
    "csv",
    "-c",
    "SELECT count(*) AS n FROM penguins",
    "--",
    "fixtures/penguins.parquet",
  ]);
  deepStrictEqual(afterDashes, { code: 0, stdout: "n\n344\n", stderr: "" });
});

Deno.test("engine errors are one whole line: file names and hints are never cut", async () => {
  const dir = await Deno.makeTempDir();
  const deep = `${dir}/${"a_long_directory_name_".repeat(6)}/ragged.csv`;
  await Deno.mkdir(deep.slice(0, deep.lastIndexOf("/")));
  const lines = (await Deno.readTextFile("fixtures/airports.csv")).split("\n");
  lines.splice(3001, 0, '"X1","Extra","City","ST","USA",1.0,2.0,"surplus"');
  await Deno.writeTextFile(deep, lines.join("\n"));
  const run = await runNoctra(["--format", "csv", "-c", `SELECT * FROM '${deep}'`]);
  strictEqual(run.code, 1);
  strictEqual(run.stderr.split("\n").length, 2, "one line");
  strictEqual(run.stderr.includes("…"), false, "nothing cut");
  match(run.stderr, /^noctra: error: -c:1: Invalid Input Error: CSV Error on Line: 3002 /);
  for (
    const kept of [
      "Expected Number of Columns: 7 Found: 8",
      "(strict_mode=false) to allow reading rows that do not comply with the CSV standard.",
      "* Enable null padding (null_padding=true) to replace missing values with NULL",
      "* Enable ignore errors (ignore_errors=true) to skip this row",
      ` — file = ${deep}; delimiter = , (Auto-Detected); `,
    ]
  ) strictEqual(run.stderr.includes(kept), true, kept);

  const binder = await runNoctra([
    "-c",
    "SELECT no_such_column_with_a_long_name FROM (SELECT 1 AS some_column_with_a_long_name, " +
    "2 AS other_column_with_a_long_name, 3 AS third_column_with_a_long_name) t",
  ]);
  strictEqual(
    binder.stderr,
    'noctra: error: -c:1: Binder Error: Referenced column "no_such_column_with_a_long_name" not ' +
      'found in FROM clause! Candidate bindings: "some_column_with_a_long_name", ' +
      '"other_column_with_a_long_name", "third_column_with_a_long_name" (line 1, column 8)\n',
  );
});

Deno.test("INSERT, UPDATE and DELETE … RETURNING print their rows, in DuckDB and in SQLite", async () => {
  const directory = await Deno.makeTempDir({ prefix: "noctra-returning-" });
  try {
    const database = `${directory}/r.sqlite`;
    const { DatabaseSync } = await import("node:sqlite");
    const sqlite = new DatabaseSync(database);
    sqlite.exec("CREATE TABLE t(a INTEGER)");
    sqlite.close();
    for (const table of ["t", "db.t"]) {
      const run = await runNoctra(["--no-restore", "--format", "csv"], {
        stdin: `ATTACH '${database}' AS db (TYPE SQLITE);\n` +
          "CREATE TABLE t(a INTEGER);\n" +
          `INSERT INTO ${table} VALUES (1), (2) RETURNING a * 10 AS x;\n` +
          `UPDATE ${table} SET a = a + 1 WHERE a = 2 RETURNING a;\n` +
          `DELETE FROM ${table} WHERE a = 1 RETURNING *;\n` +
          `SELECT a FROM ${table};\n`,
      });
      strictEqual(run.stderr, "", table);
      strictEqual(run.code, 0, table);
      strictEqual(run.stdout, "x\n10\n20\na\n3\na\n1\na\n3\n", table);
    }
  } finally {
    await Deno.remove(directory, { recursive: true });
  }
});
