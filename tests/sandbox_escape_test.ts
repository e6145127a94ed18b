/**
 * The sandbox escape corpus (issue 9): several hundred attempts, in categories, to read a secret
 * outside the sandbox, to write outside the writable directory (or into the read-only one), to
 * reach the network, or to plant something a later unsandboxed session runs. Each attempt runs
 * twice: under the kernel layer (Landlock, the default here) and with
 * `NOCTRA_SANDBOX_LAYER=duckdb-only` (DuckDB's confinement and Noctra's checks alone).
 *
 * An attempt **escapes** when the secret marker reaches stdout or stderr (or a file in the
 * writable directory), a file outside the writable directory is created or changed (everything
 * outside it is snapshotted), the loopback server sees its request, or a later unsandboxed
 * session runs something it planted. It is **refused** when its statement fails with an error
 * line and nothing escaped.
 *
 * - Kernel layer: every attempt is refused (one error line), except the documented lists
 *   {@link KERNEL_ESCAPES} and {@link NOT_REFUSED}.
 * - DuckDB-only layer: the attempts that escape are exactly {@link DUCKDB_ONLY_ESCAPES} — a
 *   regression in either direction fails.
 *
 * Attempts are batched: one process per category and layer, `--continue-on-error`, one `-c`
 * per attempt, each after a sentinel `SELECT 'attempt N'` so output is told apart per attempt
 * (errors name their `-c[N]`). Attempts that change session state run in a process each.
 *
 * @module
 */
import { deepStrictEqual, match, ok, strictEqual } from "node:assert/strict";
import {
  type Attempt,
  buildTemplates,
  type Category,
  changes,
  expand,
  type Layer,
  LOOKALIKE,
  LoopbackServer,
  makeTree,
  MARKER,
  PASSWD_MARKER,
  pool,
  type ProcessRun,
  runProcess,
  snapshot,
  type Tree,
} from "./_escape.ts";

const BASE = Deno.realPathSync(await Deno.makeTempDir({ prefix: "noctra-escape-" }));
const DENO_DIR = await denoDir();
const LAYERS: readonly Layer[] = ["landlock", "duckdb-only"];
const WARNING =
  "noctra: warning: NOCTRA_SANDBOX_LAYER=duckdb-only: no operating-system sandbox; DuckDB's own confinement and Noctra's checks apply, see docs/SECURITY.md";

async function denoDir(): Promise<string> {
  const output = await new Deno.Command(Deno.execPath(), { args: ["info", "--json"] }).output();
  return (JSON.parse(new TextDecoder().decode(output.stdout)) as { denoDir: string }).denoDir;
}

/** Shorthand for an attempt. */
function a(name: string, sql: string, more: Omit<Attempt, "name" | "sql"> = {}): Attempt {
  return { name, sql, ...more };
}
/** A write whose target (relative to the tree) must not appear. */
function w(name: string, sql: string, touches: string, more: Omit<Attempt, "name" | "sql"> = {}) {
  return a(name, sql, { touches: [touches], ...more });
}

// ---- the corpus -------------------------------------------------------------------------------

const paths: Category = {
  name: "paths",
  homeOutside: true,
  attempts: [
    a("paths/dotdot-absolute", "SELECT * FROM '{R}/../outside/secret.csv'"),
    a("paths/relative-outside", "SELECT * FROM 'outside/secret.csv'"),
    a("paths/relative-dotdot", "SELECT * FROM 'ro/../outside/secret.csv'"),
    a("paths/dot-segments", "SELECT * FROM '{R}/./../outside/./secret.csv'"),
    a("paths/double-slashes", "SELECT * FROM '{R}//..//outside//secret.csv'"),
    a("paths/dotdot-from-rw", "SELECT * FROM '{W}/../outside/secret.csv'"),
    a("paths/absolute", "SELECT * FROM '{O}/secret.csv'"),
    a("paths/symlink-in-ro", "SELECT * FROM '{R}/link.csv'"),
    a("paths/symlink-in-rw", "SELECT * FROM '{W}/link.csv'"),
    a("paths/symlinked-dir-ro", "SELECT * FROM '{R}/linkdir/secret.csv'"),
    a("paths/symlinked-dir-rw", "SELECT * FROM read_csv('{W}/linkdir/secret.csv')"),
    a("paths/glob-through-symlink", "SELECT * FROM '{R}/*/secret.csv'"),
    a("paths/recursive-glob", "SELECT * FROM '{R}/**/secret.csv'"),
    a("paths/glob-of-symlink-prefix", "SELECT * FROM read_csv('{R}/link*')"),
    a("paths/glob-fn-symlinked-dir", "SELECT * FROM glob('{R}/linkdir/*')"),
    a("paths/glob-fn-outside", "SELECT * FROM glob('{O}/*')"),
    a("paths/list-with-outside", "SELECT * FROM read_csv(['{R}/data.csv', '{O}/secret.csv'])"),
    a("paths/file-uri-triple-slash", "SELECT * FROM 'file://{O}/secret.csv'"),
    a("paths/file-uri-no-slash", "SELECT * FROM 'file:{O}/secret.csv'"),
    a("paths/file-uri-localhost", "SELECT * FROM read_text('file://localhost{O}/secret.csv')"),
    a("paths/file-uri-relative", "SELECT * FROM read_text('file:outside/secret.csv')"),
    a("paths/file-uri-upper", "SELECT * FROM read_text('FILE://{O}/secret.csv')"),
    a("paths/tilde-read-csv", "SELECT * FROM read_csv('~/secret.csv')"),
    a("paths/tilde-read-text", "SELECT * FROM read_text('~/secret.csv')"),
    a("paths/tilde-replacement-scan", "SELECT * FROM '~/secret.csv'"),
    a("paths/two-dot-leader", "SELECT * FROM '{R}/\u2025/outside/secret.csv'"),
    a("paths/fullwidth-dots", "SELECT * FROM '{R}/\uff0e\uff0e/outside/secret.csv'"),
    a("paths/division-slash", "SELECT * FROM '{R}/..\u2215outside\u2215secret.csv'"),
    a("paths/lookalike-dir", "SELECT * FROM '{L}/secret.csv'"),
    a("paths/lookalike-dir-glob", "SELECT * FROM read_text('{L}/*.csv')"),
    a("paths/proc-self-root", "SELECT * FROM '/proc/self/root{O}/secret.csv'"),
    a("paths/proc-self-cwd", "SELECT * FROM '/proc/self/cwd/outside/secret.csv'"),
    a("paths/proc-thread-self-root", "SELECT * FROM '/proc/thread-self/root{O}/secret.csv'"),
    a("paths/proc-self-cwd-symlink", "SELECT * FROM read_text('/proc/self/cwd/ro/link.csv')"),
    a("paths/proc-1-root", "SELECT * FROM read_blob('/proc/1/root{O}/secret.csv')"),
    a("paths/describe-symlinked-dir", "DESCRIBE SELECT * FROM '{R}/linkdir/secret.csv'"),
    a("paths/json-outside", "SELECT * FROM read_json('{O}/secret.json')"),
    a("paths/default-temp-of-cwd", "SELECT * FROM '{T}/.tmp/secret.csv'"),
    w("paths/write-dotdot-ro", "COPY (SELECT 1 AS x) TO '{R}/../outside/pw01.csv'", "outside/pw01"),
    w("paths/write-dotdot-rw", "COPY (SELECT 1 AS x) TO '{W}/../outside/pw02.csv'", "outside/pw02"),
    w(
      "paths/write-symlinked-dir",
      "COPY (SELECT 1 AS x) TO '{W}/linkdir/pw03.csv'",
      "outside/pw03",
    ),
    w(
      "paths/write-dangling-symlink-rw",
      "COPY (SELECT 1 AS x) TO '{W}/dangle.csv'",
      "outside/dangle-rw.csv",
    ),
    w(
      "paths/write-dangling-symlink-ro",
      "COPY (SELECT 1 AS x) TO '{R}/dangle.csv'",
      "outside/dangle-ro.csv",
    ),
    w("paths/write-file-uri", "COPY (SELECT 1 AS x) TO 'file://{O}/pw05.csv'", "outside/pw05"),
    w(
      "paths/write-file-uri-no-slash",
      "COPY (SELECT 1 AS x) TO 'file:{O}/pw06.csv'",
      "outside/pw06",
    ),
    w("paths/write-tilde", "COPY (SELECT 1 AS x) TO '~/pw07.csv'", "outside/pw07"),
    w(
      "paths/write-proc-self-cwd",
      "COPY (SELECT 1 AS x) TO '/proc/self/cwd/outside/pw08.csv'",
      "outside/pw08",
    ),
    w(
      "paths/write-proc-self-root-ro",
      "COPY (SELECT 1 AS x) TO '/proc/self/root{R}/pw09.csv'",
      "ro/pw09",
    ),
    w("paths/write-rw-dotdot-ro", "COPY (SELECT 1 AS x) TO '{W}/../ro/pw10.csv'", "ro/pw10"),
    w("paths/write-lookalike-dir", "COPY (SELECT 1 AS x) TO '{L}/pw11.csv'", `${LOOKALIKE}/pw11`),
    w("paths/write-relative-cwd", "COPY (SELECT 1 AS x) TO 'pw12.csv'", "pw12"),
    w(
      "paths/write-symlinked-dir-ro",
      "COPY (SELECT 1 AS x) TO '{R}/linkdir/pw13.csv'",
      "outside/pw13",
    ),
    // A hard link in the writable directory to a file outside, made beforehand by someone who
    // could write there: writing in place through it changes the file outside.
    w(
      "paths/write-through-hard-link",
      "COPY (SELECT 'pwned' AS v) TO '{W}/hl.csv' (USE_TMP_FILE false)",
      "outside/victim-hl.csv",
    ),
  ],
};

