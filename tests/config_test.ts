/**
 * Configuration end to end: the TOML file, the environment, flags and `SET`, their precedence
 * and the source `SHOW CONFIG` reports; what each setting does to DuckDB and the output; one
 * clear line (exit 2) for every bad value; profiling and EXPLAIN ANALYZE output; the thread
 * policy (`PerformanceConfig`); remote paths without a network.
 *
 * Every run gets `XDG_CONFIG_HOME` pointing at a temporary directory, so the user's own
 * `~/.config/noctra/config.toml` is never read.
 */
import { deepStrictEqual, match, ok, strictEqual } from "node:assert/strict";
import { type CliRun, FIXTURES, ROOT, runNoctra, type RunOptions } from "./_cli.ts";
import { PerformanceConfig } from "../src/config/performance.ts";

/** A `XDG_CONFIG_HOME` with no `noctra/config.toml` in it. */
const emptyConfigHome = await Deno.makeTempDir({ prefix: "noctra-config-home-" });
/** Config files written by the tests. */
const dir = await Deno.makeTempDir({ prefix: "noctra-config-" });

/** Runs noctra with the user's configuration hidden (`XDG_CONFIG_HOME` is a temp dir). */
function noctra(args: readonly string[], options: RunOptions = {}): Promise<CliRun> {
  return runNoctra(args, {
    ...options,
    env: { XDG_CONFIG_HOME: emptyConfigHome, ...options.env },
  });
}

/** Writes `text` to `<dir>/<name>` and returns the path. */
async function configFile(name: string, text: string): Promise<string> {
  const path = `${dir}/${name}`;
  await Deno.writeTextFile(path, text);
  return path;
}

/** The stderr lines of a run (no trailing empty line). */
function lines(text: string): string[] {
  return text.split("\n").filter((line, index, all) => !(line === "" && index === all.length - 1));
}

/** Asserts a failed run: `code`, exactly one stderr line, no stack trace, nothing on stdout. */
function assertOneLineFailure(run: CliRun, code: number, pattern: RegExp): void {
  strictEqual(run.code, code, `exit code; stderr: ${run.stderr}`);
  strictEqual(run.stdout, "");
  strictEqual(lines(run.stderr).length, 1, `one stderr line, got: ${run.stderr}`);
  ok(!/\n\s+at |Stack trace|Uncaught/.test(run.stderr), `no stack trace: ${run.stderr}`);
  match(run.stderr, pattern);
}

const CORES = Math.max(1, navigator.hardwareConcurrency || 1);

/** Every key with its default, in SHOW CONFIG order (values as the CSV prints them). */
const DEFAULTS: readonly [string, string][] = [
  ["duckdb.performance.base_threads", String(CORES)],
  ["duckdb.performance.remote_multiplier", "3"],
  ["duckdb.performance.memory_limit", "80%"],
  ["duckdb.performance.io_type", "adaptive"],
  ["duckdb.performance.stmt_cache_capacity", "100"],
  ["duckdb.tuning.catalog_error_max_schemas", "100"],
  ["duckdb.tuning.enable_profiling", "false"],
  ["duckdb.tuning.temp_directory", '""'],
  ["sqlite.busy_timeout_ms", "2000"],
  ["sqlite.wal_mode", "false"],
  ["hybrid.materialize_threshold_rows", "10000"],
  ["repl.format", "table"],
  ["repl.max_rows", "40"],
  ["repl.history_size", "1000"],
  ["repl.timer", "false"],
  ["repl.pager", "auto"],
  ["repl.wide_row_as_lines", "true"],
  ["repl.status_bar", "false"],
];

/**
 * The CSV `SHOW CONFIG` prints: the defaults with `overrides` (key → [value, source]), the
 * sandbox off, and the config file (`undefined` for none). `--format csv` is a flag, so
 * `repl.format` is `csv` from `flag` unless overridden.
 */
function showConfig(
  overrides: Readonly<Record<string, readonly [string, string]>>,
  file: string | undefined,
): string {
  const all: Record<string, readonly [string, string]> = {
    "repl.format": ["csv", "flag"],
    ...overrides,
  };
  const rows = DEFAULTS.map(([key, value]) => {
    const [shown, source] = all[key] ?? [value, "default"];
    return `${key},${shown},${source}`;
  });
  rows.push("sandbox.mode,off (full file access),default");
  rows.push("sandbox.layer,off,default");
  rows.push(file === undefined ? "config.file,(none),default" : `config.file,${file},file`);
  return `key,value,source\n${rows.join("\n")}\n`;
}

