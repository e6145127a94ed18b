/**
 * Differential harness: a failed query never looks like a successful one.
 *
 * Every query of the corpus below runs first in its own engine, directly — DuckDB through
 * `@duckdb/node-api` (`runAndReadAll`, materialized), SQLite through `node:sqlite`
 * (`prepare().all()`), a query mixing files and SQLite tables through DuckDB after the SQLite
 * tables were read whole with `node:sqlite` — never through Noctra. That outcome (all rows, or the
 * engine's error) is the expectation for every output path of Noctra:
 *
 * - stdout in each `--format`, `-o FILE`, `EXPORT … FORMAT …`, the REPL, the library.
 * - Success: exit 0, stderr empty (EXPORT: at most its one summary line), the same rows in the
 *   same order.
 * - Failure: exit 1, stderr exactly one line `noctra: error: …` containing the first line of the
 *   engine's own message (whitespace runs compared as one space), no stack trace; the table shows
 *   no footer with a row count; `-o FILE` and `EXPORT` leave an existing file byte-for-byte and no
 *   other file beside it.
 *
 * Canonical comparison per path (cells compared as in _differential.ts: same text, or numbers of
 * equal value):
 *
 * | path                  | read back as                                                         |
 * | --------------------- | -------------------------------------------------------------------- |
 * | csv, tsv (stdout, -o) | the exact text DuckDB's `COPY … (FORMAT csv, HEADER)` writes for the  |
 * |                       | same query (SQLite: an RFC 4180 writer over node:sqlite's values),    |
 * |                       | and parsed (RFC 4180, unquoted empty = NULL) into cells               |
 * | json, jsonl           | `JSON.parse`, object values in key order                             |
 * | markdown              | cells split on unescaped `\|`; NULL = empty string                    |
 * | table (`--max-rows 0`)| rows between the header rule and the footer; `NULL` = NULL; a cell    |
 * |                       | cut with `…` matches by prefix; the footer's count = rows expected    |
 * | EXPORT parquet/json/  | read back by DuckDB (`read_parquet`, `read_json`)                     |
 * | jsonl                 |                                                                      |
 * | EXPORT csv            | the exact text of DuckDB's `COPY`, and parsed as csv above            |
 * | EXPORT arrow, library | apache-arrow `tableFromIPC` / library cells, canonical text            |
 * | queryArrow()          |                                                                      |
 * | REPL                  | the footer's row count; a failure prints `error: …` and no footer,    |
 * |                       | and the next statement runs                                          |
 *
 * The successful queries run together in one process per path (separated by marker queries
 * whose output is cut out again); each failing query runs in a process of its own. A new output
 * path is one entry in `TEXT_PATHS` or `EXPORT_PATHS` (or `LIBRARY_PATHS`).
 */
import { ok, strictEqual } from "node:assert/strict";
import { type CliRun, FIXTURES, ROOT, runNoctra } from "./_cli.ts";
import {
  arrowRows,
  type Attachments,
  bridgedOutcome,
  type Canon,
  type CompareOptions,
  compareRows,
  duckdbOutcome,
  firstLine,
  footerRowCount,
  generateData,
  type Outcome,
  parseDelimited,
  parseJsonArray,
  parseJsonl,
  parseMarkdown,
  parseTable,
  pool,
  PtyRepl,
  readArrowFile,
  readBack,
  type Rows,
  sqliteOutcome,
  withDuckDB,
} from "./_differential.ts";
import { Noctra } from "../mod.ts";

const data = await generateData();
const F = FIXTURES;
const D = data.dir;

const ATTACHMENTS: Attachments = { geo: `${F}/airports.sqlite`, bad: data.badDb };
const ATTACH_STATEMENTS = Object.entries(ATTACHMENTS).map(([alias, path]) =>
  `ATTACH '${path}' AS ${alias} (TYPE SQLITE, READ_ONLY)`
);

/** One query of the corpus and the engine that is its reference. */
interface Query {
  readonly name: string;
  readonly sql: string;
  /** `duckdb`: files only; `sqlite`: SQLite tables only (runs natively); `bridge`: both. */
  readonly engine: "duckdb" | "sqlite" | "bridge";
  /**
   * The SQLite relations the query reads: bridged into DuckDB for `bridge`, and for `sqlite`
   * when the query runs in DuckDB (EXPORT runs every query in DuckDB).
   */
  readonly relations?: readonly string[];
}