const statements: Category = {
  name: "statements",
  attempts: [
    w("stmt/copy-csv-ro", "COPY (SELECT 1 AS x) TO '{R}/s01.csv'", "ro/s01"),
    w("stmt/copy-csv-outside", "COPY (SELECT 1 AS x) TO '{O}/s02.csv'", "outside/s02"),
    w(
      "stmt/copy-parquet-ro",
      "COPY (SELECT 1 AS x) TO '{R}/s03.parquet' (FORMAT parquet)",
      "ro/s03",
    ),
    w(
      "stmt/copy-parquet-outside",
      "COPY (SELECT 1 AS x) TO '{O}/s04.parquet' (FORMAT parquet)",
      "outside/s04",
    ),
    w("stmt/copy-json-ro", "COPY (SELECT 1 AS x) TO '{R}/s05.json' (FORMAT json)", "ro/s05"),
    w(
      "stmt/copy-json-outside",
      "COPY (SELECT 1 AS x) TO '{O}/s06.json' (FORMAT json, ARRAY true)",
      "outside/s06",
    ),
    w("stmt/copy-table-ro", "COPY s07 TO '{R}/s07.csv'", "ro/s07", {
      setup: ["CREATE TABLE s07 AS SELECT 1 AS x"],
    }),
    w("stmt/copy-double-quoted", 'COPY (SELECT 1 AS x) TO "{R}/s08.csv"', "ro/s08"),
    w("stmt/copy-dollar-quoted", "COPY (SELECT 1 AS x) TO $${R}/s09.csv$$", "ro/s09"),
    w("stmt/copy-tagged-dollar", "COPY (SELECT 1 AS x) TO $q${R}/s10.csv$q$", "ro/s10"),
    w("stmt/copy-lowercase", "copy (select 1 as x) to '{R}/s11.csv' (format 'csv')", "ro/s11"),
    w("stmt/copy-comments", "COPY/**/(SELECT 1 AS x)/**/TO/**/'{R}/s12.csv'", "ro/s12"),
    w("stmt/copy-escape-string", "COPY (SELECT 1 AS x) TO E'{R}/s13.csv'", "ro/s13"),
    w("stmt/copy-gzip", "COPY (SELECT 1 AS x) TO '{R}/s14.csv.gz' (COMPRESSION gzip)", "ro/s14"),
    w(
      "stmt/copy-partitioned-ro",
      "COPY (SELECT 1 AS x) TO '{R}/s15' (FORMAT csv, PARTITION_BY (x))",
      "ro/s15",
    ),
    w(
      "stmt/copy-partition-pattern-ro",
      "COPY (SELECT 1 AS x, 2 AS y) TO '{W}/s16' (FORMAT csv, PARTITION_BY (x), FILENAME_PATTERN '../../../ro/s16_{i}')",
      "ro/s16",
    ),
    w(
      "stmt/copy-partition-pattern-outside",
      "COPY (SELECT 1 AS x, 2 AS y) TO '{W}/s17' (FORMAT csv, PARTITION_BY (x), FILENAME_PATTERN '../../../outside/s17_{i}')",
      "outside/s17",
    ),
    w(
      "stmt/copy-per-thread-pattern",
      "COPY (SELECT 1 AS x) TO '{W}/s18' (FORMAT parquet, PER_THREAD_OUTPUT, FILENAME_PATTERN '../../ro/s18_{i}')",
      "ro/s18",
    ),
    w(
      "stmt/copy-overwrite-or-ignore",
      "COPY (SELECT 1 AS x) TO '{R}/s19.csv' (OVERWRITE_OR_IGNORE)",
      "ro/s19",
    ),
    w(
      "stmt/copy-no-tmp-file",
      "COPY (SELECT 1 AS x) TO '{R}/s20.csv' (USE_TMP_FILE false)",
      "ro/s20",
    ),
    w(
      "stmt/copy-file-extension",
      "COPY (SELECT 1 AS x) TO '{W}/s21' (FORMAT csv, PARTITION_BY (x), FILE_EXTENSION '/../../../ro/s21')",
      "ro/s21",
    ),
    w(
      "stmt/copy-file-size-bytes",
      "COPY (FROM range(3)) TO '{R}/s31' (FILE_SIZE_BYTES 1)",
      "ro/s31",
    ),
    w(
      "stmt/copy-with-options",
      "COPY (SELECT 1 AS x) TO '{R}/s32.csv' WITH (FORMAT csv)",
      "ro/s32",
    ),
    w(
      "stmt/explain-analyze-copy-ro",
      "EXPLAIN ANALYZE COPY (SELECT 1 AS x) TO '{R}/s22.csv'",
      "ro/s22",
    ),
    w(
      "stmt/explain-paren-analyze-copy",
      "EXPLAIN (ANALYZE) COPY (SELECT 1 AS x) TO '{R}/s23.csv'",
      "ro/s23",
    ),
    w(
      "stmt/explain-analyze-copy-outside",
      "EXPLAIN ANALYZE COPY (SELECT 1 AS x) TO '{O}/s24.csv'",
      "outside/s24",
    ),
    w(
      "stmt/explain-analyze-json-copy",
      "EXPLAIN (ANALYZE, FORMAT json) COPY (SELECT 1 AS x) TO '{R}/s25.csv'",
      "ro/s25",
    ),
    w("stmt/prepare-copy-ro", "EXECUTE s26", "ro/s26", {
      setup: ["PREPARE s26 AS COPY (SELECT 1 AS x) TO '{R}/s26.csv'"],
    }),
    w("stmt/prepare-copy-outside", "EXECUTE s27", "outside/s27", {
      setup: ["PREPARE s27 AS COPY (SELECT 1 AS x) TO '{O}/s27.csv'"],
    }),
    w("stmt/copy-to-variable-ro", "COPY (SELECT 1 AS x) TO #s28", "ro/s28", {
      setup: ["LET s28 = '{R}/s28.csv'"],
    }),
    w("stmt/copy-to-variable-relative", "COPY (SELECT 1 AS x) TO #s29", "outside/s29", {
      setup: ["LET s29 = 'outside/s29.csv'"],
    }),
    w("stmt/explain-copy-to-variable", "EXPLAIN ANALYZE COPY (SELECT 1 AS x) TO #s30", "ro/s30", {
      setup: ["LET s30 = '{R}/s30.csv'"],
    }),
    w("stmt/export-database-ro", "EXPORT DATABASE '{R}/s33'", "ro/s33"),
    w("stmt/export-database-outside", "EXPORT DATABASE '{O}/s34'", "outside/s34"),
    w("stmt/export-database-named", "EXPORT DATABASE memory TO '{R}/s35'", "ro/s35"),
    w("stmt/export-database-parquet", "EXPORT DATABASE '{R}/s36' (FORMAT parquet)", "ro/s36"),
    a("stmt/import-database-outside", "IMPORT DATABASE '{O}/dbdir'", {
      touches: ["ro/imported", "outside/imported"],
    }),
    w("stmt/attach-duckdb-ro", "ATTACH '{R}/s38.duckdb' AS s38", "ro/s38"),
    w("stmt/attach-duckdb-outside", "ATTACH '{O}/s39.duckdb' AS s39", "outside/s39"),
    w(
      "stmt/attach-if-not-exists-ro",
      "ATTACH IF NOT EXISTS '{R}/s40.duckdb' AS s40 (READ_ONLY false)",
      "ro/s40",
    ),
    w("stmt/attach-read-only-false", "ATTACH '{R}/s41.duckdb' AS s41 (READ_ONLY false)", "ro/s41"),
    w(
      "stmt/attach-sqlite-create-ro",
      "ATTACH '{R}/s42.sqlite' AS s42 (TYPE SQLITE, CREATE)",
      "ro/s42",
    ),
    w(
      "stmt/attach-sqlite-create-outside",
      "ATTACH '{O}/s43.sqlite' AS s43 (TYPE SQLITE, CREATE)",
      "outside/s43",
    ),
    w(
      "stmt/attach-sqlite-file-uri",
      "ATTACH 'file://{O}/s44.sqlite' AS s44 (TYPE SQLITE, CREATE)",
      "outside/s44",
    ),
    w(
      "stmt/attach-sqlite-file-colon",
      "ATTACH 'file:{O}/s45.db' AS s45 (TYPE SQLITE, CREATE)",
      "outside/s45",
    ),
    w("stmt/sqlite-write-ro-db", "CREATE TABLE s46.pwn (x INTEGER)", "ro/db1.sqlite", {
      setup: ["ATTACH '{R}/db1.sqlite' AS s46 (TYPE SQLITE)"],
    }),
    w("stmt/sqlite-insert-ro-db", "INSERT INTO s47.t VALUES (2, 'two')", "ro/db2.sqlite", {
      setup: ["ATTACH '{R}/db2.sqlite' AS s47 (TYPE SQLITE, READ_ONLY false)"],
    }),
    a("stmt/sqlite-read-outside", "SELECT * FROM s48.secrets", {
      setup: ["ATTACH '{O}/secret.db' AS s48 (TYPE SQLITE, READ_ONLY)"],
    }),
    a("stmt/duckdb-read-outside", "SELECT * FROM s49.t", {
      setup: ["ATTACH '{O}/secret.duckdb' AS s49 (READ_ONLY)"],
    }),
    w("stmt/attach-duckdb-prefix", "ATTACH 'duckdb:{R}/s50.duckdb' AS s50", "ro/s50"),
    w("stmt/attach-sqlite-prefix", "ATTACH 'sqlite:{O}/s51.db' AS s51", "outside/s51"),
    w("stmt/attach-type-duckdb", "ATTACH '{R}/s52.duckdb' AS s52 (TYPE DUCKDB)", "ro/s52"),
    a("stmt/sqlite-symlink-read", "SELECT * FROM s53.secrets", {
      setup: ["ATTACH '{R}/link.db' AS s53 (TYPE SQLITE, READ_ONLY)"],
    }),
    w(
      "stmt/attach-if-not-exists-outside",
      "ATTACH IF NOT EXISTS '{O}/s54.duckdb' AS s54",
      "outside/s54",
    ),
    a("stmt/table-macro-read-text", "SELECT * FROM s55('{O}/secret.csv')", {
      setup: ["CREATE MACRO s55(p) AS TABLE SELECT * FROM read_text(p)"],
    }),
    a("stmt/view-over-read-csv", "SELECT * FROM s56", {
      setup: ["CREATE VIEW s56 AS SELECT * FROM read_csv('{O}/secret.csv')"],
    }),
    a("stmt/table-macro-glob", "SELECT * FROM s57()", {
      setup: ["CREATE MACRO s57() AS TABLE SELECT * FROM glob('{O}/*')"],
    }),
    a("stmt/sniff-csv", "SELECT * FROM sniff_csv('{O}/secret.csv')"),
    a("stmt/parquet-metadata", "SELECT * FROM parquet_metadata('{O}/secret.parquet')"),
    a("stmt/parquet-kv-metadata", "SELECT * FROM parquet_kv_metadata('{O}/secret.parquet')"),
    a("stmt/read-blob", "SELECT * FROM read_blob('{O}/secret.csv')"),
    a("stmt/scalar-macro-read-text", "SELECT s62('{O}/secret.csv') AS c", {
      setup: ["CREATE MACRO s62(p) AS (SELECT content FROM read_text(p))"],
    }),
    a("stmt/query-function", "SELECT * FROM query('SELECT * FROM ''{O}/secret.csv''')"),
    a("stmt/query-table-function", "SELECT * FROM query_table('{O}/secret.csv')"),
    a("stmt/summarize", "SUMMARIZE SELECT * FROM '{O}/secret.csv'"),
    a("stmt/copy-from-outside", "COPY s66 FROM '{O}/secret.csv'", {
      setup: ["CREATE TABLE s66 (secret VARCHAR)"],
    }),
    a("stmt/read-parquet", "SELECT * FROM read_parquet('{O}/secret.parquet')"),
    a("stmt/from-first-symlinked-dir", "FROM '{R}/linkdir/secret.parquet'"),
    a("stmt/macro-sniff-symlink", "FROM s69('{R}/link.csv')", {
      setup: ["CREATE MACRO s69(p) AS TABLE SELECT * FROM sniff_csv(p)"],
    }),
    a(
      "stmt/union-with-outside",
      "SELECT * FROM read_csv('{R}/data.csv') UNION ALL SELECT * FROM read_csv('{O}/secret.csv')",
    ),
  ],
};