// ---- 1. layers and sources ------------------------------------------------------------------

Deno.test("no config file at the default location: every key is its default", async () => {
  const run = await noctra(["--format", "csv", "-c", "SHOW CONFIG"]);
  deepStrictEqual(run, { code: 0, stdout: showConfig({}, undefined), stderr: "" });
});

Deno.test("an empty --config file is valid: every key is its default", async () => {
  const path = await configFile("empty.toml", "");
  const run = await noctra(["--format", "csv", "--config", path, "-c", "SHOW CONFIG"]);
  deepStrictEqual(run, { code: 0, stdout: showConfig({}, path), stderr: "" });
});

Deno.test("a file with only comments and empty sections is valid", async () => {
  const path = await configFile(
    "comments.toml",
    "# nothing set\n[duckdb.performance]\n\n[repl] # later\n",
  );
  const run = await noctra(["--format", "csv", "--config", path, "-c", "SHOW CONFIG"]);
  deepStrictEqual(run, { code: 0, stdout: showConfig({}, path), stderr: "" });
});

Deno.test("$XDG_CONFIG_HOME/noctra/config.toml is read when there is no --config", async () => {
  const home = await Deno.makeTempDir({ prefix: "noctra-config-home-" });
  await Deno.mkdir(`${home}/noctra`);
  await Deno.writeTextFile(`${home}/noctra/config.toml`, "[repl]\nhistory_size = 7\n");
  const run = await noctra(["--format", "csv", "-c", "SHOW CONFIG"], {
    env: { XDG_CONFIG_HOME: home },
  });
  deepStrictEqual(run, {
    code: 0,
    stdout: showConfig(
      { "repl.history_size": ["7", "file"] },
      `${home}/noctra/config.toml`,
    ),
    stderr: "",
  });
});

const layered = await configFile(
  "layered.toml",
  [
    "[duckdb.performance]",
    "base_threads = 1",
    'memory_limit = "512MB"',
    'io_type = "local"',
    "[duckdb.tuning]",
    "catalog_error_max_schemas = 5",
    "[sqlite]",
    "busy_timeout_ms = 10",
    "[hybrid]",
    "materialize_threshold_rows = 77",
    "[repl]",
    'format = "tsv"',
    "max_rows = 3",
    "",
  ].join("\n"),
);

Deno.test("values from the file show source file", async () => {
  const run = await noctra(["--config", layered, "--format", "csv", "-c", "SHOW CONFIG"]);
  deepStrictEqual(run, {
    code: 0,
    stdout: showConfig({
      "duckdb.performance.base_threads": ["1", "file"],
      "duckdb.performance.memory_limit": ["512MB", "file"],
      "duckdb.performance.io_type": ["local", "file"],
      "duckdb.tuning.catalog_error_max_schemas": ["5", "file"],
      "sqlite.busy_timeout_ms": ["10", "file"],
      "hybrid.materialize_threshold_rows": ["77", "file"],
      "repl.max_rows": ["3", "file"],
    }, layered),
    stderr: "",
  });
});

Deno.test("the file's repl.format applies when there is no --format", async () => {
  const run = await noctra(["--config", layered, "-c", "SELECT 1 AS a, 2 AS b"]);
  deepStrictEqual(run, { code: 0, stdout: "a\tb\n1\t2\n", stderr: "" });
});

Deno.test("NOCTRA_THREADS / NOCTRA_MEMORY_LIMIT show source env and beat the file", async () => {
  const run = await noctra([
    "--config",
    layered,
    "--format",
    "csv",
    "-c",
    "SHOW CONFIG",
    "-c",
    "SELECT current_setting('threads') AS t, current_setting('memory_limit') AS m",
  ], { env: { NOCTRA_THREADS: "3", NOCTRA_MEMORY_LIMIT: "1GB" } });
  deepStrictEqual(run, {
    code: 0,
    stdout: showConfig({
      "duckdb.performance.base_threads": ["3", "env"],
      "duckdb.performance.memory_limit": ["1GB", "env"],
      "duckdb.performance.io_type": ["local", "file"],
      "duckdb.tuning.catalog_error_max_schemas": ["5", "file"],
      "sqlite.busy_timeout_ms": ["10", "file"],
      "hybrid.materialize_threshold_rows": ["77", "file"],
      "repl.max_rows": ["3", "file"],
    }, layered) + "t,m\n3,953.6 MiB\n",
    stderr: "",
  });
});