const QUERIES: readonly Query[] = [
  // Files, successful.
  {
    name: "airports.csv, all 3,376 rows",
    engine: "duckdb",
    sql: `SELECT * FROM '${F}/airports.csv'`,
  },
  {
    name: "penguins.parquet with NULLs",
    engine: "duckdb",
    sql: `SELECT * FROM '${F}/penguins.parquet'`,
  },
  { name: "penguins.json", engine: "duckdb", sql: `SELECT * FROM '${F}/penguins.json'` },
  {
    name: "penguins.ndjson, filtered",
    engine: "duckdb",
    sql:
      `SELECT "Species", "Island", "Body Mass (g)" FROM '${F}/penguins.ndjson' WHERE "Sex" IS NULL`,
  },
  {
    name: "seattle-weather.csv dates",
    engine: "duckdb",
    sql: `SELECT date, weather, temp_max FROM '${F}/seattle-weather.csv' WHERE precipitation > 20`,
  },
  {
    name: "unemployment.tsv through read_csv",
    engine: "duckdb",
    sql:
      `SELECT * FROM read_csv('${F}/unemployment.tsv', delim = '\t') ORDER BY rate DESC, id LIMIT 100`,
  },
  {
    name: "logs/*.csv glob aggregate",
    engine: "duckdb",
    sql:
      `SELECT weather, count(*) AS days FROM '${F}/logs/*.csv' GROUP BY weather ORDER BY weather`,
  },
  {
    name: "big.csv read as text, every 37th row",
    engine: "duckdb",
    sql: `SELECT id, val, name FROM read_csv('${data.bigCsv}', types = {'val': 'VARCHAR'}) ` +
      `WHERE id % 37 = 0`,
  },
  {
    name: "late.parquet without the cast, every 9th row",
    engine: "duckdb",
    sql: `SELECT id, v FROM '${data.lateParquet}' WHERE id % 9 = 0`,
  },
  {
    name: "CSV joined with Parquet",
    engine: "duckdb",
    sql: `SELECT p."Species", count(*) AS n, a.state FROM '${F}/penguins.parquet' p ` +
      `JOIN (SELECT state FROM '${F}/airports.csv' WHERE state IN ('WA', 'OR') GROUP BY state) a ` +
      `ON true GROUP BY ALL ORDER BY ALL`,
  },
  { name: "empty result", engine: "duckdb", sql: `SELECT * FROM '${F}/airports.csv' WHERE false` },
  // Files, failing after many rows.
  {
    name: "big.csv: text in an integer column at row 120,000",
    engine: "duckdb",
    sql: `SELECT * FROM '${data.bigCsv}'`,
  },
  {
    name: "late.parquet: cast fails in the last row group",
    engine: "duckdb",
    sql: `SELECT id, v::INTEGER AS n FROM '${data.lateParquet}'`,
  },
  {
    name: "late.ndjson: malformed JSON at line 120,001",
    engine: "duckdb",
    sql: `SELECT * FROM '${data.lateNdjson}'`,
  },
  {
    name: "range: cast fails at row 150,000",
    engine: "duckdb",
    sql: `SELECT i, (CASE WHEN i < 150000 THEN i::VARCHAR ELSE 'z' END)::INTEGER AS n ` +
      `FROM range(200000) t(i)`,
  },
  // SQLite only (native).
  {
    name: "SQLite: all airports",
    engine: "sqlite",
    relations: ["geo.airports"],
    sql: "SELECT * FROM geo.airports ORDER BY iata",
  },
  {
    name: "SQLite: airports per state",
    engine: "sqlite",
    relations: ["geo.airports"],
    sql: "SELECT state, count(*) AS n FROM geo.airports GROUP BY state ORDER BY n DESC, state",
  },
  {
    name: "SQLite: rows before the bad ones",
    engine: "sqlite",
    relations: ["bad.t"],
    sql: "SELECT id, doc, n FROM bad.t WHERE id < 2000 ORDER BY id",
  },
  {
    name: "SQLite: json_extract fails at row 3,000",
    engine: "sqlite",
    relations: ["bad.t"],
    sql: "SELECT id, json_extract(doc, '$.a') AS a FROM bad.t",
  },
  {
    name: "SQLite: abs() overflows at row 2,501",
    engine: "sqlite",
    relations: ["bad.t"],
    sql: "SELECT id, abs(n) AS a FROM bad.t",
  },
  // A CSV with SQLite tables (bridged into DuckDB).
  {
    name: "bridge: flights per state",
    engine: "bridge",
    relations: ["geo.airports"],
    sql: `SELECT a.state, CAST(sum(f.count) AS BIGINT) AS flights ` +
      `FROM '${F}/flights-airport.csv' f JOIN geo.airports a ON a.iata = f.origin ` +
      `GROUP BY a.state ORDER BY flights DESC, a.state`,
  },
  {
    name: "bridge: every flight with its destination",
    engine: "bridge",
    relations: ["geo.airports"],
    sql: `SELECT f.origin, f.destination, f.count, a.name, a.latitude ` +
      `FROM '${F}/flights-airport.csv' f JOIN geo.airports a ON a.iata = f.destination ` +
      `ORDER BY f.origin, f.destination`,
  },
  {
    name: "bridge: SQLite view overflows while bridged",
    engine: "bridge",
    relations: ["bad.v_abs"],
    sql: `SELECT v.id, v.a, f.origin FROM bad.v_abs v ` +
      `CROSS JOIN (SELECT min(origin) AS origin FROM '${F}/flights-airport.csv') f`,
  },
  {
    name: "bridge: DuckDB json_extract fails on the bridged bad row",
    engine: "bridge",
    relations: ["bad.t"],
    sql: `SELECT t.id, json_extract(t.doc, '$.a') AS a, c.n FROM bad.t t ` +
      `CROSS JOIN (SELECT count(*) AS n FROM '${F}/airports.csv') c`,
  },
];