/** Attempts that change session-wide state: a process each, so they cannot disturb others. */
const settings: Category = {
  name: "settings",
  isolate: true,
  attempts: [
    w("set/pragma-profiling-output-ro", "SELECT 42 AS x", "ro/g01", {
      setup: ["PRAGMA enable_profiling = 'json'", "PRAGMA profiling_output = '{R}/g01.json'"],
    }),
    w("set/pragma-profiling-output-outside", "SELECT 42 AS x", "outside/g02", {
      setup: ["PRAGMA enable_profiling = 'json'", "PRAGMA profiling_output = '{O}/g02.json'"],
    }),
    w("set/set-profiling-output-ro", "SET profiling_output = '{R}/g03.json'", "ro/g03", {
      setup: ["SET enable_profiling = 'json'"],
    }),
    w("set/pragma-profile-output-alias", "SELECT 42 AS x", "ro/g07", {
      setup: ["PRAGMA enable_profiling = 'query_tree'", "PRAGMA profile_output = '{R}/g07.txt'"],
    }),
    // enable_logging to a file is refused under the sandbox (DuckDB's log writer aborted the
    // process at exit when the kernel refused its directory).
    w(
      "set/enable-logging-file-ro",
      "CALL enable_logging(storage = 'file', storage_path = '{R}/g04')",
      "ro/g04",
    ),
    w(
      "set/enable-logging-file-outside",
      "CALL enable_logging(storage = 'file', storage_path = '{O}/g05')",
      "outside/g05",
    ),
    w(
      "set/enable-logging-storage-config",
      "CALL enable_logging(storage = 'file', storage_config = {'path': '{R}/g06'})",
      "ro/g06",
    ),
    w("set/temp-directory-outside", "SET temp_directory = '{O}/g08'", "outside/g08"),
    a("set/reset-temp-directory", "RESET temp_directory"),
    a("set/allowed-directories-root", "SET allowed_directories = ['/']"),
    a("set/reset-allowed-directories", "RESET allowed_directories"),
    a("set/enable-external-access", "SET enable_external_access = true"),
    a("set/reset-enable-external-access", "RESET enable_external_access"),
    a("set/global-enable-external-access", "SET GLOBAL enable_external_access = true"),
    w("set/extension-directory", "SET extension_directory = '{O}/g14'", "outside/g14"),
    w("set/secret-directory", "SET secret_directory = '{O}/g15'", "outside/g15"),
    a("set/home-directory", "SET home_directory = '{O}'"),
    a("set/allowed-paths", "SET allowed_paths = ['{O}/secret.csv']"),
    a("set/custom-extension-repository", "INSTALL httpfs", {
      setup: ["SET custom_extension_repository = '{O}'"],
    }),
    a("set/read-after-reset-all", "SELECT * FROM '{O}/secret.csv'", { setup: ["RESET ALL"] }),
    a("set/read-after-home-directory", "SELECT * FROM '~/secret.csv'", {
      setup: ["SET home_directory = '{O}'"],
    }),
    a("set/load-httpfs", "LOAD httpfs"),
    a("set/install-httpfs", "INSTALL httpfs"),
    a("set/force-install", "FORCE INSTALL httpfs"),
    a("set/update-extensions", "UPDATE EXTENSIONS"),
    a("set/load-file-ro", "LOAD '{R}/x.duckdb_extension'"),
    a("set/install-file-outside", "INSTALL '{O}/x.duckdb_extension'"),
  ],
};

const sqliteNative: Category = {
  name: "sqlite",
  flags: ["--engine", "sqlite"],
  // Under --engine sqlite a statement must name an attachment: `base` (in rw/) is one.
  prelude: [
    "ATTACH '{W}/base.sqlite' AS base (TYPE SQLITE, CREATE)",
    "CREATE TABLE base.one (x INTEGER)",
    "INSERT INTO base.one VALUES (1)",
  ],
  sentinel: "SELECT 'attempt {N}' AS noctra_attempt FROM base.one",
  attempts: [
    w("sqlite/attach-parenthesized", "ATTACH ('{O}/q01.db') AS q01", "outside/q01"),
    w("sqlite/attach-outside", "ATTACH '{O}/q02.db' AS q02", "outside/q02"),
    w("sqlite/attach-uri-mode-rwc", "ATTACH 'file:{O}/q03.db?mode=rwc' AS q03", "outside/q03"),
    w("sqlite/attach-uri-authority", "ATTACH 'file://{O}/q04.db?mode=rwc' AS q04", "outside/q04"),
    w(
      "sqlite/attach-uri-extra-slash",
      "ATTACH 'file:///{O}/q27.db?mode=rwc' AS q27",
      "outside/q27",
    ),
    w("sqlite/attach-concatenation", "ATTACH '{O}' || '/q05.db' AS q05", "outside/q05"),
    w("sqlite/attach-replace", "ATTACH replace('{O}/XX.db', 'XX', 'q06') AS q06", "outside/q06"),
    w("sqlite/attach-char", "ATTACH char(47) || substr('{O}/q23.db', 2) AS q23", "outside/q23"),
    w("sqlite/attach-dotdot", "ATTACH ('{W}/../outside/q22.db') AS q22", "outside/q22"),
    w("sqlite/attach-dangling-symlink", "ATTACH '{W}/dangle.csv' AS q26", "outside/dangle-rw.csv"),
    w("sqlite/vacuum-into-outside", "VACUUM base INTO '{O}/q07.db'", "outside/q07"),
    w("sqlite/vacuum-into-lower", "VACUUM q08 INTO lower('{O}/Q08.DB')", "outside/q08", {
      setup: ["ATTACH '{R}/db3.sqlite' AS q08 (TYPE SQLITE, READ_ONLY)"],
    }),
    w("sqlite/vacuum-into-ro", "VACUUM base INTO '{R}/q09.db'", "ro/q09"),
    w("sqlite/vacuum-into-printf", "VACUUM base INTO printf('%s/q10.db', '{O}')", "outside/q10"),
    w("sqlite/vacuum-concat", "VACUUM base INTO '{O}' || '/q11.db'", "outside/q11"),
    w("sqlite/vacuum-attached-into-ro", "VACUUM q24 INTO '{R}/q24.db'", "ro/q24", {
      setup: ["ATTACH '{R}/db6.sqlite' AS q24 (TYPE SQLITE, READ_ONLY)"],
    }),
    a("sqlite/read-outside", "SELECT * FROM q12.secrets", {
      setup: ["ATTACH '{O}/secret.db' AS q12"],
    }),
    a("sqlite/read-uri-ro", "SELECT * FROM q13.secrets", {
      setup: ["ATTACH 'file:{O}/secret.db?mode=ro' AS q13"],
    }),
    a("sqlite/read-uri-immutable", "SELECT * FROM q14.secrets", {
      setup: ["ATTACH 'file:{O}/secret.db?immutable=1' AS q14"],
    }),
    a("sqlite/read-uri-vfs", "SELECT * FROM q25.secrets", {
      setup: ["ATTACH 'file:{O}/secret.db?vfs=unix-none&mode=ro' AS q25"],
    }),
    a("sqlite/read-symlink", "SELECT * FROM q20.secrets", {
      setup: ["ATTACH '{R}/link.db' AS q20"],
    }),
    a("sqlite/read-symlinked-dir", "SELECT * FROM q21.secrets", {
      setup: ["ATTACH '{W}/linkdir/secret.db' AS q21"],
    }),
    w("sqlite/write-ro-db", "CREATE TABLE q15.pwn (x)", "ro/db4.sqlite", {
      setup: ["ATTACH '{R}/db4.sqlite' AS q15"],
    }),
    w("sqlite/write-ro-db-uri-rw", "INSERT INTO q16.t VALUES (3, 'x')", "ro/db5.sqlite", {
      setup: ["ATTACH 'file:{R}/db5.sqlite?mode=rw' AS q16"],
    }),
    w("sqlite/pragma-user-version-ro", "PRAGMA q29.user_version = 5", "ro/db7.sqlite", {
      setup: ["ATTACH '{R}/db7.sqlite' AS q29"],
    }),
    a("sqlite/readfile", "SELECT readfile('{O}/secret.csv') AS c FROM base.one"),
    a("sqlite/load-extension", "SELECT load_extension('{O}/x.so') AS c FROM base.one"),
    w("sqlite/writefile", "SELECT writefile('{O}/q19.txt', 'x') AS c FROM base.one", "outside/q19"),
  ],
};

