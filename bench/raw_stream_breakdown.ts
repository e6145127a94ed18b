/**
 * Where the time of a streamed CSV export goes, layer by layer, with plain `@duckdb/node-api`.
 * An experiment behind the `csv_10m` findings in `docs/BENCHMARKS.md`, not part of
 * `deno task bench`.
 *
 * Usage: `deno run --allow-all bench/raw_stream_breakdown.ts MODE [SQL] > /dev/null`
 *
 * SQL defaults to the `csv_10m` query. Each mode does a little more than the one before, the way
 * Noctra's `--format csv` path does it (`connection.stream()` → `fetchChunk()` →
 * `getColumnVector(c).getItem(r)` → text → 64 KiB batches → `Deno.stdout.write`):
 * - `fetch`: fetch every chunk and count rows; nothing else.
 * - `getitem`: also read every cell with `vector.getItem(row)`.
 * - `columns`: also read every cell, but per chunk with `chunk.getColumns()`.
 * - `render`: build the CSV text like Noctra (`String(cell)`, quoting check, one joined string
 *   per chunk) but do not write it.
 * - `write`: `render` plus UTF-8 encoding and writing to stdout in 64 KiB batches.
 * - `sqltext`: like `write`, but DuckDB builds each line (`concat_ws(',', *COLUMNS(*))` over the
 *   query), so JS reads one VARCHAR per row. No quoting and NULLs are skipped, so it is only a
 *   probe of moving the text formatting into DuckDB, valid for data that needs neither.
 *
 * - `readall`: like `fetch`, but `connection.run()` (a materialized result) instead of `stream()`.
 *
 * Prints to stderr: rows, total milliseconds (instance creation included), the milliseconds
 * until `stream()`/`run()` returned, and the milliseconds spent awaiting `fetchChunk`.
 *
 * @module
 */
import { DuckDBInstance, type DuckDBValue } from "@duckdb/node-api";

const DEFAULT_SQL = "SELECT i AS id, i * 2 AS doubled, 'row-' || i AS label, i % 7 = 0 AS lucky " +
  "FROM range(10000000) t(i)";
const MODES = ["fetch", "getitem", "columns", "render", "write", "sqltext", "readall"] as const;
type Mode = typeof MODES[number];

/** Noctra's quoting rule (see `src/render/delimited.ts`). */
function quoteField(text: string): string {
  if (text === "") return '""';
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (char === "," || char === '"' || char === "\n" || char === "\r") {
      return `"${text.replaceAll('"', '""')}"`;
    }
  }
  return text;
}

function cellText(value: DuckDBValue): string | null {
  return value === null ? null : String(value);
}

/** Runs one mode over `sql`; returns rows, total and fetch milliseconds. */
async function run(
  mode: Mode,
  sql: string,
): Promise<{ rows: number; totalMs: number; startMs: number; fetchMs: number }> {
  const started = performance.now();
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  const beforeStart = performance.now();
  const result = mode === "readall" ? await connection.run(sql) : await connection.stream(
    mode === "sqltext" ? `SELECT concat_ws(',', *COLUMNS(*)) FROM (${sql})` : sql,
  );
  const startMs = performance.now() - beforeStart;
  const encoder = new TextEncoder();
  let pending: string[] = [];
  let pendingChars = 0;
  const flush = async () => {
    const bytes = encoder.encode(pending.join(""));
    pending = [];
    pendingChars = 0;
    let offset = 0;
    while (offset < bytes.length) offset += await Deno.stdout.write(bytes.subarray(offset));
  };
  let rows = 0;
  let fetchMs = 0;
  let sink = 0;
  for (;;) {
    const before = performance.now();
    const chunk = await result.fetchChunk();
    fetchMs += performance.now() - before;
    if (chunk === null || chunk.rowCount === 0) break;
    rows += chunk.rowCount;
    const columnCount = chunk.columnCount;
    if (mode === "fetch" || mode === "readall") continue;
    if (mode === "columns") {
      for (const column of chunk.getColumns()) sink += column.length;
      continue;
    }
    const vectors = Array.from({ length: columnCount }, (_, c) => chunk.getColumnVector(c));
    if (mode === "getitem") {
      for (let row = 0; row < chunk.rowCount; row++) {
        for (const vector of vectors) if (vector.getItem(row) !== null) sink++;
      }
      continue;
    }
    const lines = new Array<string>(chunk.rowCount);
    if (mode === "sqltext") {
      for (let row = 0; row < chunk.rowCount; row++) lines[row] = String(vectors[0]!.getItem(row));
    }
    for (let row = 0; mode !== "sqltext" && row < chunk.rowCount; row++) {
      let line = "";
      for (let column = 0; column < columnCount; column++) {
        const text = cellText(vectors[column]!.getItem(row));
        if (column > 0) line += ",";
        if (text !== null) line += quoteField(text);
      }
      lines[row] = line;
    }
    const text = lines.join("\n") + "\n";
    if (mode === "render") {
      sink += text.length;
      continue;
    }
    pending.push(text);
    pendingChars += text.length;
    if (pendingChars >= 64 * 1024) await flush();
  }
  if (pending.length > 0) await flush();
  if (sink < 0) console.error("unreachable");
  connection.closeSync();
  instance.closeSync();
  return { rows, totalMs: performance.now() - started, startMs, fetchMs };
}

if (import.meta.main) {
  const [mode, sql = DEFAULT_SQL] = Deno.args;
  if (!MODES.includes(mode as Mode)) {
    console.error(`usage: raw_stream_breakdown.ts ${MODES.join("|")} [SQL]`);
    Deno.exit(2);
  }
  const { rows, totalMs, startMs, fetchMs } = await run(mode as Mode, sql);
  console.error(
    `${mode}: ${rows} rows, ${Math.round(totalMs)} ms in-process, ` +
      `${Math.round(startMs)} ms until the result was returned, ` +
      `${Math.round(fetchMs)} ms awaiting fetchChunk`,
  );
}