async function outcomeOf(query: Query): Promise<Outcome> {
  switch (query.engine) {
    case "duckdb":
      return await withDuckDB((connection) => duckdbOutcome(connection, query.sql));
    case "sqlite":
      return sqliteOutcome(ATTACHMENTS, query.sql);
    case "bridge":
      return await bridgedOutcome(ATTACHMENTS, query.relations ?? [], query.sql);
  }
}

const EXPECTED: readonly Outcome[] = [];
for (const query of QUERIES) (EXPECTED as Outcome[]).push(await outcomeOf(query));

/**
 * EXPORT hands every query to DuckDB's COPY (SQLite tables bridged, docs/RQL.md): for a
 * SQLite-only query its reference is DuckDB over the bridged tables, with DuckDB's semantics.
 */
const EXPECTED_EXPORT: readonly Outcome[] = [];
for (const [index, query] of QUERIES.entries()) {
  (EXPECTED_EXPORT as Outcome[]).push(
    query.engine === "sqlite"
      ? await bridgedOutcome(ATTACHMENTS, query.relations ?? [], query.sql)
      : EXPECTED[index]!,
  );
}

/** Indexes of the queries that succeed / fail in their engine. */
const GOOD = QUERIES.map((_, index) => index).filter((index) => EXPECTED[index]!.ok);
const BAD = QUERIES.map((_, index) => index).filter((index) => !EXPECTED[index]!.ok);
const GOOD_EXPORT = QUERIES.map((_, index) => index).filter((index) => EXPECTED_EXPORT[index]!.ok);
const BAD_EXPORT = QUERIES.map((_, index) => index).filter((index) => !EXPECTED_EXPORT[index]!.ok);

Deno.test("differential: the corpus has successes and late failures in every engine", () => {
  for (const engine of ["duckdb", "sqlite", "bridge"] as const) {
    const indexes = QUERIES.map((query, index) => ({ query, index })).filter((entry) =>
      entry.query.engine === engine
    );
    ok(indexes.some(({ index }) => EXPECTED[index]!.ok), `${engine}: a query that succeeds`);
    ok(indexes.some(({ index }) => !EXPECTED[index]!.ok), `${engine}: a query that fails`);
  }
  for (const query of QUERIES) {
    if (query.engine !== "duckdb") ok(query.relations?.length, `${query.name}: relations named`);
  }
  // The failures are late: the data before the bad value reads fine (checked by good queries
  // over the same files), and the engine's message names the cause.
  const messages = BAD.map((index) => (EXPECTED[index] as { message: string }).message);
  ok(
    messages.some((message) => message.includes("CSV Error on Line: 120002")),
    messages.join("\n"),
  );
  ok(messages.some((message) => message.includes("Could not convert string 'x' to INT32")));
  ok(messages.some((message) => message.includes("Malformed JSON")));
  ok(messages.includes("malformed JSON") && messages.includes("integer overflow"));
});