const rql: Category = {
  name: "rql",
  attempts: [
    a("rql/use-outside", "USE '{O}/secret.csv' AS r01"),
    a("rql/use-relative", "USE 'outside/secret.csv' AS r02"),
    a("rql/use-symlink", "USE '{R}/link.csv' AS r03"),
    a("rql/use-variable", "USE #r04 AS r04", { setup: ["LET r04 = '{O}/secret.csv'"] }),
    w(
      "rql/use-options-name-injection",
      `USE '{R}/data.csv' AS r05 OPTIONS ("header = true); COPY (SELECT 1) TO '{O}/r05.csv' (FORMAT csv); SELECT (1" = 1)`,
      "outside/r05",
    ),
    w(
      "rql/use-options-value-injection",
      "USE '{R}/data.csv' AS r06 OPTIONS (header = 'true); COPY (SELECT 1) TO ''{O}/r06.csv''; SELECT (1')",
      "outside/r06",
    ),
    a("rql/use-sqlite-outside", "USE '{O}/secret.db' AS r07"),
    a("rql/use-file-uri", "USE 'file://{O}/secret.csv' AS r08"),
    a("rql/use-glob-symlinked-dir", "USE '{R}/linkdir/*.csv' AS r09"),
    a(
      "rql/use-options-expression",
      "USE '{R}/data.csv' AS r10 OPTIONS (filename = read_text('{O}/secret.csv'))",
    ),
    w("rql/export-outside", "EXPORT (SELECT 1 AS x) TO '{O}/r11.csv'", "outside/r11"),
    w("rql/export-ro", "EXPORT (SELECT 1 AS x) TO '{R}/r12.parquet'", "ro/r12"),
    w(
      "rql/export-filename-pattern",
      "EXPORT (SELECT 1 AS x) TO '{W}/r13' FORMAT CSV OPTIONS (partition_by = (x), filename_pattern = '../../../outside/r13_{i}')",
      "outside/r13",
    ),
    w("rql/export-arrow-ro", "EXPORT (SELECT 1 AS x) TO '{R}/r14.arrow'", "ro/r14"),
    w("rql/export-arrow-outside", "EXPORT (SELECT 1 AS x) TO '{O}/r15.arrow'", "outside/r15"),
    w("rql/export-file-uri", "EXPORT (SELECT 1 AS x) TO 'file:{O}/r16.csv'", "outside/r16"),
    w("rql/export-symlinked-dir", "EXPORT (SELECT 1 AS x) TO '{W}/linkdir/r17.csv'", "outside/r17"),
    w(
      "rql/export-dangling-symlink",
      "EXPORT (SELECT 1 AS x) TO '{W}/dangle2.csv'",
      "outside/dangle-rw2",
    ),
    // EXPORT replaces a hard link by a new file (rename), so the file outside is not written.
    w(
      "rql/export-over-hard-link",
      "EXPORT (SELECT 'pwned' AS v) TO '{W}/hl2.csv' OVERWRITE",
      "outside/victim-hl2",
    ),
    w("rql/export-to-variable", "EXPORT (SELECT 1 AS x) TO #r20", "ro/r20", {
      setup: ["LET r20 = '{R}/r20.csv'"],
    }),
    w("rql/export-jsonl-ro", "EXPORT (SELECT 1 AS x) TO '{R}/r21.jsonl'", "ro/r21"),
    w(
      "rql/export-file-size-ro",
      "EXPORT (SELECT 1 AS x) TO '{R}/r25.csv' OPTIONS (file_size_bytes = 1)",
      "ro/r25",
    ),
    w(
      "rql/export-secret-into-rw",
      "EXPORT (SELECT * FROM '{O}/secret.csv') TO '{W}/r26.csv'",
      "rw/r26",
    ),
    w("rql/export-view-outside", "EXPORT r27v TO '{O}/r27.csv'", "outside/r27", {
      setup: ["CREATE VIEW r27v AS SELECT 1 AS x"],
    }),
    a("rql/describe-outside", "DESCRIBE '{O}/secret.csv'"),
    a("rql/describe-symlink", "DESCRIBE '{R}/link.csv'"),
    a("rql/attach-sqlite-outside", "ATTACH '{O}/secret.db' AS r24 (TYPE SQLITE, READ_ONLY)"),
    w("rql/output-outside", "-o", "outside/o01", {
      own: { args: ["-o", "{O}/o01.csv", "-c", "SELECT 1 AS x"], code: 2 },
    }),
    w("rql/output-ro", "-o", "ro/o02", {
      own: { args: ["-o", "{R}/o02.csv", "-c", "SELECT 1 AS x"], code: 2 },
    }),
    w("rql/output-symlinked-dir", "-o", "outside/o03", {
      own: { args: ["-o", "{W}/linkdir/o03.csv", "-c", "SELECT 1 AS x"], code: 2 },
    }),
    w("rql/output-dangling-symlink", "-o", "outside/dangle-rw3", {
      own: { args: ["-o", "{W}/dangle3.csv", "-c", "SELECT 1 AS x"], code: 2 },
    }),
    w("rql/output-dotdot", "-o", "outside/o05", {
      own: { args: ["-o", "{W}/../outside/o05.csv", "-c", "SELECT 1 AS x"], code: 2 },
    }),
    a("rql/file-argument-outside", "FILE", {
      own: { args: ["{O}/secret.csv", "-c", "SELECT 1 AS x"], code: 1 },
    }),
    a("rql/file-argument-symlink", "FILE", {
      own: { args: ["{R}/link.csv", "-c", "SELECT 1 AS x"], code: 1 },
    }),
    w("rql/nul-in-piped-script", "STDIN", "ro/o09", {
      own: { args: [], code: 1, stdin: "SELECT 1 AS x;\0COPY (SELECT 1 AS x) TO '{R}/o09.csv';\n" },
    }),
  ],
};

const lexer: Category = {
  name: "lexer",
  attempts: [
    w("lexer/cr-ends-comment", "-- c\rCOPY (SELECT 1 AS x) TO '{R}/l01.csv'", "ro/l01"),
    w(
      "lexer/cr-after-statement",
      "SELECT 1 AS x; -- c\rCOPY (SELECT 1 AS x) TO '{O}/l02.csv'",
      "outside/l02",
      {
        multi: true,
      },
    ),
    w("lexer/nbsp-before-copy", "\u00a0COPY (SELECT 1 AS x) TO '{R}/l03.csv'", "ro/l03"),
    w("lexer/nbsp-around-to", "COPY (SELECT 1 AS x)\u00a0TO\u00a0'{R}/l04.csv'", "ro/l04"),
    w(
      "lexer/variable-dollar-quote",
      "SELECT #la$t$; COPY (SELECT 1 AS x) TO '{R}/l05.csv'; SELECT $t$",
      "ro/l05",
      {
        setup: ["LET la = 1"],
        multi: true,
      },
    ),
    w("lexer/semicolon-in-comment", "/* ; */ COPY (SELECT 1 AS x) TO '{R}/l06.csv'", "ro/l06"),
    w("lexer/em-space", "\u2003COPY (SELECT 1 AS x) TO '{R}/l07.csv'", "ro/l07"),
    w("lexer/ideographic-space", "\u3000COPY (SELECT 1 AS x)\u3000TO\u3000'{R}/l08.csv'", "ro/l08"),
    w("lexer/byte-order-mark", "\ufeffCOPY (SELECT 1 AS x) TO '{R}/l09.csv'", "ro/l09"),
    w("lexer/vertical-tab-form-feed", "\u000bCOPY (SELECT 1 AS x)\u000cTO '{R}/l10.csv'", "ro/l10"),
    w(
      "lexer/escape-string-quote",
      "SELECT E'\\''; COPY (SELECT 1 AS x) TO '{R}/l11.csv'; --'",
      "ro/l11",
      {
        multi: true,
      },
    ),
    w(
      "lexer/nested-comment",
      "SELECT 'a' /* /* */ COPY (SELECT 1 AS x) TO '{R}/l12.csv'; -- */",
      "ro/l12",
      {
        multi: true,
      },
    ),
    w(
      "lexer/dollar-inside-dollar",
      "SELECT $a$ $$ $a$ AS x; COPY (SELECT 1 AS x) TO '{R}/l13.csv'",
      "ro/l13",
      {
        multi: true,
      },
    ),
    w(
      "lexer/semicolon-identifier",
      'SELECT "a;" FROM (SELECT 1 AS "a;"); COPY (SELECT 1 AS x) TO \'{R}/l14.csv\'',
      "ro/l14",
      { multi: true },
    ),
    w(
      "lexer/variable-then-comment-cr",
      "SELECT #lb--\rCOPY (SELECT 1 AS x) TO '{R}/l15.csv'",
      "ro/l15",
      {
        setup: ["LET lb = 1"],
        multi: true,
      },
    ),
    w(
      "lexer/line-separator",
      "SELECT 1 AS x --\u2028COPY (SELECT 1 AS x) TO '{R}/l16.csv'",
      "ro/l16",
      {
        multi: true,
      },
    ),
    w("lexer/next-line", "SELECT 1 AS x --\u0085COPY (SELECT 1 AS x) TO '{R}/l17.csv'", "ro/l17", {
      multi: true,
    }),
    w("lexer/crlf", "SELECT 1 AS x;\r\nCOPY (SELECT 1 AS x) TO '{R}/l18.csv'", "ro/l18", {
      multi: true,
    }),
    w("lexer/soft-hyphen", "CO\u00adPY (SELECT 1 AS x) TO '{R}/l19.csv'", "ro/l19"),
    w(
      "lexer/fullwidth-keyword",
      "\uff23\uff2f\uff30\uff39 (SELECT 1 AS x) TO '{R}/l20.csv'",
      "ro/l20",
    ),
    w("lexer/nbsp-before-semicolon", "COPY (SELECT 1 AS x) TO '{R}/l21.csv'\u00a0;", "ro/l21"),
    w(
      "lexer/nbsp-explain-analyze",
      "EXPLAIN\u00a0ANALYZE\u00a0COPY (SELECT 1 AS x) TO '{R}/l22.csv'",
      "ro/l22",
    ),
    w("lexer/semicolon-in-string", "COPY (SELECT ';' AS x) TO '{R}/l24.csv'", "ro/l24"),
    w(
      "lexer/cr-inside-options",
      "COPY (SELECT 1 AS x) TO '{R}/l25.csv' -- \r(FORMAT csv)",
      "ro/l25",
    ),
    w("lexer/tab-newline-mix", "\t\nCOPY\t(SELECT 1 AS x)\nTO\n'{R}/l26.csv'", "ro/l26"),
  ],
};

/** A hand-written registry: entries pointing outside, and entries with SQL spliced in. */
const REGISTRY = `
[[sources]]
alias = "reg_secret"
kind = "csv"
path = "{O}/secret.csv"

[[sources]]
alias = "reg_db"
kind = "sqlite"
path = "{O}/secret.db"
read_only = true

[[sources]]
alias = "reg_link"
kind = "csv"
path = "{R}/link.csv"

[[sources]]
alias = "reg_opt"
kind = "csv"
path = "{R}/data.csv"
[sources.options]
header = "true) UNION ALL SELECT * FROM read_csv('{O}/secret.csv') --"

[[sources]]
alias = "reg_name"
kind = "csv"
path = "{R}/data.csv"
[sources.options]
"header = true); COPY (SELECT 1) TO '{O}/reg_name.csv' (FORMAT csv); SELECT (1" = "true"

[[sources]]
alias = "reg_path"
kind = "csv"
path = "{R}/data.csv'); COPY (SELECT 1) TO '{O}/reg_path.csv'; --"

[[sources]]
alias = "reg_glob"
kind = "csv"
path = "{R}/*/secret.csv"

[[sources]]
alias = "reg_file"
kind = "csv"
path = "file://{O}/secret.csv"

[[sources]]
alias = "reg_parquet"
kind = "parquet"
path = "{O}/secret.parquet"

[[sources]]
alias = "reg_fn"
kind = "csv"
path = "{R}/data.csv"
[sources.options]
columns = "read_text('{O}/secret.csv')"

[[sources]]
alias = "reg_state"
kind = "csv"
path = "{S}/noctra/sources.toml"
`;

