/**
 * Shared pieces of the differential harness (differential_test.ts): the generated data set, the
 * reference engines (DuckDB through `@duckdb/node-api`, SQLite through `node:sqlite`, never
 * through Noctra), a canonical form of rows, and parsers that read each output format back into
 * that form.
 *
 * Canonical form: a result is its column names plus rows of cells, each cell `string | null`.
 * Numbers become their decimal text, `bigint` its digits, DuckDB value objects (DECIMAL, DATE, …)
 * their `toString()`, timestamps use a space between date and time. Two cells are the same when
 * their texts are equal or both are numbers of equal value (`12.50` = `12.5`, `1e-7` = `1e-07`),
 * so that JSON's number text and DuckDB's text of the same value agree.
 *
 * @module
 */
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { DatabaseSync } from "node:sqlite";
import { type Table, tableFromIPC, Type } from "apache-arrow";
import { Pty } from "./_pty.ts";

/** One canonical cell. */
export type Canon = string | null;

/** A result in canonical form. */
export interface Rows {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly Canon[])[];
}

/** What running a query directly in its engine gave: all rows, or the engine's error. */
export type Outcome =
  | { readonly ok: true; readonly result: Rows; readonly csv: string; readonly tsv: string }
  | { readonly ok: false; readonly message: string };

// ---- the generated data set ---------------------------------------------------------------

/** Where the generated files are, and the SQLite aliases the corpus uses. */
export interface DataSet {
  readonly dir: string;
  /** 150,000 rows `id,val,name`; `val` of row id 120,000 is the text `oops`. */
  readonly bigCsv: string;
  /** 50,000 rows `id BIGINT, v VARCHAR` in row groups of 10,000; `v` is `'x'` from id 49,990. */
  readonly lateParquet: string;
  /** 150,000 lines `{"id": …, "name": …}`; line 120,001 is cut in the middle of a string. */
  readonly lateNdjson: string;
  /**
   * SQLite: `t(id INTEGER PRIMARY KEY, doc TEXT, n INTEGER)`, 5,000 rows; `doc` is valid JSON
   * except at id 3,000 (`{bad`); `n` is `-i` except at id 2,501 (-2^63, which `abs()` overflows);
   * view `v_abs` = `SELECT id, abs(n) AS a FROM t`.
   */
  readonly badDb: string;
}

/** Generates the data set in a fresh temporary directory. */
export async function generateData(): Promise<DataSet> {
  const dir = await Deno.makeTempDir({ prefix: "noctra-differential-" });
  const set: DataSet = {
    dir,
    bigCsv: `${dir}/big.csv`,
    lateParquet: `${dir}/late.parquet`,
    lateNdjson: `${dir}/late.ndjson`,
    badDb: `${dir}/bad.db`,
  };
  const csv = ["id,val,name"];
  const ndjson: string[] = [];
  for (let id = 0; id < 150_000; id++) {
    csv.push(`${id},${id === 120_000 ? "oops" : id * 3},n${id}`);
    ndjson.push(id === 120_000 ? `{"id": ${id}, "name": "n` : `{"id": ${id}, "name": "n${id}"}`);
  }
  await Deno.writeTextFile(set.bigCsv, csv.join("\n") + "\n");
  await Deno.writeTextFile(set.lateNdjson, ndjson.join("\n") + "\n");
  await withDuckDB(async (connection) => {
    await connection.run(
      `COPY (SELECT i AS id, CASE WHEN i >= 49990 THEN 'x' ELSE i::VARCHAR END AS v ` +
        `FROM range(50000) t(i)) TO '${set.lateParquet}' (FORMAT parquet, ROW_GROUP_SIZE 10000)`,
    );
  });
  const db = new DatabaseSync(set.badDb);
  try {
    db.exec(
      "CREATE TABLE t (id INTEGER PRIMARY KEY, doc TEXT, n INTEGER);" +
        "CREATE VIEW v_abs AS SELECT id, abs(n) AS a FROM t;",
    );
    const insert = db.prepare("INSERT INTO t VALUES (?, ?, ?)");
    db.exec("BEGIN");
    for (let id = 1; id <= 5000; id++) {
      const doc = id === 3000 ? "{bad" : JSON.stringify({ a: id });
      insert.run(id, doc, id === 2501 ? -(2n ** 63n) : -id);
    }
    db.exec("COMMIT");
  } finally {
    db.close();
  }
  return set;
}

// ---- reference engines --------------------------------------------------------------------