Deno.test("--threads / --memory-limit / --format / --max-rows show source flag and beat env", async () => {
  const run = await noctra([
    "--config",
    layered,
    "--threads",
    "2",
    "--memory-limit",
    "2GB",
    "--format",
    "csv",
    "--max-rows",
    "9",
    "-c",
    "SHOW CONFIG",
    "-c",
    "SELECT current_setting('threads') AS t, current_setting('memory_limit') AS m",
  ], { env: { NOCTRA_THREADS: "3", NOCTRA_MEMORY_LIMIT: "1GB" } });
  deepStrictEqual(run, {
    code: 0,
    stdout: showConfig({
      "duckdb.performance.base_threads": ["2", "flag"],
      "duckdb.performance.memory_limit": ["2GB", "flag"],
      "duckdb.performance.io_type": ["local", "file"],
      "duckdb.tuning.catalog_error_max_schemas": ["5", "file"],
      "sqlite.busy_timeout_ms": ["10", "file"],
      "hybrid.materialize_threshold_rows": ["77", "file"],
      "repl.format": ["csv", "flag"],
      "repl.max_rows": ["9", "flag"],
    }, layered) + "t,m\n2,1.8 GiB\n",
    stderr: "",
  });
});

Deno.test("SET shows source SET; RESET returns to the lower layer", async () => {
  const run = await noctra([
    "--config",
    layered,
    "--format",
    "csv",
    "--max-rows",
    "9",
    "-c",
    "SET hybrid.materialize_threshold_rows = 5; SET repl.max_rows = 4",
    "-c",
    "SHOW CONFIG",
    "-c",
    "RESET hybrid.materialize_threshold_rows; RESET repl.max_rows",
    "-c",
    "SHOW CONFIG",
  ]);
  const fromFile = {
    "duckdb.performance.base_threads": ["1", "file"],
    "duckdb.performance.memory_limit": ["512MB", "file"],
    "duckdb.performance.io_type": ["local", "file"],
    "duckdb.tuning.catalog_error_max_schemas": ["5", "file"],
    "sqlite.busy_timeout_ms": ["10", "file"],
  } as const;
  deepStrictEqual(run, {
    code: 0,
    stdout: showConfig({
      ...fromFile,
      "hybrid.materialize_threshold_rows": ["5", "SET"],
      "repl.max_rows": ["4", "SET"],
    }, layered) +
      showConfig({
        ...fromFile,
        "hybrid.materialize_threshold_rows": ["77", "file"],
        "repl.max_rows": ["9", "flag"],
      }, layered),
    stderr: "",
  });
});

Deno.test("RESET of a key with no lower layer returns to its default", async () => {
  const run = await noctra([
    "--format",
    "csv",
    "-c",
    "SET hybrid.materialize_threshold_rows = 5",
    "-c",
    "RESET hybrid.materialize_threshold_rows",
    "-c",
    "SHOW CONFIG",
  ]);
  deepStrictEqual(run, { code: 0, stdout: showConfig({}, undefined), stderr: "" });
});

Deno.test("SET duckdb.performance.base_threads changes DuckDB's threads; RESET restores", async () => {
  const run = await noctra([
    "--format",
    "csv",
    "--threads",
    "2",
    "-c",
    "SET duckdb.performance.base_threads = 1",
    "-c",
    "SELECT current_setting('threads') AS t",
    "-c",
    "RESET duckdb.performance.base_threads",
    "-c",
    "SELECT current_setting('threads') AS t",
  ]);
  deepStrictEqual(run, { code: 0, stdout: "t\n1\nt\n2\n", stderr: "" });
});

Deno.test("SET threads = 1 is DuckDB's own setting, not Noctra's", async () => {
  const run = await noctra([
    "--format",
    "csv",
    "--threads",
    "2",
    "-c",
    "SET threads = 1",
    "-c",
    "SELECT current_setting('threads') AS t",
    "-c",
    "SHOW CONFIG",
  ]);
  strictEqual(run.code, 0, run.stderr);
  strictEqual(run.stderr, "");
  strictEqual(
    run.stdout,
    "t\n1\n" + showConfig({ "duckdb.performance.base_threads": ["2", "flag"] }, undefined),
  );
});

// ---- 2. effects -----------------------------------------------------------------------------