// ---- output paths -------------------------------------------------------------------------

/** How a text format reads back, and how its output of a marker query looks. */
interface TextFormat {
  readonly parse: (text: string) => Rows;
  readonly compare: CompareOptions;
  /** Lines of a marker query's output before / after the line holding the marker. */
  readonly marker: { readonly before: number; readonly after: number };
  /** DuckDB's own text of the result, when the output must equal it byte for byte. */
  readonly exact?: (outcome: Outcome & { ok: true }) => string;
}

const TEXT_FORMATS = {
  table: {
    parse: parseTable,
    compare: { cut: true },
    marker: { before: 4, after: 3 },
  },
  csv: {
    parse: (text) => parseDelimited(text, ","),
    compare: {},
    marker: { before: 1, after: 0 },
    exact: (outcome) => outcome.csv,
  },
  tsv: {
    parse: (text) => parseDelimited(text, "\t"),
    compare: {},
    marker: { before: 1, after: 0 },
    exact: (outcome) => outcome.tsv,
  },
  json: { parse: parseJsonArray, compare: {}, marker: { before: 0, after: 0 } },
  jsonl: { parse: parseJsonl, compare: { columns: false }, marker: { before: 0, after: 0 } },
  markdown: {
    parse: parseMarkdown,
    compare: { nullIsEmpty: true },
    marker: { before: 2, after: 0 },
  },
} satisfies Record<string, TextFormat>;

type FormatName = keyof typeof TEXT_FORMATS;

/** A path whose rows arrive as text: stdout, or the file of `-o`. */
interface TextPath {
  readonly name: string;
  readonly format: FormatName;
  /** `-o FILE` (relative to the run's directory), or undefined for stdout. */
  readonly outputFile?: string;
}

const TEXT_PATHS: readonly TextPath[] = [
  { name: "--format table", format: "table" },
  { name: "--format csv", format: "csv" },
  { name: "--format tsv", format: "tsv" },
  { name: "--format json", format: "json" },
  { name: "--format jsonl", format: "jsonl" },
  { name: "--format markdown", format: "markdown" },
  { name: "-o FILE --format csv", format: "csv", outputFile: "out.csv" },
  { name: "-o FILE --format jsonl", format: "jsonl", outputFile: "out.jsonl" },
];

/** An EXPORT path: the file is read back and compared. */
interface ExportPath {
  readonly name: string;
  readonly format: "PARQUET" | "CSV" | "JSON" | "JSONL" | "ARROW";
  readonly extension: string;
  /** Whether an old target exists before the EXPORT (written with OVERWRITE). */
  readonly replaces: boolean;
  readonly read: (path: string) => Promise<Rows>;
  readonly compare: CompareOptions;
  readonly exact?: (outcome: Outcome & { ok: true }) => string;
}

const EXPORT_PATHS: readonly ExportPath[] = [
  {
    name: "EXPORT FORMAT parquet (OVERWRITE)",
    format: "PARQUET",
    extension: "parquet",
    replaces: true,
    read: (path) => readBack(`SELECT * FROM read_parquet('${path}')`),
    compare: {},
  },
  {
    name: "EXPORT FORMAT parquet (new file)",
    format: "PARQUET",
    extension: "parquet",
    replaces: false,
    read: (path) => readBack(`SELECT * FROM read_parquet('${path}')`),
    compare: {},
  },
  {
    name: "EXPORT FORMAT csv (OVERWRITE)",
    format: "CSV",
    extension: "csv",
    replaces: true,
    read: async (path) => parseDelimited(await Deno.readTextFile(path), ","),
    compare: {},
    exact: (outcome) => outcome.csv,
  },
  {
    name: "EXPORT FORMAT json (OVERWRITE)",
    format: "JSON",
    extension: "json",
    replaces: true,
    read: (path) => readBack(`SELECT * FROM read_json('${path}', format = 'array')`),
    compare: {},
  },
  {
    name: "EXPORT FORMAT jsonl (OVERWRITE)",
    format: "JSONL",
    extension: "jsonl",
    replaces: true,
    read: (path) => readBack(`SELECT * FROM read_json('${path}', format = 'newline_delimited')`),
    compare: {},
  },
  {
    name: "EXPORT FORMAT arrow (OVERWRITE)",
    format: "ARROW",
    extension: "arrow",
    replaces: true,
    read: readArrowFile,
    compare: {},
  },
];