const registry: Category = {
  name: "registry",
  restore: true,
  registry: REGISTRY,
  attempts: [
    a("registry/entry-outside", "SELECT * FROM reg_secret"),
    a("registry/sqlite-entry-outside", "SELECT * FROM reg_db.secrets"),
    a("registry/entry-symlink", "SELECT * FROM reg_link"),
    a("registry/option-value-spliced", "SELECT * FROM reg_opt"),
    w("registry/option-name-spliced", "SELECT * FROM reg_name", "outside/reg_name"),
    w("registry/path-quote-spliced", "SELECT * FROM reg_path", "outside/reg_path"),
    a("registry/entry-glob", "SELECT * FROM reg_glob"),
    a("registry/entry-file-uri", "SELECT * FROM reg_file"),
    a("registry/entry-parquet-outside", "SELECT * FROM reg_parquet"),
    a("registry/option-function", "SELECT * FROM reg_fn"),
    a("registry/entry-state-file", "SELECT * FROM reg_state"),
    w(
      "registry/plant-option-name",
      `USE '{R}/data.csv' AS plant1 OPTIONS ("header = true); COPY (SELECT 1) TO '{O}/plant1.csv' (FORMAT csv); SELECT (1" = 1)`,
      "outside/plant1",
      { setup: ["USE '{R}/data.csv' AS plant_ok"] },
    ),
    w(
      "registry/plant-option-value",
      "USE '{R}/data.csv' AS plant2 OPTIONS (header = 'true); COPY (SELECT 1) TO ''{O}/plant2.csv''; SELECT (1')",
      "outside/plant2",
    ),
    w(
      "registry/plant-path-quote",
      "USE '{R}/data.csv''); COPY (SELECT 1) TO ''{O}/plant3.csv''; --' AS plant3",
      "outside/plant3",
    ),
    w(
      "registry/write-into-state-dir",
      "COPY (SELECT 1 AS x) TO '{S}/noctra/planted.csv'",
      "state/noctra/planted.csv",
    ),
    w(
      "registry/attach-in-state-dir",
      "ATTACH '{S}/noctra/planted.duckdb' AS pl6",
      "state/noctra/planted.duckdb",
    ),
    a("registry/read-registry-file", "SELECT * FROM read_text('{S}/noctra/sources.toml')"),
  ],
  laterUnsandboxed: [
    "SHOW TABLES",
    "SELECT * FROM plant_ok",
    "SELECT * FROM plant1",
    "SELECT * FROM plant2",
    "SELECT * FROM plant3",
    "SELECT * FROM reg_name",
    "SELECT * FROM reg_path",
    "SELECT * FROM reg_opt",
  ],
};

const temp: Category = {
  name: "temp",
  attempts: [
    a("temp/glob-temp-directory", "SELECT * FROM glob(current_setting('temp_directory') || '/**')"),
    a("temp/glob-temp-variable", "SELECT * FROM glob(#t02 || '/*')", {
      setup: ["LET t02 = current_setting('temp_directory')"],
    }),
    a(
      "temp/sniff-temp-directory",
      "SELECT * FROM sniff_csv(current_setting('temp_directory') || '/x.csv')",
    ),
    a("temp/glob-private-temp-pattern", "SELECT * FROM glob('/tmp/noctra-duckdb-*/**')"),
    a("temp/glob-tmp", "SELECT * FROM glob('/tmp/*')"),
    a("temp/glob-default-temp-absolute", "SELECT * FROM glob('{T}/.tmp/**')"),
    a("temp/glob-default-temp-relative", "SELECT * FROM glob('.tmp/*')"),
    a("temp/read-default-temp", "SELECT * FROM '.tmp/secret.csv'"),
    a("temp/read-text-default-temp", "SELECT * FROM read_text('.tmp/*.csv')"),
    a("temp/copy-into-temp", "COPY (SELECT 1 AS x) TO #t10", {
      setup: ["LET t10 = current_setting('temp_directory') || '/t10.csv'"],
    }),
    a("temp/parquet-metadata-temp", "SELECT * FROM parquet_metadata('/tmp/noctra-duckdb-*/*')"),
    a("temp/temp-parent-glob", "SELECT * FROM glob(#t13 || '*')", {
      setup: ["LET t13 = current_setting('temp_directory') || '/../'"],
    }),
    a(
      "temp/temp-dotdot-passwd",
      "SELECT * FROM read_text(current_setting('temp_directory') || '/../../etc/passwd')",
    ),
    a("temp/temp-dotdot-tree", "SELECT * FROM read_text(#t15 || '/../' || #t15b)", {
      setup: ["LET t15 = current_setting('temp_directory')", "LET t15b = '{O}/secret.csv'"],
    }),
    a("temp/glob-tree", "SELECT * FROM glob('{T}/*/secret.csv')"),
  ],
};

const procDev: Category = {
  name: "proc",
  stdinSecret: true,
  attempts: [
    a("proc/self-environ", "SELECT * FROM read_text('/proc/self/environ')"),
    a("proc/1-environ", "SELECT * FROM read_text('/proc/1/environ')"),
    a("proc/etc-passwd", "SELECT * FROM read_text('/etc/passwd')"),
    a("proc/etc-passwd-csv", "SELECT * FROM read_csv('/etc/passwd', sep = ':', header = false)"),
    a("proc/etc-shadow", "SELECT * FROM read_text('/etc/shadow')"),
    a("proc/etc-hostname", "SELECT * FROM read_text('/etc/hostname')"),
    a("proc/dev-mem", "SELECT * FROM read_blob('/dev/mem')"),
    a("proc/self-environ-blob", "SELECT * FROM read_blob('/proc/self/environ')"),
    a("proc/self-environ-csv", "SELECT * FROM read_csv('/proc/self/environ')"),
    a("proc/self-cmdline", "SELECT * FROM read_text('/proc/self/cmdline')"),
    a("proc/self-mem", "SELECT * FROM read_blob('/proc/self/mem')"),
    a("proc/self-maps", "SELECT * FROM read_text('/proc/self/maps')"),
    a("proc/dev-stdin", "SELECT * FROM read_text('/dev/stdin')"),
    a("proc/proc-self-fd-0", "SELECT * FROM read_csv('/proc/self/fd/0')"),
    a("proc/dev-fd-0", "SELECT * FROM '/dev/fd/0'"),
    a("proc/use-fd-0", "USE '/proc/self/fd/0' AS d20"),
    a("proc/glob-environ", "SELECT * FROM glob('/proc/*/environ')"),
    a("proc/glob-fds", "SELECT * FROM read_text('/proc/self/fd/*')"),
    a("proc/self-root-passwd", "SELECT * FROM read_text('/proc/self/root/etc/passwd')"),
    a("proc/cwd-dotdot-passwd", "SELECT * FROM read_text('/proc/self/cwd/../../../../etc/passwd')"),
    a("proc/sys-class-net", "SELECT * FROM read_text('/sys/class/net/lo/address')"),
    a("proc/sqlite-attach-environ", "ATTACH '/proc/self/environ' AS d19 (TYPE SQLITE, READ_ONLY)"),
  ],
};

const network: Category = {
  name: "network",
  attempts: [
    a("net/read-csv", "SELECT * FROM read_csv('http://127.0.0.1:{P}/n01.csv')", { net: "/n01" }),
    a("net/replacement-scan", "SELECT * FROM 'http://127.0.0.1:{P}/n02.csv'", { net: "/n02" }),
    a("net/read-text", "SELECT * FROM read_text('http://127.0.0.1:{P}/n03')", { net: "/n03" }),
    a("net/use-csv", "USE 'http://127.0.0.1:{P}/n04.csv' AS n04", { net: "/n04" }),
    a("net/use-arrow", "USE 'http://127.0.0.1:{P}/n05.arrow' AS n05", { net: "/n05" }),
    a("net/attach-duckdb", "ATTACH 'http://127.0.0.1:{P}/n06.duckdb' AS n06 (READ_ONLY)", {
      net: "/n06",
    }),
    a("net/install-from", "INSTALL httpfs FROM 'http://127.0.0.1:{P}/n07'", { net: "/n07" }),
    a("net/custom-repository", "INSTALL httpfs", {
      net: "/n08",
      setup: ["SET custom_extension_repository = 'http://127.0.0.1:{P}/n08'"],
    }),
    a("net/copy-to", "COPY (SELECT 1 AS x) TO 'http://127.0.0.1:{P}/n09.csv'", { net: "/n09" }),
    a("net/export-to", "EXPORT (SELECT 1 AS x) TO 'http://127.0.0.1:{P}/n10.csv'", { net: "/n10" }),
    a("net/describe", "DESCRIBE 'http://127.0.0.1:{P}/n11.csv'", { net: "/n11" }),
    a("net/read-parquet", "SELECT * FROM read_parquet('http://127.0.0.1:{P}/n12.parquet')", {
      net: "/n12",
    }),
    a("net/load-url", "LOAD 'http://127.0.0.1:{P}/n13.duckdb_extension'", { net: "/n13" }),
    a("net/attach-sqlite", "ATTACH 'http://127.0.0.1:{P}/n14.db' AS n14 (TYPE SQLITE, READ_ONLY)", {
      net: "/n14",
    }),
    a("net/read-json", "SELECT * FROM read_json('http://127.0.0.1:{P}/n15.json')", { net: "/n15" }),
  ],
};

const sandboxCwd: Category = {
  name: "sandbox-cwd",
  sandboxCwd: true,
  homeOutside: true,
  attempts: [
    a("sbx/dotdot-read", "SELECT * FROM '../outside/secret.csv'"),
    w("sbx/copy-dotdot-outside", "COPY (SELECT 1 AS x) TO '../outside/b02.csv'", "outside/b02"),
    w("sbx/copy-dotdot-ro", "COPY (SELECT 1 AS x) TO '../ro/b03.csv'", "ro/b03"),
    w(
      "sbx/attach-sqlite-create",
      "ATTACH '../outside/b04.db' AS b04 (TYPE SQLITE, CREATE)",
      "outside/b04",
    ),
    w(
      "sbx/attach-file-relative",
      "ATTACH 'file:../outside/b05.db' AS b05 (TYPE SQLITE, CREATE)",
      "outside/b05",
    ),
    w(
      "sbx/attach-file-uri",
      "ATTACH 'file:///{O}/b06.db' AS b06 (TYPE SQLITE, CREATE)",
      "outside/b06",
    ),
    w("sbx/export-dotdot", "EXPORT (SELECT 1 AS x) TO '../outside/b07.csv'", "outside/b07"),
    a("sbx/symlink-read", "SELECT * FROM 'link.csv'"),
    a("sbx/glob-parent", "SELECT * FROM glob('../*/*')"),
    a("sbx/use-dotdot", "USE '../outside/secret.csv' AS b10"),
    a("sbx/glob-proc-cwd", "SELECT * FROM glob('/proc/self/cwd/../outside/*')"),
    w(
      "sbx/copy-proc-cwd",
      "COPY (SELECT 1 AS x) TO '/proc/self/cwd/../outside/b12.csv'",
      "outside/b12",
    ),
    a("sbx/sqlite-read-create-flag", "SELECT * FROM b13.secrets", {
      setup: ["ATTACH '../outside/secret.db' AS b13 (TYPE SQLITE, CREATE)"],
    }),
    w("sbx/export-database-dotdot", "EXPORT DATABASE '../outside/b14'", "outside/b14"),
    a("sbx/sqlite-file-uri-read", "SELECT * FROM b15.secrets", {
      setup: ["ATTACH 'file:///{O}/secret.db' AS b15 (TYPE SQLITE)"],
    }),
    a("sbx/tilde-read", "SELECT * FROM read_text('~/secret.csv')"),
  ],
};