Deno.test("[duckdb.performance] base_threads = 1 and memory_limit = 512MB reach DuckDB", async () => {
  const path = await configFile(
    "perf.toml",
    '[duckdb.performance]\nbase_threads = 1\nmemory_limit = "512MB"\n',
  );
  const run = await noctra([
    "--config",
    path,
    "--format",
    "csv",
    "-c",
    "SELECT current_setting('threads') AS t, current_setting('memory_limit') AS m",
  ]);
  // 512 MB = 512,000,000 bytes = 488.28 MiB, which DuckDB prints as 488.2 MiB.
  deepStrictEqual(run, { code: 0, stdout: "t,m\n1,488.2 MiB\n", stderr: "" });
});

Deno.test('memory_limit = "50%" becomes half the physical memory (DuckDB rejects %)', async () => {
  const path = await configFile("half.toml", '[duckdb.performance]\nmemory_limit = "50%"\n');
  const run = await noctra([
    "--config",
    path,
    "--format",
    "csv",
    "-c",
    "SELECT current_setting('memory_limit') AS m",
  ]);
  strictEqual(run.code, 0, run.stderr);
  strictEqual(run.stderr, "");
  const value = /^m\n(\d+(?:\.\d+)?) (MiB|GiB)\n$/.exec(run.stdout);
  ok(value, `a MiB/GiB value: ${run.stdout}`);
  const bytes = Number(value[1]) * (value[2] === "GiB" ? 2 ** 30 : 2 ** 20);
  const half = Deno.systemMemoryInfo().total / 2;
  ok(Math.abs(bytes - half) / half < 0.02, `${bytes} bytes is about half of ${half * 2}`);
});

Deno.test("[repl] max_rows = 2 limits table output (not CSV)", async () => {
  const path = await configFile("rows.toml", "[repl]\nmax_rows = 2\n");
  const sql = "SELECT range AS n FROM range(5)";
  const [table, csv] = await Promise.all([
    noctra(["--config", path, "-c", sql]),
    noctra(["--config", path, "--format", "csv", "-c", sql]),
  ]);
  deepStrictEqual(table, {
    code: 0,
    stdout: [
      "┌────────┐",
      "│ n      │",
      "│ bigint │",
      "├────────┤",
      "│      0 │",
      "│      1 │",
      "└────────┘",
      "5 rows (2 shown)  1 column",
      "",
    ].join("\n"),
    stderr: "",
  });
  deepStrictEqual(csv, { code: 0, stdout: "n\n0\n1\n2\n3\n4\n", stderr: "" });
});

Deno.test("[hybrid] materialize_threshold_rows decides whether a bridged table is cached", async () => {
  const attach = `ATTACH '${FIXTURES}/airports.sqlite' AS s (TYPE SQLITE, READ_ONLY)`;
  const join =
    `SELECT count(*) AS n FROM s.airports a JOIN '${FIXTURES}/airports.csv' c ON a.iata = c.iata`;
  const low = await configFile("threshold.toml", "[hybrid]\nmaterialize_threshold_rows = 1000\n");
  const [byDefault, byFile, bySet] = await Promise.all([
    noctra(["--format", "csv", "-c", attach, "-c", join, "-c", "SHOW CACHE"]),
    noctra(["--config", low, "--format", "csv", "-c", attach, "-c", join, "-c", "SHOW CACHE"]),
    noctra([
      "--format",
      "csv",
      "-c",
      attach,
      "-c",
      "SET hybrid.materialize_threshold_rows = 1000",
      "-c",
      join,
      "-c",
      "SHOW CACHE",
    ]),
  ]);
  // 3376 rows < 10000 (default): streamed, nothing cached.
  deepStrictEqual(byDefault, {
    code: 0,
    stdout: "n\n3376\nalias,table,rows,loaded_at\n",
    stderr: "",
  });
  // 3376 rows ≥ 1000: materialized and cached.
  for (const run of [byFile, bySet]) {
    strictEqual(run.code, 0, run.stderr);
    strictEqual(run.stderr, "");
    match(
      run.stdout,
      /^n\n3376\nalias,table,rows,loaded_at\ns,airports,3376,\d{4}-\d\d-\d\dT[^\n]+\n$/,
    );
  }
});

// ---- 3. bad input ---------------------------------------------------------------------------