const OLD_CONTENT = "old content that a failed write must leave alone\n";
const MARK = "noctra-differential-mark-";

/** The statements (after the attachments) of a text-path run: one query, or many with markers. */
function textStatements(indexes: readonly number[]): string[] {
  if (indexes.length === 1) return [QUERIES[indexes[0]!]!.sql];
  const statements: string[] = [];
  indexes.forEach((index, position) => {
    statements.push(`SELECT '${MARK}${position}' AS mark`, QUERIES[index]!.sql);
  });
  statements.push(`SELECT '${MARK}${indexes.length}' AS mark`);
  return statements;
}

/** Cuts the output of a marked run into the text of each query. */
function splitMarked(text: string, format: TextFormat, count: number): string[] {
  const lines = text.split("\n");
  const at = (position: number) =>
    lines.findIndex((line) => new RegExp(`${MARK}${position}(?!\\d)`).test(line));
  const pieces: string[] = [];
  for (let position = 0; position < count; position++) {
    const start = at(position);
    const end = at(position + 1);
    if (start < 0 || end < 0) {
      pieces.push(`(marker ${start < 0 ? position : position + 1} missing from the output)`);
      continue;
    }
    pieces.push(
      lines.slice(start + format.marker.after + 1, end - format.marker.before).join("\n") + "\n",
    );
  }
  return pieces;
}

/** What one CLI run of a path produced. */
interface PathRun {
  readonly run: CliRun;
  readonly dir: string;
  /** Text of -o FILE after the run (undefined: no such file). */
  readonly outputText?: string | undefined;
  readonly listing: readonly string[];
}

const schedule = pool(3);

async function listing(dir: string): Promise<string[]> {
  return (await Array.fromAsync(Deno.readDir(dir))).map((entry) => entry.name).sort();
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await Deno.readTextFile(path);
  } catch {
    return undefined;
  }
}

function runTextPath(path: TextPath, indexes: readonly number[]): Promise<PathRun> {
  return schedule(async () => {
    const dir = await Deno.makeTempDir({ prefix: "noctra-diff-run-" });
    const args = ["--format", path.format, "--max-rows", "0"];
    if (path.outputFile !== undefined) {
      await Deno.writeTextFile(`${dir}/${path.outputFile}`, OLD_CONTENT);
      args.push("-o", `${dir}/${path.outputFile}`);
    }
    const statements = [...ATTACH_STATEMENTS, ...textStatements(indexes)];
    const run = await runNoctra([...args, ...statements.flatMap((sql) => ["-c", sql])], {
      cwd: dir,
    });
    const outputText = path.outputFile === undefined
      ? undefined
      : await readIfExists(`${dir}/${path.outputFile}`);
    return { run, dir, outputText, listing: await listing(dir) };
  });
}

function exportTarget(path: ExportPath, index: number): string {
  return `q${index}.${path.extension}`;
}

function runExportPath(path: ExportPath, indexes: readonly number[]): Promise<PathRun> {
  return schedule(async () => {
    const dir = await Deno.makeTempDir({ prefix: "noctra-diff-export-" });
    const statements = [...ATTACH_STATEMENTS];
    for (const index of indexes) {
      const target = `${dir}/${exportTarget(path, index)}`;
      if (path.replaces) await Deno.writeTextFile(target, OLD_CONTENT);
      statements.push(
        `EXPORT (${QUERIES[index]!.sql}) TO '${target}' FORMAT ${path.format}` +
          (path.replaces ? " OVERWRITE" : ""),
      );
    }
    const run = await runNoctra(statements.flatMap((sql) => ["-c", sql]), { cwd: dir });
    return { run, dir, listing: await listing(dir) };
  });
}

