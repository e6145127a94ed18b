/**
 * The DuckDB CLI's `html` and `tcl` modes, byte for byte.
 *
 * - `html`: table rows without the `<table>` around them (as DuckDB and SQLite write them, to be
 *   pasted into one): a header row of `<th>` cells (unless `.headers off`), then one `<tr>` per
 *   row, each cell on its own line, `<`, `&`, `>`, `"` and `'` escaped; NULL as `.nullvalue`
 *   (default `NULL`).
 * - `tcl`: every name and value as a C/Tcl string literal (`"…"`, with `\\`, `\"`, `\t`, `\n`,
 *   `\r`, and every other byte outside printable ASCII — each UTF-8 byte of `é` too — as a
 *   three-digit octal escape), space-separated (or `.separator`), NULL as the quoted `.nullvalue`.
 *
 * Streams: one write per chunk.
 *
 * @module
 */
import type { RowsResult } from "../engine/result.ts";
import type { TextSink } from "./sink.ts";
import { NULL_TEXT, writeRowTexts } from "./text_layout.ts";
import type { RenderSummary } from "./values.ts";

/** What `html` and `tcl` read besides the result. */
export interface MarkupOptions {
  /** The header row (`.headers`); default true. */
  readonly headers?: boolean | undefined;
  /** Text for SQL NULL (`.nullvalue`); default `NULL`. */
  readonly nullValue?: string | undefined;
  /** `tcl`: between fields (`.separator COL`); default a space. */
  readonly columnSeparator?: string | undefined;
  /** `tcl`: after each line (`.separator COL ROW`); default a line break. */
  readonly rowSeparator?: string | undefined;
}

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  "<": "&lt;",
  "&": "&amp;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

function htmlText(text: string): string {
  return text.replace(/[<&>"']/g, (char) => HTML_ESCAPES[char]!);
}

/** Writes `result` as HTML table rows; returns the row count. */
export async function renderHtml(
  result: RowsResult,
  sink: TextSink,
  options: MarkupOptions = {},
): Promise<RenderSummary> {
  if (options.headers !== false) {
    const cells = result.columns.map((column) => `<th>${htmlText(column.name)}</th>\n`);
    await sink.write(`<tr>${cells.join("")}</tr>\n`);
  }
  const nullText = options.nullValue ?? NULL_TEXT;
  const rows = await writeRowTexts(
    result,
    sink,
    (texts) =>
      `<tr>${texts.map((text) => `<td>${htmlText(text ?? nullText)}</td>\n`).join("")}</tr>\n`,
  );
  return { rows };
}

const encoder = new TextEncoder();

/**
 * `text` as DuckDB's `EscapeCString`: a C string literal over the UTF-8 bytes.
 *
 * @example
 * ```ts
 * import { tclString } from "./html.ts";
 * import { strictEqual } from "node:assert/strict";
 * strictEqual(tclString('a"b\n'), '"a\\"b\\n"');
 * strictEqual(tclString("é"), '"\\303\\251"');
 * ```
 */
export function tclString(text: string): string {
  let literal = '"';
  if (!/[^\x20-\x7e]|["\\]/.test(text)) return literal + text + '"';
  for (const byte of encoder.encode(text)) {
    if (byte === 0x5c) literal += "\\\\";
    else if (byte === 0x22) literal += '\\"';
    else if (byte === 0x09) literal += "\\t";
    else if (byte === 0x0a) literal += "\\n";
    else if (byte === 0x0d) literal += "\\r";
    else if (byte < 0x20 || byte > 0x7e) literal += "\\" + byte.toString(8).padStart(3, "0");
    else literal += String.fromCharCode(byte);
  }
  return literal + '"';
}

/** Writes `result` as Tcl list lines of C string literals; returns the row count. */
export async function renderTcl(
  result: RowsResult,
  sink: TextSink,
  options: MarkupOptions = {},
): Promise<RenderSummary> {
  const separator = options.columnSeparator ?? " ";
  const end = options.rowSeparator ?? "\n";
  if (options.headers !== false) {
    await sink.write(result.columns.map((column) => tclString(column.name)).join(separator) + end);
  }
  const nullText = tclString(options.nullValue ?? NULL_TEXT);
  const rows = await writeRowTexts(
    result,
    sink,
    (texts) =>
      texts.map((text) => text === null ? nullText : tclString(text)).join(separator) + end,
  );
  return { rows };
}
