/**
 * Text layout that several renderers share: lengths in characters (code points, as the table
 * has always counted them), one record laid out as `name = value` lines (the table's switch to
 * the `line` layout for a single row wider than the terminal; `line.ts` itself counts names in
 * UTF-8 bytes, as DuckDB does), and the rows of a result as text, one write per chunk.
 *
 * A helper like `values.ts`: renderers import it; it imports no renderer.
 *
 * @module
 */
import type { RowsResult } from "../engine/result.ts";
import type { TextSink } from "./sink.ts";
import { textFormatter } from "./values.ts";

/** How SQL NULL reads in the table, `line` and `list` formats (as in the DuckDB CLI). */
export const NULL_TEXT = "NULL";

/**
 * Length of `text` in characters (Unicode code points), the unit every width in the renderers
 * is measured in.
 *
 * @example
 * ```ts
 * import { textLength } from "./text_layout.ts";
 * import { strictEqual } from "node:assert/strict";
 * strictEqual(textLength("é😀"), 2);
 * ```
 */
export function textLength(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/**
 * `text` padded with spaces to `width` characters (on the left when `alignRight`); text already
 * that long or longer is returned as it is.
 */
export function padText(text: string, width: number, alignRight = false): string {
  const pad = width - textLength(text);
  if (pad <= 0) return text;
  return alignRight ? " ".repeat(pad) + text : text + " ".repeat(pad);
}

/** Narrowest the name column of a record is, as in SQLite's and DuckDB's `.mode line`. */
const RECORD_NAME_WIDTH = 5;

/**
 * One record as `name = value` lines, names right-aligned to the widest name (at least 5
 * characters), each line ending in `\n`: the layout of DuckDB's `.mode line`, by characters.
 *
 * @param names the column names, in order
 * @param values each column's text, `null` for SQL NULL (written as `NULL`, through `styleNull`)
 * @param styleNull wraps the NULL text (to dim it on a terminal); identity by default
 *
 * @example
 * ```ts
 * import { recordLines } from "./text_layout.ts";
 * import { strictEqual } from "node:assert/strict";
 * strictEqual(recordLines(["id", "species"], ["1", null]), "     id = 1\nspecies = NULL\n");
 * ```
 */
export function recordLines(
  names: readonly string[],
  values: readonly (string | null)[],
  styleNull: (text: string) => string = (text) => text,
): string {
  let nameWidth = RECORD_NAME_WIDTH;
  for (const name of names) nameWidth = Math.max(nameWidth, textLength(name));
  let text = "";
  names.forEach((name, index) => {
    const value = values[index] ?? null;
    text += `${padText(name, nameWidth, true)} = ${
      value === null ? styleNull(NULL_TEXT) : value
    }\n`;
  });
  return text;
}

/**
 * Writes every row of `result` as the text `format` makes of it — given the row's cell texts
 * (`null` for SQL NULL, text as `values.ts` writes it) and its 0-based position — one write per
 * chunk. Returns the number of rows.
 */
export async function writeRowTexts(
  result: RowsResult,
  sink: TextSink,
  format: (texts: readonly (string | null)[], position: number) => string,
): Promise<number> {
  const formatters = result.columns.map((column) => textFormatter(column.kind, column.type));
  let rows = 0;
  for await (const chunk of result.chunks()) {
    const parts = new Array<string>(chunk.rowCount);
    for (let row = 0; row < chunk.rowCount; row++) {
      parts[row] = format(
        chunk.columns.map((vector, column) => formatters[column]!(vector.getItem(row))),
        rows + row,
      );
    }
    rows += chunk.rowCount;
    if (parts.length > 0) await sink.write(parts.join(""));
  }
  return rows;
}