/** SQLite's own URI and expression paths, relative to a writable cwd (`--sandbox`). */
const sandboxCwdSqlite: Category = {
  name: "sandbox-cwd-sqlite",
  sandboxCwd: true,
  flags: ["--engine", "sqlite"],
  prelude: [
    "ATTACH 'base.sqlite' AS base (TYPE SQLITE, CREATE)",
    "CREATE TABLE base.one (x INTEGER)",
    "INSERT INTO base.one VALUES (1)",
  ],
  sentinel: "SELECT 'attempt {N}' AS noctra_attempt FROM base.one",
  attempts: [
    w(
      "sbx-sqlite/attach-relative-uri",
      "ATTACH 'file:../outside/c01.db?mode=rwc' AS c01",
      "outside/c01",
    ),
    w("sbx-sqlite/attach-parenthesized", "ATTACH ('../outside/c02.db') AS c02", "outside/c02"),
    w("sbx-sqlite/vacuum-into-dotdot", "VACUUM base INTO '../outside/c03.db'", "outside/c03"),
    w(
      "sbx-sqlite/vacuum-into-relative-uri",
      "VACUUM base INTO 'file:../outside/c04.db'",
      "outside/c04",
    ),
    w("sbx-sqlite/vacuum-into-lower", "VACUUM base INTO lower('../OUTSIDE/C05.DB')", "outside/c05"),
    a("sbx-sqlite/read-relative-uri", "SELECT * FROM c06.secrets", {
      setup: ["ATTACH 'file:../outside/secret.db?mode=ro' AS c06"],
    }),
    w(
      "sbx-sqlite/attach-create-dotdot",
      "ATTACH '../outside/c08.db' AS c08 (TYPE SQLITE, CREATE)",
      "outside/c08",
    ),
    w("sbx-sqlite/attach-relative-uri-ro", "ATTACH 'file:../ro/c09.db?mode=rwc' AS c09", "ro/c09"),
    w(
      "sbx-sqlite/attach-uri-dotdot-inside",
      "ATTACH 'file:sub/../../outside/c10.db?mode=rwc' AS c10",
      "outside/c10",
    ),
  ],
};

const CATEGORIES: readonly Category[] = [
  paths,
  statements,
  settings,
  sqliteNative,
  rql,
  lexer,
  registry,
  temp,
  procDev,
  network,
  sandboxCwd,
  sandboxCwdSqlite,
];

// ---- what is expected -------------------------------------------------------------------------

/**
 * Escapes the kernel layer cannot stop: none. (A hard link inside the writable directory to a
 * file outside it is the same file, which a path-based sandbox cannot see; Noctra refuses to
 * write a target that has more than one link, in both layers.)
 */
const KERNEL_ESCAPES: readonly string[] = [];

/**
 * Attempts that complete without an error in both layers and without escaping:
 * - DuckDB lets SQL list its own (private, empty) temporary directory;
 * - the COPY stays inside a comment for DuckDB and Noctra alike (nested block comments; U+2028
 *   and U+0085 do not end a `--` comment).
 */
const NOT_REFUSED: readonly string[] = [
  "lexer/line-separator",
  "lexer/nested-comment",
  "lexer/next-line",
  "temp/glob-temp-directory",
  "temp/glob-temp-variable",
];

/**
 * What escapes with the DuckDB layer and Noctra's checks alone (no kernel layer): writes into
 * the read-only directory that DuckDB cannot tell from reading (its `allowed_directories` is one
 * list for both) and that Noctra's messages do not recognise — raw COPY with
 * `FILENAME_PATTERN '../…'`, `EXPLAIN (ANALYZE …) COPY`, `EXPORT DATABASE name TO`,
 * `ATTACH IF NOT EXISTS … (READ_ONLY false)`, `PRAGMA profiling_output`/`profile_output`.
 * (`CALL enable_logging(storage = 'file', …)` is refused under the sandbox: a log directory
 * the kernel refuses made DuckDB abort the process at exit.) Nothing escapes outside both
 * directories: SQLite
 * paths given as expressions are refused under the sandbox (write the path as a literal).
 */
const DUCKDB_ONLY_ESCAPES: readonly string[] = [
  "set/pragma-profile-output-alias",
  "set/pragma-profiling-output-ro",
  "stmt/attach-if-not-exists-ro",
  "stmt/copy-partition-pattern-ro",
  "stmt/copy-per-thread-pattern",
  "stmt/explain-analyze-json-copy",
  "stmt/explain-paren-analyze-copy",
  "stmt/export-database-named",
];

// ---- running ----------------------------------------------------------------------------------

/** What one attempt did in one layer. */
interface Outcome {
  readonly name: string;
  readonly layer: Layer;
  /** Error lines of its statement. */
  readonly errors: string[];
  /** Error lines of its setup statements. */
  readonly setupErrors: string[];
  /** Why it escaped (empty: it did not). */
  readonly escapes: string[];
  /** Its stdout. */
  readonly stdout: string;
  /** Exit code of its process (own-process attempts). */
  readonly code: number;
}

/** Problems of a run that no attempt explains (each fails the test). */
interface CategoryRun {
  readonly outcomes: Outcome[];
  readonly problems: string[];
}

const ERROR_LINE = /^noctra: error: -c\[(\d+)\]:\d+: /;
/** `LET` prints `name: TYPE = value` on stderr. */
const LET_ECHO = /^\w+: [A-Z][A-Z0-9_(), ]* = /;

function leaks(text: string): boolean {
  return text.includes(MARKER) || text.includes(PASSWD_MARKER);
}

function environment(t: Tree, category: Category, layer: Layer): Record<string, string> {
  return {
    NO_COLOR: "1",
    DENO_DIR,
    XDG_STATE_HOME: t.state,
    XDG_CONFIG_HOME: `${t.root}/config`,
    // The marker in the environment shows a leak of /proc/self/environ by any reader (DuckDB
    // itself reads /proc files as empty: their size is 0).
    NOCTRA_ESCAPE_PROBE: MARKER,
    ...(category.homeOutside ? { HOME: t.outside } : {}),
    ...(layer === "duckdb-only" ? { NOCTRA_SANDBOX_LAYER: "duckdb-only" } : {}),
  };
}

function sandboxFlags(t: Tree, category: Category): string[] {
  return [
    ...(category.sandboxCwd ? ["--sandbox"] : [`--allow-read=${t.ro}`, `--allow-write=${t.rw}`]),
    ...(category.restore ? [] : ["--no-restore"]),
    "--format",
    "csv",
    ...(category.flags ?? []),
  ];
}

/** Files under the writable directories that hold the secret (symlinks not followed). */
async function secretsIn(t: Tree, dirs: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  async function walk(dir: string): Promise<void> {
    for await (const entry of Deno.readDir(dir)) {
      const path = `${dir}/${entry.name}`;
      if (entry.isSymlink) continue;
      if (entry.isDirectory) await walk(path);
      else if (entry.isFile && leaks(new TextDecoder().decode(await Deno.readFile(path)))) {
        found.push(path.slice(t.root.length + 1));
      }
    }
  }
  for (const dir of dirs) await walk(dir);
  return found;
}