Deno.test("malformed TOML: exit 2, one line with path, line and column", async () => {
  const path = await configFile("malformed.toml", "[repl]\nmax_rows = \n");
  const run = await noctra(["--config", path, "-c", "SELECT 1"]);
  assertOneLineFailure(
    run,
    2,
    new RegExp(`^noctra: error: config ${path}:2:\\d+: malformed TOML: .+\\n$`),
  );
  const header = await configFile("header.toml", "[repl\nmax_rows = 3\n");
  assertOneLineFailure(
    await noctra(["--config", header, "-c", "SELECT 1"]),
    2,
    new RegExp(`^noctra: error: config ${header}:1:\\d+: malformed TOML: .+\\n$`),
  );
});

Deno.test("a malformed default config file is an error too (exit 2, one line)", async () => {
  const home = await Deno.makeTempDir({ prefix: "noctra-config-home-" });
  await Deno.mkdir(`${home}/noctra`);
  await Deno.writeTextFile(`${home}/noctra/config.toml`, "x = = 1\n");
  const run = await noctra(["-c", "SELECT 1"], { env: { XDG_CONFIG_HOME: home } });
  assertOneLineFailure(
    run,
    2,
    new RegExp(`^noctra: error: config ${home}/noctra/config\\.toml:1:\\d+: malformed TOML`),
  );
});

const badFiles: { name: string; toml: string; message: (path: string) => string }[] = [
  {
    name: "wrong type",
    toml: '[duckdb.performance]\nbase_threads = "many"\n',
    message: (path) =>
      `config ${path}: duckdb.performance.base_threads = "many": expected a whole number from 1 to 1024`,
  },
  {
    name: "out of range (base_threads = 0)",
    toml: "[duckdb.performance]\nbase_threads = 0\n",
    message: (path) =>
      `config ${path}: duckdb.performance.base_threads = 0: expected a whole number from 1 to 1024`,
  },
  {
    name: "not a whole number",
    toml: "[duckdb.performance]\nbase_threads = 1.5\n",
    message: (path) =>
      `config ${path}: duckdb.performance.base_threads = 1.5: expected a whole number from 1 to 1024`,
  },
  {
    name: "memory_limit in parsecs",
    toml: '[duckdb.performance]\nmemory_limit = "12 parsecs"\n',
    message: (path) =>
      `config ${path}: duckdb.performance.memory_limit = "12 parsecs": expected a size like "16GB" or "512MB", or a share of physical memory like "80%"`,
  },
  {
    name: "memory_limit over 100%",
    toml: '[duckdb.performance]\nmemory_limit = "150%"\n',
    message: (path) =>
      `config ${path}: duckdb.performance.memory_limit = "150%": expected a size like "16GB" or "512MB", or a share of physical memory like "80%"`,
  },
  {
    name: "unknown enum value",
    toml: '[duckdb.performance]\nio_type = "fast"\n',
    message: (path) =>
      `config ${path}: duckdb.performance.io_type = "fast": expected one of local, remote, adaptive`,
  },
  {
    name: "boolean given as a number",
    toml: "[duckdb.tuning]\nenable_profiling = 1\n",
    message: (path) => `config ${path}: duckdb.tuning.enable_profiling = 1: expected true or false`,
  },
  {
    name: "unknown key",
    toml: "[repl]\nmax_row = 3\n",
    message: (path) => `config ${path}: unknown key repl.max_row; did you mean repl.max_rows?`,
  },
];

for (const bad of badFiles) {
  Deno.test(`config file, ${bad.name}: exit 2, one line naming file and key`, async () => {
    const path = await configFile(`${bad.name.replace(/\W+/g, "_")}.toml`, bad.toml);
    const run = await noctra(["--config", path, "-c", "SELECT 1"]);
    assertOneLineFailure(run, 2, /./);
    strictEqual(run.stderr, `noctra: error: ${bad.message(path)}\n`);
  });
}

Deno.test("config file, unknown section: exit 2, one line naming file and section", async () => {
  const path = await configFile("section.toml", "[rpl]\nmax_rows = 3\n");
  const run = await noctra(["--config", path, "-c", "SELECT 1"]);
  assertOneLineFailure(
    run,
    2,
    new RegExp(`^noctra: error: config ${path}: unknown section \\[rpl\\]; did you mean repl`),
  );
});