/** Runs a promise to the end without letting it reject before a test awaits it. */
function settled<T>(promise: Promise<T>): Promise<{ value: T } | { error: unknown }> {
  return promise.then((value) => ({ value }), (error) => ({ error }));
}

async function valueOf<T>(promise: Promise<{ value: T } | { error: unknown }>): Promise<T> {
  const result = await promise;
  if ("error" in result) throw result.error;
  return result.value;
}

// Start every CLI run now (three at a time); each test awaits its own.
const textRuns = new Map<string, ReturnType<typeof settled<PathRun>>>();
const exportRuns = new Map<string, ReturnType<typeof settled<PathRun>>>();
for (const path of TEXT_PATHS) {
  textRuns.set(`${path.name}|good`, settled(runTextPath(path, GOOD)));
  for (const index of BAD) {
    textRuns.set(`${path.name}|${index}`, settled(runTextPath(path, [index])));
  }
}
for (const path of EXPORT_PATHS) {
  exportRuns.set(`${path.name}|good`, settled(runExportPath(path, GOOD_EXPORT)));
  for (const index of BAD_EXPORT) {
    exportRuns.set(`${path.name}|${index}`, settled(runExportPath(path, [index])));
  }
}

// ---- assertions shared by the paths -------------------------------------------------------

/** stderr of a failed run: one line, Noctra's prefix, the engine's message, no stack trace. */
function assertFailure(run: CliRun, expected: Outcome & { ok: false }): void {
  const context = `exit ${run.code}; stderr:\n${run.stderr}`;
  strictEqual(run.code, 1, context);
  ok(run.stderr.endsWith("\n"), `stderr ends with a newline; ${context}`);
  strictEqual(run.stderr.split("\n").length, 2, `exactly one line on stderr; ${context}`);
  ok(run.stderr.startsWith("noctra: error: "), context);
  ok(!/^\s+at |Uncaught/m.test(run.stderr), `no stack trace; ${context}`);
  const line = run.stderr.replace(/\s+/g, " ");
  ok(
    line.includes(firstLine(expected.message)),
    `stderr carries the engine's message ${
      JSON.stringify(firstLine(expected.message))
    }; ${context}`,
  );
}

function assertRows(actual: Rows, expected: Rows, options: CompareOptions, what: string): void {
  const difference = compareRows(actual, expected, options);
  strictEqual(difference, undefined, `${what}: ${difference}`);
}

const SANITIZE = { sanitizeOps: false, sanitizeResources: false };

// ---- text paths: stdout and -o ------------------------------------------------------------

for (const path of TEXT_PATHS) {
  const format: TextFormat = TEXT_FORMATS[path.format];
  const toFile = path.outputFile !== undefined;
  Deno.test({
    name: `differential: ${path.name} — every successful query, all rows`,
    ...SANITIZE,
    fn: async () => {
      const { run, outputText } = await valueOf(textRuns.get(`${path.name}|good`)!);
      strictEqual(run.code, 0, run.stderr);
      strictEqual(run.stderr, "");
      if (toFile) strictEqual(run.stdout, "", "-o writes nothing to stdout");
      const text = toFile ? outputText ?? "" : run.stdout;
      const pieces = splitMarked(text, format, GOOD.length);
      const problems: string[] = [];
      GOOD.forEach((index, position) => {
        const expected = EXPECTED[index] as Outcome & { ok: true };
        const piece = pieces[position]!;
        const name = QUERIES[index]!.name;
        try {
          const exact = format.exact?.(expected);
          if (exact !== undefined) {
            strictEqual(piece, exact, "the text DuckDB's COPY writes");
          }
          const parsed = format.parse(piece);
          // An empty JSON array names no columns.
          const difference = compareRows(parsed, expected.result, {
            ...format.compare,
            ...(path.format === "json" && expected.result.rows.length === 0
              ? { columns: false }
              : {}),
          });
          if (difference !== undefined) throw new Error(difference);
          if (path.format === "table") {
            strictEqual(
              footerRowCount(piece),
              expected.result.rows.length,
              "the footer counts the rows",
            );
          }
        } catch (error) {
          problems.push(`${name}: ${(error as Error).message.split("\n").slice(0, 6).join(" ")}`);
        }
      });
      strictEqual(problems.join("\n"), "", `${problems.length} queries differ`);
    },
  });
  for (const index of BAD) {
    const expected = EXPECTED[index] as Outcome & { ok: false };
    Deno.test({
      name: `differential: ${path.name} — ${QUERIES[index]!.name} fails`,
      ...SANITIZE,
      fn: async () => {
        const { run, outputText, listing } = await valueOf(
          textRuns.get(`${path.name}|${index}`)!,
        );
        assertFailure(run, expected);
        if (path.format === "table") {
          strictEqual(footerRowCount(run.stdout), undefined, "no row-count footer on failure");
        }
        if (toFile) {
          strictEqual(outputText, OLD_CONTENT, "-o FILE keeps its old content");
          strictEqual(listing.join(","), path.outputFile, "nothing else left beside FILE");
          strictEqual(run.stdout, "");
        }
      },
    });
  }
}