/** Runs one process of `attempts` (batched), or one own-process attempt. */
async function runGroup(
  t: Tree,
  category: Category,
  layer: Layer,
  attempts: readonly Attempt[],
  port: number,
): Promise<{ outcomes: Outcome[]; problems: string[] }> {
  const cwd = category.sandboxCwd ? t.sbx : t.root;
  const env = environment(t, category, layer);
  const x = (text: string) => expand(text, t, port);
  const problems: string[] = [];
  const writable = category.sandboxCwd ? [t.sbx] : [t.rw];
  const own = attempts.length === 1 ? attempts[0]!.own : undefined;
  let run: ProcessRun;
  /** -c number → [attempt index, setup?] */
  const roles = new Map<number, [number, boolean]>();
  if (own !== undefined) {
    run = await runProcess([...sandboxFlags(t, category), ...own.args.map(x)], {
      cwd,
      env,
      ...(own.stdin === undefined ? {} : { stdin: x(own.stdin) }),
    });
  } else {
    const args = [...sandboxFlags(t, category), "--continue-on-error", "-c", "SHOW CONFIG"];
    let c = 1;
    for (const statement of category.prelude ?? []) {
      args.push("-c", x(statement));
      roles.set(++c, [-1, true]);
    }
    attempts.forEach((attempt, index) => {
      const sentinel = category.sentinel ?? "SELECT 'attempt {N}' AS noctra_attempt";
      args.push("-c", sentinel.replace("{N}", String(index)));
      c++;
      for (const setup of attempt.setup ?? []) {
        args.push("-c", x(setup));
        roles.set(++c, [index, true]);
      }
      args.push("-c", x(attempt.sql));
      roles.set(++c, [index, false]);
    });
    run = await runProcess(args, {
      cwd,
      env,
      ...(category.stdinSecret ? { stdinFile: `${t.outside}/secret.csv` } : {}),
    });
  }

  // stderr: the warning of the forced layer first, then error lines by -c, LET echoes, messages.
  let lines = run.stderr.split("\n").filter((line) => line !== "");
  if (layer === "duckdb-only") {
    if (lines[0] !== WARNING) problems.push(`no duckdb-only warning first: ${lines[0]}`);
    else lines = lines.slice(1);
  } else if (lines.includes(WARNING)) {
    problems.push("the kernel layer run printed the duckdb-only warning");
  }
  const errors = attempts.map(() => [] as string[]);
  const setupErrors = attempts.map(() => [] as string[]);
  for (const line of lines) {
    const number = own === undefined ? ERROR_LINE.exec(line)?.[1] : undefined;
    const role = number === undefined ? undefined : roles.get(Number(number));
    if (own !== undefined && line.startsWith("noctra: error: ")) errors[0]!.push(line);
    else if (role !== undefined && role[0] < 0) problems.push(`the prelude failed: ${line}`);
    else if (role !== undefined) (role[1] ? setupErrors : errors)[role[0]]!.push(line);
    else if (line.startsWith("noctra: error: ")) problems.push(`unattributed error line: ${line}`);
    else if (leaks(line)) problems.push(`secret in an unattributed stderr line: ${line}`);
    else if (
      layer === "landlock" && /^exported /.test(line) &&
      !writable.some((dir) => line.includes(` to ${dir}/`))
    ) {
      problems.push(`a write succeeded under the kernel layer: ${line}`);
    } else if (
      !LET_ECHO.test(line) && !(category.restore && line.startsWith("noctra: warning: "))
    ) {
      // Other messages (profiles, progress) are allowed only where state-changing attempts run.
      if (!category.isolate && !line.startsWith("exported ")) {
        problems.push(`stray stderr line: ${line}`);
      }
    }
  }

  // stdout: SHOW CONFIG, then one segment per attempt after its sentinel.
  const stdouts = attempts.map(() => "");
  if (own !== undefined) {
    stdouts[0] = run.stdout;
  } else {
    const sentinel = /^noctra_attempt\nattempt (\d+)\n/gm;
    const marks = [...run.stdout.matchAll(sentinel)];
    const prelude = run.stdout.slice(0, marks[0]?.index ?? run.stdout.length);
    if (!prelude.includes(`\nsandbox.layer,${layer},`)) {
      problems.push(`SHOW CONFIG does not name the ${layer} layer: ${prelude}`);
    }
    if (marks.length !== attempts.length) {
      problems.push(
        `${marks.length} of ${attempts.length} attempts ran (exit ${run.code}); stderr: ${run.stderr}`,
      );
    }
    marks.forEach((mark, i) => {
      const start = mark.index! + mark[0].length;
      const end = marks[i + 1]?.index ?? run.stdout.length;
      stdouts[Number(mark[1])] = run.stdout.slice(start, end);
    });
    if (
      layer === "landlock" && marks.length > 0 && run.code !== 1 &&
      attempts.some((attempt) => !NOT_REFUSED.includes(attempt.name))
    ) {
      problems.push(`exit code ${run.code}, expected 1`);
    }
  }
  const outcomes = attempts.map((attempt, i): Outcome => {
    const escapes: string[] = [];
    if (leaks(stdouts[i]!)) escapes.push(`secret on stdout: ${stdouts[i]}`);
    for (const line of [...errors[i]!, ...setupErrors[i]!]) {
      if (leaks(line)) escapes.push(`secret on stderr: ${line}`);
    }
    return {
      name: attempt.name,
      layer,
      errors: errors[i]!,
      setupErrors: setupErrors[i]!,
      escapes,
      stdout: stdouts[i]!,
      code: run.code,
    };
  });
  return { outcomes, problems };
}

/** Runs a category in one layer on a fresh tree. */
async function runCategory(category: Category, layer: Layer): Promise<CategoryRun> {
  const t = await makeTree(BASE);
  if (category.registry !== undefined) {
    await Deno.writeTextFile(`${t.state}/noctra/sources.toml`, expand(category.registry, t));
  }
  const writable = category.sandboxCwd ? [t.sbx] : [t.rw];
  const server = new LoopbackServer();
  const before = await snapshot(t, writable);
  const batched = category.attempts.filter((attempt) => attempt.own === undefined);
  const groups: Attempt[][] = category.isolate ? batched.map((attempt) => [attempt]) : [batched];
  for (const attempt of category.attempts) if (attempt.own !== undefined) groups.push([attempt]);
  const runs = [];
  // Attempts of one tree run one process at a time: they share its files.
  for (const group of groups) {
    if (group.length > 0) runs.push(await runGroup(t, category, layer, group, server.port));
  }
  const outcomes = runs.flatMap((run) => run.outcomes);
  const problems = runs.flatMap((run) => run.problems);
  const byName = new Map(outcomes.map((outcome) => [outcome.name, outcome]));
  const claim = (path: string, why: string) => {
    const owner = category.attempts.find((attempt) =>
      (attempt.touches ?? []).some((prefix) => path.startsWith(prefix))
    );
    if (owner === undefined) {
      if (!path.startsWith("state/")) problems.push(`${why} by no attempt: ${path}`);
    } else byName.get(owner.name)!.escapes.push(`${why}: ${path}`);
  };
  for (const path of changes(before, await snapshot(t, writable))) {
    claim(path, "changed outside the writable directory");
  }
  for (const path of await secretsIn(t, writable)) {
    claim(path, "secret copied into the writable directory");
  }
  if (category.laterUnsandboxed !== undefined) {
    const middle = await snapshot(t, writable);
    const later = await runProcess(
      [
        "--format",
        "csv",
        "--continue-on-error",
        ...category.laterUnsandboxed.flatMap((sql) => ["-c", sql]),
      ],
      { cwd: t.root, env: { ...environment(t, category, layer), NOCTRA_SANDBOX_LAYER: "" } },
    );
    // The later session did restore what the sandboxed one saved (plant_ok is data.csv).
    if (!later.stdout.includes("1,alpha")) {
      problems.push(`the later unsandboxed run did not restore the registry: ${later.stderr}`);
    }
    for (const path of changes(middle, await snapshot(t, writable))) {
      claim(path, `a later unsandboxed run (exit ${later.code}) ran something planted`);
    }
  }
  await server.close();
  for (const request of server.requests) {
    const owner = category.attempts.find((attempt) =>
      attempt.net !== undefined && request.includes(attempt.net)
    );
    if (owner === undefined) problems.push(`unattributed connection: ${request}`);
    else byName.get(owner.name)!.escapes.push(`connected: ${request}`);
  }
  await Deno.remove(t.root, { recursive: true }).catch(() => {});
  return { outcomes, problems };
}

function refused(outcome: Outcome): boolean {
  return outcome.escapes.length === 0 && outcome.errors.length > 0;
}

function describeOutcome(outcome: Outcome): string {
  return `${outcome.name} [${outcome.layer}] errors=${JSON.stringify(outcome.errors)} setup=${
    JSON.stringify(outcome.setupErrors)
  } escapes=${JSON.stringify(outcome.escapes)} stdout=${
    JSON.stringify(outcome.stdout.slice(0, 300))
  }`;
}

// ---- the tests --------------------------------------------------------------------------------

await buildTemplates(BASE);

const allAttempts = CATEGORIES.flatMap((category) => category.attempts);
const names = allAttempts.map((attempt) => attempt.name);
const started = performance.now();
const results = await pool(
  CATEGORIES.flatMap((category) => LAYERS.map((layer) => () => runCategory(category, layer))),
  3,
);
const outcomes = results.flatMap((run) => run.outcomes);
const problems = results.flatMap((run) => run.problems);
const elapsed = (performance.now() - started) / 1000;

function layerOutcomes(layer: Layer): Outcome[] {
  return outcomes.filter((outcome) => outcome.layer === layer);
}
const counts = LAYERS.map((layer) => {
  const mine = layerOutcomes(layer);
  return `${layer}: ${mine.filter(refused).length}/${mine.length} refused`;
}).join(", ");

Deno.test("the escape corpus is large, its names unique, its expectations name real attempts", () => {
  ok(allAttempts.length >= 150, `${allAttempts.length} attempts`);
  strictEqual(new Set(names).size, names.length, "attempt names are unique");
  for (const name of [...KERNEL_ESCAPES, ...NOT_REFUSED, ...DUCKDB_ONLY_ESCAPES]) {
    ok(names.includes(name), `${name} is an attempt`);
  }
  strictEqual(
    outcomes.length,
    allAttempts.length * LAYERS.length,
    "every attempt ran in both layers",
  );
});

Deno.test(`escape corpus: no run has unexplained output, changes or connections (${counts})`, () => {
  deepStrictEqual(problems, []);
});

Deno.test("escape corpus, kernel layer: every attempt is refused with one error line", () => {
  const failures: string[] = [];
  for (const outcome of layerOutcomes("landlock")) {
    const attempt = allAttempts.find((candidate) => candidate.name === outcome.name)!;
    const escaped = outcome.escapes.length > 0;
    if (escaped !== KERNEL_ESCAPES.includes(outcome.name)) {
      failures.push(`${escaped ? "ESCAPED" : "expected to escape"}: ${describeOutcome(outcome)}`);
      continue;
    }
    if (escaped) continue;
    if (NOT_REFUSED.includes(outcome.name)) {
      if (outcome.errors.length > 0) {
        failures.push(`now refused (update NOT_REFUSED): ${describeOutcome(outcome)}`);
      }
      continue;
    }
    const expectedLines = attempt.multi ? outcome.errors.length >= 1 : outcome.errors.length === 1;
    if (!expectedLines) {
      failures.push(`not refused with one error line: ${describeOutcome(outcome)}`);
    }
    if (attempt.own !== undefined && outcome.code !== attempt.own.code) {
      failures.push(
        `exit ${outcome.code}, expected ${attempt.own.code}: ${describeOutcome(outcome)}`,
      );
    }
    if (outcome.errors.some((line) => /\n\s+at |panicked|INTERNAL Error/i.test(line))) {
      failures.push(`not a clean error: ${describeOutcome(outcome)}`);
    }
  }
  deepStrictEqual(failures, []);
});

Deno.test("escape corpus, duckdb-only layer: the escapes are exactly the documented list", () => {
  const mine = layerOutcomes("duckdb-only");
  const escaped = mine.filter((outcome) => outcome.escapes.length > 0);
  deepStrictEqual(
    escaped.map((outcome) => outcome.name).sort(),
    [...DUCKDB_ONLY_ESCAPES].sort(),
    escaped.map(describeOutcome).join("\n"),
  );
  const silent = mine.filter((outcome) =>
    outcome.escapes.length === 0 && outcome.errors.length === 0 &&
    !NOT_REFUSED.includes(outcome.name)
  );
  deepStrictEqual(silent.map(describeOutcome), [], "every other attempt fails with an error");
});

Deno.test("escape corpus: counts", () => {
  const lines = [
    `escape corpus: ${allAttempts.length} attempts in ${CATEGORIES.length} categories, ${
      elapsed.toFixed(1)
    } s`,
  ];
  for (const category of CATEGORIES) {
    const parts = LAYERS.map((layer) => {
      const mine = outcomes.filter((outcome) =>
        outcome.layer === layer &&
        category.attempts.some((attempt) => attempt.name === outcome.name)
      );
      return `${layer} ${mine.filter(refused).length}/${mine.length}`;
    });
    lines.push(`  ${category.name.padEnd(12)} ${parts.join("  ")}`);
  }
  for (const layer of LAYERS) {
    const mine = layerOutcomes(layer);
    const escaped = mine.filter((outcome) => outcome.escapes.length > 0).map((outcome) =>
      outcome.name
    );
    lines.push(
      `  total ${layer}: attempted ${mine.length}, refused ${
        mine.filter(refused).length
      }, escaped ${escaped.length}${escaped.length > 0 ? ` (${escaped.join(", ")})` : ""}`,
    );
  }
  console.log(lines.join("\n"));
  ok(outcomes.length > 0);
});