/** Runs `body` with a fresh in-memory DuckDB connection. */
export async function withDuckDB<T>(
  body: (connection: DuckDBConnection) => Promise<T>,
): Promise<T> {
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    return await body(connection);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** A message's text for comparison: its first line, trimmed, runs of whitespace as one space. */
export function firstLine(message: string): string {
  return message.trim().split("\n")[0]!.replace(/\s+/g, " ").trim();
}

/**
 * Runs `sql` materialized in DuckDB (`runAndReadAll`); on success also DuckDB's own CSV and TSV
 * text of the result (`COPY … (FORMAT csv, HEADER)`).
 */
export async function duckdbOutcome(connection: DuckDBConnection, sql: string): Promise<Outcome> {
  let result: Rows;
  try {
    const reader = await connection.runAndReadAll(sql);
    result = {
      columns: reader.columnNames(),
      rows: reader.getRows().map((row) => row.map(canonCell)),
    };
  } catch (error) {
    return { ok: false, message: (error as Error).message };
  }
  const dir = await Deno.makeTempDir({ prefix: "noctra-reference-" });
  try {
    await connection.run(`COPY (${sql}) TO '${dir}/r.csv' (FORMAT csv, HEADER)`);
    await connection.run(`COPY (${sql}) TO '${dir}/r.tsv' (FORMAT csv, HEADER, DELIMITER '\t')`);
    return {
      ok: true,
      result,
      csv: await Deno.readTextFile(`${dir}/r.csv`),
      tsv: await Deno.readTextFile(`${dir}/r.tsv`),
    };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** SQLite databases attached under aliases, as Noctra attaches them (`ATTACH DATABASE ? AS ?`). */
export type Attachments = Readonly<Record<string, string>>;

/** Opens an in-memory SQLite connection with `attachments` attached (read-only use). */
function openSqlite(attachments: Attachments): DatabaseSync {
  const db = new DatabaseSync(":memory:");
  for (const [alias, path] of Object.entries(attachments)) {
    db.prepare("ATTACH DATABASE ? AS ?").run(path, alias);
  }
  return db;
}

/** Runs `sql` in SQLite (`prepare().all()`), every value read exactly (`readBigInts`). */
export function sqliteOutcome(attachments: Attachments, sql: string): Outcome {
  const db = openSqlite(attachments);
  try {
    let result: Rows;
    try {
      const statement = db.prepare(sql);
      statement.setReadBigInts(true);
      statement.setReturnArrays(true);
      const rows = statement.all() as unknown as unknown[][];
      result = {
        columns: statement.columns().map((column) => column.name),
        rows: rows.map((row) => row.map(canonCell)),
      };
    } catch (error) {
      return { ok: false, message: (error as Error).message };
    }
    return {
      ok: true,
      result,
      csv: writeDelimited(result, ","),
      tsv: writeDelimited(result, "\t"),
    };
  } finally {
    db.close();
  }
}

/** DuckDB type of a SQLite declared type, by SQLite's affinity rules. */
function mappedType(declared: string): string {
  const type = declared.toUpperCase();
  if (type.includes("INT")) return "BIGINT";
  if (/REAL|FLOA|DOUB/.test(type)) return "DOUBLE";
  return "VARCHAR";
}

/**
 * The reference for a query that mixes SQLite tables with files: every SQLite relation it names
 * is read whole with `node:sqlite` (a SQLite error there is the outcome) and copied into DuckDB
 * under the same `alias.name`, then DuckDB runs the query.
 */
export async function bridgedOutcome(
  attachments: Attachments,
  relations: readonly string[],
  sql: string,
): Promise<Outcome> {
  return await withDuckDB(async (connection) => {
    const db = openSqlite(attachments);
    try {
      for (const relation of relations) {
        const [alias, name] = relation.split(".") as [string, string];
        const info = db.prepare(`PRAGMA ${alias}.table_info(${name})`).all() as {
          name: string;
          type: string;
        }[];
        let rows: unknown[][];
        try {
          const statement = db.prepare(`SELECT * FROM ${alias}.${name}`);
          statement.setReadBigInts(true);
          statement.setReturnArrays(true);
          rows = statement.all() as unknown as unknown[][];
        } catch (error) {
          return { ok: false, message: (error as Error).message };
        }
        const types = info.map((column) => mappedType(column.type));
        await connection.run(`ATTACH IF NOT EXISTS ':memory:' AS ${alias}`);
        await connection.run(
          `CREATE TABLE ${alias}.${name} (${
            info.map((column, index) => `"${column.name}" ${types[index]}`).join(", ")
          })`,
        );
        const appender = await connection.createAppender(name, "main", alias);
        for (const row of rows) {
          row.forEach((value, index) => {
            if (value === null) appender.appendNull();
            else if (types[index] === "BIGINT") appender.appendBigInt(BigInt(value as bigint));
            else if (types[index] === "DOUBLE") appender.appendDouble(Number(value));
            else appender.appendVarchar(String(value));
          });
          appender.endRow();
        }
        appender.closeSync();
      }
    } finally {
      db.close();
    }
    return await duckdbOutcome(connection, sql);
  });
}

// ---- canonical cells ----------------------------------------------------------------------

/** The canonical text of a value as an engine, a JSON parser or apache-arrow returns it. */
export function canonCell(value: unknown): Canon {
  if (value === null || value === undefined) return null;
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "bigint" || typeof value === "boolean") {
    return String(value);
  }
  if (value instanceof Uint8Array) return Array.from(value, (byte) => byte.toString(16)).join("");
  return String(value).replace(/^(\d{4}-\d\d-\d\d)T(\d\d:)/, "$1 $2");
}

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;

/** Whether two canonical cells hold the same value (see the module comment). */
export function sameCell(actual: Canon, expected: Canon): boolean {
  if (actual === expected) return true;
  if (actual === null || expected === null) return false;
  const normal = (text: string) => text.replace(/^(\d{4}-\d\d-\d\d)T(\d\d:)/, "$1 $2");
  if (normal(actual) === normal(expected)) return true;
  return NUMBER.test(actual) && NUMBER.test(expected) && Number(actual) === Number(expected);
}

/** Options of {@link compareRows}. */
export interface CompareOptions {
  /** The format cannot tell NULL from the empty string (markdown): treat them as equal. */
  readonly nullIsEmpty?: boolean;
  /** Compare column names too (false when the format carries none). */
  readonly columns?: boolean;
  /** Cells may be cut with `…` (table): compare the part shown. */
  readonly cut?: boolean;
}

/**
 * Describes the first difference between delivered and expected rows, or returns undefined when
 * they are the same (same count, same order, same cells).
 */
export function compareRows(
  actual: Rows,
  expected: Rows,
  options: CompareOptions = {},
): string | undefined {
  if ((options.columns ?? true) && actual.columns.join("\0") !== expected.columns.join("\0")) {
    return `columns ${JSON.stringify(actual.columns)} ≠ expected ${
      JSON.stringify(expected.columns)
    }`;
  }
  if (actual.rows.length !== expected.rows.length) {
    return `${actual.rows.length} rows delivered, ${expected.rows.length} expected`;
  }
  for (let row = 0; row < expected.rows.length; row++) {
    const got = actual.rows[row]!;
    const want = expected.rows[row]!;
    if (got.length !== want.length) {
      return `row ${row}: ${got.length} cells, ${want.length} expected`;
    }
    for (let column = 0; column < want.length; column++) {
      let a: Canon = got[column]!;
      let e: Canon = want[column]!;
      if (options.nullIsEmpty) {
        a = a === "" ? null : a;
        e = e === "" ? null : e;
      }
      if (options.cut && a !== null && e !== null && a.endsWith("…")) {
        if (e.startsWith(a.slice(0, -1))) continue;
      }
      if (!sameCell(a, e)) {
        return `row ${row} column ${column}: ${JSON.stringify(a)} ≠ expected ${JSON.stringify(e)}`;
      }
    }
  }
  return undefined;
}

// ---- readers of each output format --------------------------------------------------------

/** RFC 4180 text in canonical form (reference writer for SQLite results): NULL is empty. */
export function writeDelimited(rows: Rows, delimiter: string): string {
  const quote = (text: string) =>
    text === "" || /["\r\n]/.test(text) || text.includes(delimiter)
      ? `"${text.replaceAll('"', '""')}"`
      : text;
  const lines = [rows.columns.map(quote).join(delimiter)];
  for (const row of rows.rows) {
    lines.push(row.map((cell) => cell === null ? "" : quote(cell)).join(delimiter));
  }
  return lines.join("\n") + "\n";
}

/** Parses RFC 4180 text (first line = names); an unquoted empty field is NULL. */
export function parseDelimited(text: string, delimiter: string): Rows {
  const records: Canon[][] = [];
  let record: Canon[] = [];
  let index = 0;
  while (index < text.length) {
    let cell: Canon;
    if (text[index] === '"') {
      let value = "";
      index++;
      for (;;) {
        const close = text.indexOf('"', index);
        if (close < 0) throw new Error("unterminated quoted field");
        value += text.slice(index, close);
        index = close + 1;
        if (text[index] === '"') {
          value += '"';
          index++;
        } else break;
      }
      cell = value;
    } else {
      let end = index;
      while (end < text.length && text[end] !== delimiter && text[end] !== "\n") end++;
      const raw = text.slice(index, end).replace(/\r$/, "");
      cell = raw === "" ? null : raw;
      index = end;
    }
    record.push(cell);
    if (text[index] === delimiter) {
      index++;
      continue;
    }
    if (text[index] === "\r") index++;
    if (text[index] === "\n" || index >= text.length) {
      index++;
      records.push(record);
      record = [];
    }
  }
  const [header = [], ...rows] = records;
  return { columns: header.map((name) => name ?? ""), rows };
}

/** One JSON object per line. */
export function parseJsonl(text: string): Rows {
  const objects = text.split("\n").filter((line) => line !== "").map((line) =>
    JSON.parse(line) as Record<string, unknown>
  );
  return fromObjects(objects);
}

/** One JSON array of objects. */
export function parseJsonArray(text: string): Rows {
  return fromObjects(JSON.parse(text) as Record<string, unknown>[]);
}

function fromObjects(objects: readonly Record<string, unknown>[]): Rows {
  return {
    columns: objects.length > 0 ? Object.keys(objects[0]!) : [],
    rows: objects.map((object) => Object.values(object).map(jsonCell)),
  };
}

function jsonCell(value: unknown): Canon {
  if (value !== null && typeof value === "object") return JSON.stringify(value);
  return canonCell(value);
}

/** A GitHub markdown table (NULL and the empty string are both empty cells). */
export function parseMarkdown(text: string): Rows {
  const lines = text.split("\n").filter((line) => line.startsWith("|"));
  const cells = (line: string) =>
    line.slice(1, -1).split(/(?<!\\)\|/).map((cell) =>
      cell.trim().replaceAll("\\|", "|").replaceAll("\\\\", "\\")
    );
  const [header, , ...rows] = lines;
  return { columns: header === undefined ? [] : cells(header), rows: rows.map(cells) };
}

/** A box table: names, types, rows, and the row count its footer claims (if it has a footer). */
export interface ParsedTable extends Rows {
  readonly footerRows: number | undefined;
}

/** The row count a table footer states (`3,376 rows  7 columns`), if `text` has such a line. */
export function footerRowCount(text: string): number | undefined {
  const found = /([\d,]+) rows?(?: \([\d,]+ shown\))? {2}\d+ columns?/.exec(text);
  return found ? Number(found[1]!.replaceAll(",", "")) : undefined;
}

/** Parses Noctra's box table (NULL shown as `NULL`). */
export function parseTable(text: string): ParsedTable {
  const lines = text.split("\n");
  const cells = (line: string) =>
    line.slice(1, -1).split("│").map((cell) => cell.trim()).map((cell) =>
      cell === "NULL" ? null : cell
    );
  const body: Canon[][] = [];
  let columns: string[] = [];
  let state: "before" | "names" | "types" | "rows" | "after" = "before";
  for (const line of lines) {
    if (state === "before" && line.startsWith("┌")) state = "names";
    else if (state === "names" && line.startsWith("│")) {
      columns = cells(line).map((name) => name ?? "NULL");
      state = "types";
    } else if (state === "types" && line.startsWith("├")) state = "rows";
    else if (state === "rows") {
      if (line.startsWith("│")) body.push(cells(line));
      else state = "after";
    }
  }
  return { columns, rows: body, footerRows: footerRowCount(text) };
}

/** Canonical rows of an apache-arrow table (dates as `YYYY-MM-DD`). */
export function arrowRows(table: Table): Rows {
  const fields = table.schema.fields;
  const rows: Canon[][] = [];
  for (let row = 0; row < table.numRows; row++) {
    rows.push(fields.map((field, index) => {
      const value: unknown = table.getChildAt(index)!.get(row);
      if (value !== null && field.typeId === Type.Date && typeof value === "number") {
        return new Date(value).toISOString().slice(0, 10);
      }
      if (value instanceof Date) return value.toISOString().slice(0, 10);
      return canonCell(value);
    }));
  }
  return { columns: fields.map((field) => field.name), rows };
}

/** Reads an Arrow IPC file. */
export async function readArrowFile(path: string): Promise<Rows> {
  return arrowRows(tableFromIPC(await Deno.readFile(path)));
}

/** Reads a file DuckDB can read (parquet, csv, json) back through DuckDB. */
export async function readBack(sql: string): Promise<Rows> {
  return await withDuckDB(async (connection) => {
    const reader = await connection.runAndReadAll(sql);
    return {
      columns: reader.columnNames(),
      rows: reader.getRows().map((row) => row.map(canonCell)),
    };
  });
}

/** The REPL on a pseudo-terminal started in `cwd` (tests/_pty.ts). */
export class PtyRepl extends Pty {
  constructor(_root: string, cwd: string, args: readonly string[] = []) {
    super({ cwd, args });
  }
}

/** Runs `tasks` with at most `limit` of them at once; results in order. */
export function pool(limit: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    while (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await task();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}