// ---- EXPORT -------------------------------------------------------------------------------

for (const path of EXPORT_PATHS) {
  Deno.test({
    name: `differential: ${path.name} — every successful query, read back`,
    ...SANITIZE,
    fn: async () => {
      const { run, dir } = await valueOf(exportRuns.get(`${path.name}|good`)!);
      strictEqual(run.code, 0, run.stderr);
      ok(!/^\s+at |Uncaught|error/m.test(run.stderr), run.stderr);
      const problems: string[] = [];
      for (const index of GOOD_EXPORT) {
        const expected = EXPECTED_EXPORT[index] as Outcome & { ok: true };
        const file = `${dir}/${exportTarget(path, index)}`;
        try {
          if (path.exact !== undefined) {
            strictEqual(await Deno.readTextFile(file), path.exact(expected), "COPY's own text");
          }
          const rows = await path.read(file);
          // An empty JSON array or file names no columns.
          const difference = compareRows(rows, expected.result, {
            ...path.compare,
            columns: expected.result.rows.length > 0 || !path.format.startsWith("JSON"),
          });
          if (difference !== undefined) throw new Error(difference);
        } catch (error) {
          problems.push(
            `${QUERIES[index]!.name}: ${
              (error as Error).message.split("\n").slice(0, 4).join(" ")
            }`,
          );
        }
      }
      strictEqual(problems.join("\n"), "", `${problems.length} exports differ`);
    },
  });
  for (const index of BAD_EXPORT) {
    const expected = EXPECTED_EXPORT[index] as Outcome & { ok: false };
    Deno.test({
      name: `differential: ${path.name} — ${QUERIES[index]!.name} fails`,
      ...SANITIZE,
      fn: async () => {
        const { run, dir, listing } = await valueOf(exportRuns.get(`${path.name}|${index}`)!);
        assertFailure(run, expected);
        const target = exportTarget(path, index);
        if (path.replaces) {
          strictEqual(listing.join(","), target, "only the old target, no temporary file");
          strictEqual(await Deno.readTextFile(`${dir}/${target}`), OLD_CONTENT, "old file intact");
        } else {
          strictEqual(listing.join(","), "", "no new file");
        }
      },
    });
  }
}

// ---- the library --------------------------------------------------------------------------

/** A library call that gives all rows of a query, or rejects. */
interface LibraryPath {
  readonly name: string;
  readonly read: (noctra: Noctra, sql: string) => Promise<Rows>;
}

function libraryCell(value: unknown): Canon {
  if (typeof value === "bigint" || typeof value === "number") return String(value);
  if (value === null || value === undefined) return null;
  if (typeof value === "string") return value;
  if (value instanceof Uint8Array) return Array.from(value, (byte) => byte.toString(16)).join("");
  return String(value).replace(/^(\d{4}-\d\d-\d\d)T(\d\d:)/, "$1 $2");
}

const LIBRARY_PATHS: readonly LibraryPath[] = [
  {
    name: "library rows()",
    read: async (noctra, sql) => {
      const rows: Canon[][] = [];
      let columns: string[] = [];
      for await (const row of noctra.rows(sql)) {
        columns = Object.keys(row);
        rows.push(Object.values(row).map(libraryCell));
      }
      return { columns, rows };
    },
  },
  {
    name: "library query() chunks",
    read: async (noctra, sql) => {
      const result = await noctra.query(sql);
      const rows: Canon[][] = [];
      for await (const chunk of result.chunks()) {
        for (let row = 0; row < chunk.rowCount; row++) {
          rows.push(chunk.columns.map((column) => libraryCell(column.getItem(row))));
        }
      }
      return { columns: result.columns.map((column) => column.name), rows };
    },
  },
  {
    name: "library queryArrow()",
    read: async (noctra, sql) => arrowRows(await noctra.queryArrow(sql)),
  },
];