Deno.test("the detectors work: without the sandbox the same attempts leak, write and connect", async () => {
  const t = await makeTree(BASE);
  const server = new LoopbackServer();
  const before = await snapshot(t, [t.rw]);
  const run = await runProcess([
    "--no-restore",
    "--format",
    "csv",
    "--continue-on-error",
    "-c",
    `SELECT * FROM '${t.ro}/link.csv'`,
    "-c",
    "SELECT content FROM read_text('/etc/passwd')",
    "-c",
    `COPY (SELECT 1 AS x) TO '${t.ro}/control.csv'`,
  ], {
    cwd: t.root,
    env: { NO_COLOR: "1", DENO_DIR, XDG_STATE_HOME: t.state },
  });
  await (await fetch(`http://127.0.0.1:${server.port}/control`)).text();
  await server.close();
  strictEqual(run.code, 0, run.stderr);
  ok(leaks(run.stdout), run.stdout);
  ok(run.stdout.includes(MARKER) && run.stdout.includes(PASSWD_MARKER), run.stdout);
  deepStrictEqual(changes(before, await snapshot(t, [t.rw])), ["ro/control.csv"]);
  deepStrictEqual(server.requests, ["GET /control HTTP/1.1"]);
  await Deno.remove(t.root, { recursive: true });
});

// ---- the boundary is the kernel ------------------------------------------------------------

Deno.test("with Noctra's own checks off, the kernel still refuses writes (Permission denied)", async () => {
  const t = await makeTree(BASE);
  const env = {
    NO_COLOR: "1",
    DENO_DIR,
    XDG_STATE_HOME: t.state,
    XDG_CONFIG_HOME: `${t.root}/config`,
    NOCTRA_TEST_SKIP_CHECKS: "1",
  };
  const confined = [
    `--allow-read=${t.ro}`,
    `--allow-write=${t.rw}`,
    "--no-restore",
    "--format",
    "csv",
  ];
  const writes: [string, string][] = [
    [`COPY (SELECT 1 AS x) TO '${t.ro}/k1.csv'`, "ro/k1.csv"],
    [`COPY (SELECT 1 AS x) TO '${t.ro}/k2.parquet' (FORMAT parquet)`, "ro/k2.parquet"],
    [`EXPORT DATABASE '${t.ro}/k3'`, "ro/k3"],
    [`ATTACH '${t.ro}/k4.duckdb' AS k4`, "ro/k4.duckdb"],
    [`EXPORT (SELECT 1 AS x) TO '${t.ro}/k5.csv'`, "ro/k5.csv"],
    [`EXPORT (SELECT 1 AS x) TO '${t.outside}/k6.arrow'`, "outside/k6.arrow"],
    [`ATTACH '${t.outside}/k7.sqlite' AS k7 (TYPE SQLITE, CREATE)`, "outside/k7.sqlite"],
    [`ATTACH '${t.ro}/k8.sqlite' AS k8 (TYPE SQLITE, CREATE)`, "ro/k8.sqlite"],
    [`EXPLAIN ANALYZE COPY (SELECT 1 AS x) TO '${t.ro}/k9.csv'`, "ro/k9.csv"],
    [`ATTACH IF NOT EXISTS '${t.ro}/k10.duckdb' AS k10 (READ_ONLY false)`, "ro/k10.duckdb"],
  ];
  const before = await snapshot(t, [t.rw]);
  const [batch, output, vacuum, config] = await Promise.all([
    runProcess([...confined, "--continue-on-error", ...writes.flatMap(([sql]) => ["-c", sql])], {
      cwd: t.root,
      env,
    }),
    runProcess([...confined, "-o", `${t.ro}/k11.csv`, "-c", "SELECT 1 AS x"], { cwd: t.root, env }),
    runProcess([
      ...confined,
      "--engine",
      "sqlite",
      "-c",
      `ATTACH '${t.ro}/db.sqlite' AS k (TYPE SQLITE, READ_ONLY)`,
      "-c",
      `VACUUM k INTO '${t.outside}/k12.db'`,
    ], { cwd: t.root, env }),
    runProcess([...confined, "-c", "SHOW CONFIG"], { cwd: t.root, env }),
  ]);
  match(config.stdout, /\nsandbox\.layer,landlock,/);
  deepStrictEqual(changes(before, await snapshot(t, [t.rw])), [], "nothing written outside rw/");
  strictEqual(batch.code, 1, batch.stderr);
  const lines = batch.stderr.split("\n").filter((line) => line !== "");
  strictEqual(lines.length, writes.length, batch.stderr);
  const kernel = /Permission denied|\(permission denied\)|os error 13|unable to open database/;
  lines.forEach((line, i) => {
    ok(line.startsWith(`noctra: error: -c[${i + 1}]:1: `), line);
    match(line, kernel);
    ok(
      !/outside the directories Noctra may|disabled by configuration/.test(line),
      `not the kernel: ${line}`,
    );
  });
  strictEqual(output.code, 2, output.stderr);
  match(output.stderr, /^noctra: error: -o .*Permission denied \(os error 13\)/);
  strictEqual(vacuum.code, 1, vacuum.stderr);
  match(vacuum.stderr, /^noctra: error: -c\[2\]:1: /);
  match(vacuum.stderr, kernel);
  ok(!/outside the directories Noctra may/.test(vacuum.stderr), vacuum.stderr);
  await Deno.remove(t.root, { recursive: true });
});

// ---- what is legitimate still works --------------------------------------------------------

for (const layer of LAYERS) {
  Deno.test(`legitimate work still succeeds sandboxed (${layer})`, async () => {
    const t = await makeTree(BASE);
    const env = {
      NO_COLOR: "1",
      DENO_DIR,
      XDG_STATE_HOME: t.state,
      XDG_CONFIG_HOME: `${t.root}/config`,
      ...(layer === "duckdb-only" ? { NOCTRA_SANDBOX_LAYER: "duckdb-only" } : {}),
    };
    const warning = layer === "duckdb-only" ? `${WARNING}\n` : "";
    const confined = [`--allow-read=${t.ro}`, `--allow-write=${t.rw}`, "--format", "csv"];
    const first = await runProcess([
      ...confined,
      "-c",
      `SELECT * FROM '${t.ro}/data.csv'`,
      "-c",
      `ATTACH '${t.ro}/db.sqlite' AS g (TYPE SQLITE, READ_ONLY)`,
      "-c",
      `SELECT d.name, g.t.label FROM '${t.ro}/data.csv' d JOIN g.t ON g.t.id = d.id`,
      "-c",
      `USE '${t.ro}/data.csv' AS kept`,
      "-c",
      `EXPORT (SELECT * FROM kept) TO '${t.rw}/e.parquet'`,
      "-c",
      `COPY (SELECT 2 AS y) TO '${t.rw}/c.csv'`,
      "-c",
      `SELECT (SELECT count(*) FROM '${t.rw}/e.parquet') AS e, (SELECT y FROM '${t.rw}/c.csv') AS c`,
      "-c",
      "SHOW CONFIG",
    ], { cwd: t.root, env });
    strictEqual(first.code, 0, first.stderr);
    ok(
      first.stdout.startsWith("id,name\n1,alpha\n2,beta\nname,label\nalpha,one\ne,c\n2,2\n"),
      first.stdout,
    );
    match(first.stdout, new RegExp(`\nsandbox\\.layer,${layer},`));
    match(first.stderr, new RegExp(`^${warning}exported 2 rows to .*/rw/e\\.parquet \\(PARQUET`));
    // The registry: the next session restores `kept`; -o writes into rw/.
    const second = await runProcess(
      [...confined, "-o", `${t.rw}/out.csv`, "-c", "SELECT count(*) AS n FROM kept"],
      { cwd: t.root, env },
    );
    deepStrictEqual(second, { code: 0, stdout: "", stderr: warning });
    strictEqual(await Deno.readTextFile(`${t.rw}/out.csv`), "n\n2\n");
    ok((await Deno.stat(`${t.state}/noctra/sources.toml`)).isFile, "the registry was saved");
    // Exit codes: a refused statement 1, an empty or missing directory 2.
    const [refusedRun, empty, missing] = await Promise.all([
      runProcess([...confined, "--no-restore", "-c", `SELECT * FROM '${t.outside}/secret.csv'`], {
        cwd: t.root,
        env,
      }),
      runProcess(["--allow-read=", "-c", "SELECT 1"], { cwd: t.root, env }),
      runProcess([`--allow-read=${t.root}/missing`, "-c", "SELECT 1"], { cwd: t.root, env }),
    ]);
    strictEqual(refusedRun.code, 1, refusedRun.stderr);
    match(refusedRun.stderr, /permission denied/);
    ok(!leaks(refusedRun.stdout + refusedRun.stderr));
    strictEqual(empty.code, 2, empty.stderr);
    strictEqual(missing.code, 2, missing.stderr);
    await Deno.remove(t.root, { recursive: true });
  });
}

// ---- the network ------------------------------------------------------------------------------

Deno.test("--allow-net under the kernel layer: what a remote read does (no httpfs offline)", async () => {
  const t = await makeTree(BASE);
  const server = new LoopbackServer();
  const run = await runProcess([
    `--allow-read=${t.ro}`,
    `--allow-write=${t.rw}`,
    "--allow-net",
    "--no-restore",
    "--format",
    "csv",
    "-c",
    `SELECT * FROM read_csv('http://127.0.0.1:${server.port}/allowed.csv')`,
  ], {
    cwd: t.root,
    env: { NO_COLOR: "1", DENO_DIR, XDG_STATE_HOME: t.state, XDG_CONFIG_HOME: `${t.root}/config` },
  });
  await server.close();
  console.log(
    `--allow-net remote read: exit ${run.code}, stderr ${
      JSON.stringify(run.stderr.trim())
    }, requests ${JSON.stringify(server.requests)}`,
  );
  // DuckDB cannot load httpfs here; with enable_external_access off it refuses remote paths.
  strictEqual(run.code, 1, run.stdout);
  strictEqual(server.requests.length, 0);
  match(run.stderr, /^noctra: error: -c:1: .*(httpfs|disabled by configuration|extension)/);
  await Deno.remove(t.root, { recursive: true });
});

globalThis.addEventListener("unload", () => {
  try {
    Deno.removeSync(BASE, { recursive: true });
  } catch { /* already gone */ }
});