Deno.test("--config naming a directory or a missing file: exit 2, one line", async () => {
  const [directory, missing] = await Promise.all([
    noctra(["--config", dir, "-c", "SELECT 1"]),
    noctra(["--config", `${dir}/missing.toml`, "-c", "SELECT 1"]),
  ]);
  assertOneLineFailure(directory, 2, /./);
  strictEqual(directory.stderr, `noctra: error: config ${dir}: cannot read it (is a directory)\n`);
  assertOneLineFailure(missing, 2, /./);
  strictEqual(
    missing.stderr,
    `noctra: error: config ${dir}/missing.toml: cannot read it (no such file)\n`,
  );
});

Deno.test("bad flags and environment values: exit 2, one line naming the key", async () => {
  const [allowRead, threadsZero, threadsText, envThreads, envMemory] = await Promise.all([
    noctra([`--allow-read=${dir}/no-such-dir`, "-c", "SELECT 1"]),
    noctra(["--threads", "0", "-c", "SELECT 1"]),
    noctra(["--threads", "abc", "-c", "SELECT 1"]),
    noctra(["-c", "SELECT 1"], { env: { NOCTRA_THREADS: "abc" } }),
    noctra(["-c", "SELECT 1"], { env: { NOCTRA_MEMORY_LIMIT: "lots" } }),
  ]);
  assertOneLineFailure(allowRead, 2, /./);
  strictEqual(
    allowRead.stderr,
    `noctra: error: --allow-read=${dir}/no-such-dir: no such directory\n`,
  );
  assertOneLineFailure(
    threadsZero,
    2,
    /^noctra: error: .*duckdb\.performance\.base_threads = "0": expected a whole number from 1 to 1024\n$/,
  );
  assertOneLineFailure(
    threadsText,
    2,
    /^noctra: error: .*duckdb\.performance\.base_threads = "abc": expected a whole number/,
  );
  assertOneLineFailure(envThreads, 2, /./);
  strictEqual(
    envThreads.stderr,
    'noctra: error: environment NOCTRA_THREADS: duckdb.performance.base_threads = "abc": expected a whole number from 1 to 1024\n',
  );
  assertOneLineFailure(
    envMemory,
    2,
    /^noctra: error: environment NOCTRA_MEMORY_LIMIT: duckdb\.performance\.memory_limit = "lots": expected a size/,
  );
});

Deno.test("SET repl.max_rows = -1 in a session fails the statement (exit 1, one line)", async () => {
  const run = await noctra(["--format", "csv", "-c", "SET repl.max_rows = -1", "-c", "SELECT 1"]);
  assertOneLineFailure(run, 1, /^noctra: error: -c\[1\]:1: .*repl\.max_rows.*\n$/);
});

Deno.test("SET repl.max_rows = 'x' in a session fails the statement (exit 1, one line)", async () => {
  const run = await noctra(["--format", "csv", "-c", "SET repl.max_rows = 'x'", "-c", "SELECT 1"]);
  assertOneLineFailure(
    run,
    1,
    /^noctra: error: -c\[1\]:1: SET: repl\.max_rows = "x": expected a whole number from 0 to \d+\n$/,
  );
});

Deno.test("SET with an out-of-range value fails the statement (exit 1, one line)", async () => {
  const run = await noctra(["-c", "SET duckdb.performance.base_threads = 0"]);
  assertOneLineFailure(
    run,
    1,
    /^noctra: error: -c:1: SET: duckdb\.performance\.base_threads = 0: expected a whole number from 1 to 1024\n$/,
  );
});

// ---- 4. EXPLAIN ANALYZE and profiling -------------------------------------------------------

Deno.test("EXPLAIN ANALYZE prints DuckDB's plan text as-is in the table format", async () => {
  const run = await noctra([
    "-c",
    `EXPLAIN ANALYZE SELECT count(*) FROM '${FIXTURES}/airports.csv'`,
  ]);
  strictEqual(run.code, 0, run.stderr);
  strictEqual(run.stderr, "");
  match(run.stdout, /^┌─+┐\n│┌─+┐│\n││ +Query Profiling Information +││\n/);
  match(run.stdout, /│ +TABLE_SCAN +│/);
  match(run.stdout, /│ +3,376 rows +│/);
  ok(run.stdout.includes("└─────────────┬─────────────┘"), "plan boxes are kept");
  // Not rendered as a table of explain_key/explain_value with the plan in one cell.
  ok(!run.stdout.includes("explain_key"), run.stdout);
  ok(!run.stdout.includes("analyzed_plan"), run.stdout);
  ok(!/rows? +\d+ columns?\n$/.test(run.stdout), "no table footer");
});