for (const path of LIBRARY_PATHS) {
  for (const [index, query] of QUERIES.entries()) {
    const expected = EXPECTED[index]!;
    Deno.test({
      name: `differential: ${path.name} — ${query.name} ${
        expected.ok ? "gives all rows" : "fails"
      }`,
      ...SANITIZE,
      fn: async () => {
        const noctra = await Noctra.open();
        try {
          for (const statement of ATTACH_STATEMENTS) await noctra.execute(statement);
          let rows: Rows | undefined;
          let failure: Error | undefined;
          try {
            rows = await path.read(noctra, query.sql);
          } catch (error) {
            failure = error as Error;
          }
          if (expected.ok) {
            strictEqual(failure, undefined, `unexpected error: ${failure?.message}`);
            assertRows(rows!, expected.result, {
              columns: path.name !== "library rows()" || expected.result.rows.length > 0,
            }, query.name);
          } else {
            ok(failure !== undefined, `resolved with ${rows?.rows.length} rows instead of failing`);
            ok(
              failure.message.replace(/\s+/g, " ").includes(firstLine(expected.message)),
              `the engine's message ${JSON.stringify(firstLine(expected.message))} in ${
                JSON.stringify(failure.message)
              }`,
            );
          }
          // The session goes on.
          const after: unknown[] = [];
          for await (const row of noctra.rows("SELECT 42 AS after")) after.push(row);
          strictEqual(after.length, 1);
        } finally {
          noctra.close();
        }
      },
    });
  }
}

// ---- the REPL -----------------------------------------------------------------------------

Deno.test({
  name: "differential: REPL — every query; failures print the error, no footer, REPL lives on",
  ...SANITIZE,
  fn: async () => {
    const repl = new PtyRepl(ROOT, D);
    const problems: string[] = [];
    try {
      await repl.waitFor(/noctra> /);
      await repl.send(".maxrows 3\n");
      await repl.waitFor(/noctra> /);
      for (const statement of ATTACH_STATEMENTS) {
        await repl.send(`${statement};\n`);
        await repl.waitFor(/noctra> /);
      }
      for (const [index, query] of QUERIES.entries()) {
        const expected = EXPECTED[index]!;
        const start = repl.screen.length;
        await repl.send(`${query.sql};\n`);
        await repl.waitFor(
          /error: .*\n|[\d,]+ rows?(?: \([\d,]+ shown\))? {2}\d+ columns?/,
          30_000,
        );
        await repl.send(`SELECT '${MARK}${index}' AS mark;\n`);
        await repl.waitFor(new RegExp(`│ ${MARK}${index} +│[^]*?noctra> `), 30_000);
        const screen = repl.screen.slice(start);
        const segment = screen.slice(0, screen.indexOf(`SELECT '${MARK}${index}'`));
        const footer = footerRowCount(segment);
        const error = /error: (.*)/.exec(segment)?.[1];
        if (expected.ok) {
          if (error !== undefined) problems.push(`${query.name}: unexpected error: ${error}`);
          else if (footer !== expected.result.rows.length) {
            problems.push(
              `${query.name}: footer says ${footer} rows, expected ${expected.result.rows.length}`,
            );
          }
        } else {
          if (error === undefined) problems.push(`${query.name}: no error printed`);
          else if (!error.replace(/\s+/g, " ").includes(firstLine(expected.message))) {
            problems.push(`${query.name}: error without the engine's message: ${error}`);
          }
          if (footer !== undefined) {
            problems.push(`${query.name}: a failed query shows a footer claiming ${footer} rows`);
          }
        }
      }
      await repl.send("quit\n");
    } catch (error) {
      problems.push(`the REPL stopped answering: ${(error as Error).message.slice(0, 600)}`);
    }
    const code = await repl.finish();
    if (code !== 0) problems.push(`the REPL exited with ${code}`);
    strictEqual(problems.join("\n"), "", `${problems.length} problems`);
  },
});