Deno.test("enable_profiling = true prints one profile line per query on stderr", async () => {
  const path = await configFile("profile.toml", "[duckdb.tuning]\nenable_profiling = true\n");
  const run = await noctra([
    "--config",
    path,
    "--threads",
    "2",
    "--format",
    "csv",
    "-c",
    `SELECT count(*) AS n FROM '${FIXTURES}/airports.csv'`,
    "-c",
    "SELECT range AS r FROM range(3)",
  ]);
  strictEqual(run.code, 0, run.stderr);
  strictEqual(run.stdout, "n\n3376\nr\n0\n1\n2\n");
  const profile = lines(run.stderr);
  strictEqual(profile.length, 2, run.stderr);
  match(profile[0]!, /^profile: \d+(\.\d+)? ms, 1 rows?, 2 threads, peak RSS \d+(\.\d+)? MB$/);
  match(profile[1]!, /^profile: \d+(\.\d+)? ms, 3 rows, 2 threads, peak RSS \d+(\.\d+)? MB$/);
});

Deno.test("without enable_profiling there is no profile line", async () => {
  const run = await noctra(["--format", "csv", "-c", "SELECT 1 AS a"]);
  deepStrictEqual(run, { code: 0, stdout: "a\n1\n", stderr: "" });
});

// ---- 5. PerformanceConfig -------------------------------------------------------------------

Deno.test("PerformanceConfig: adaptive multiplies threads for remote paths only", () => {
  const config = new PerformanceConfig(8, 3.0, "adaptive");
  strictEqual(config.threadsFor([]), 8);
  strictEqual(config.threadsFor(["data/local.csv"]), 8);
  strictEqual(config.threadsFor(["/abs/events.parquet", "rel/x.json"]), 8);
  strictEqual(config.threadsFor(["s3://bucket/events.parquet"]), 24);
  strictEqual(config.threadsFor(["https://example.com/data.csv"]), 24);
  strictEqual(config.threadsFor(["gs://bucket/part-*.parquet"]), 24);
  strictEqual(config.threadsFor(["data/local.csv", "S3://Bucket/x.parquet"]), 24);
});

Deno.test("PerformanceConfig: local is always base threads, remote always multiplied", () => {
  const local = new PerformanceConfig(8, 3.0, "local");
  const remote = new PerformanceConfig(8, 3.0, "remote");
  for (const paths of [[], ["data/local.csv"], ["s3://b/x.parquet"], ["https://h/x.csv"]]) {
    strictEqual(local.threadsFor(paths), 8, JSON.stringify(paths));
    strictEqual(remote.threadsFor(paths), 24, JSON.stringify(paths));
  }
});

// ---- 6. remote paths without a network ------------------------------------------------------

Deno.test("a remote path fails quickly with one line about httpfs and network access", async () => {
  const started = performance.now();
  const command = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-all",
      `${ROOT}main.ts`,
      "-c",
      "SELECT * FROM 'https://example.com/data.csv'",
    ],
    cwd: ROOT,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: {
      NO_COLOR: "1",
      XDG_CONFIG_HOME: emptyConfigHome,
      XDG_STATE_HOME: await Deno.makeTempDir({ prefix: "noctra-state-" }),
    },
    // If DuckDB hangs on the network, the child is killed after 60 s and the test fails.
    signal: AbortSignal.timeout(60_000),
  });
  const output = await command.output();
  const elapsed = performance.now() - started;
  const run: CliRun = {
    code: output.code,
    stdout: new TextDecoder().decode(output.stdout),
    stderr: new TextDecoder().decode(output.stderr),
  };
  ok(output.signal === null, `killed after ${elapsed.toFixed(0)} ms: DuckDB hung on the network`);
  assertOneLineFailure(
    run,
    1,
    /^noctra: error: -c:1: https:\/\/example\.com\/data\.csv: remote paths need DuckDB's httpfs extension.*network access/,
  );
  ok(elapsed < 30_000, `took ${elapsed.toFixed(0)} ms`);
});

Deno.test("--config /dev/null is an empty configuration (a character device, not a FIFO)", async () => {
  const run = await runNoctra(["--config", "/dev/null", "--format", "csv", "-c", "SELECT 1 AS ok"]);
  strictEqual(run.stderr, "");
  strictEqual(run.code, 0);
  strictEqual(run.stdout, "ok\n1\n");
});
