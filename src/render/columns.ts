/**
 * The DuckDB CLI's padded-column modes, byte for byte: `column` (`.mode column`: names, a line of
 * dashes, columns two spaces apart), `asciitable` (DuckDB's `.mode table`: an ASCII `+---+`
 * grid — Noctra's `table` is DuckDB's `duckbox`, so the ASCII grid needs another name), `box`
 * (`.mode box`: the same grid in Unicode box-drawing lines, no types, no footer) and `latex`
 * (`.mode latex`: a `tabular` environment; values are written as they are, not escaped for TeX,
 * as DuckDB writes them).
 *
 * A column is as wide as its widest name or value (DuckDB's `RenderLength`, `render_width.ts`)
 * and at least its `.width` (`widths`; a negative width right-aligns the column, names
 * included in `column` mode). Names are centred in `asciitable`, `box` and `latex`; values are
 * left-aligned. `box` writes a line break inside a value or name as `\n`; the others write it
 * as it is. `.headers off` drops the header of `column` only, as in DuckDB.
 *
 * Streams: DuckDB reads the whole result before it writes the first line; Noctra holds the first
 * {@link SIZING_ROWS} rows to size the columns, writes them, then writes each later chunk as it
 * arrives with the same widths — a later value wider than its column is written whole and
 * pushes that row's separators right. Up to {@link SIZING_ROWS} rows (or when no later value is
 * wider) the output is the DuckDB CLI's.
 *
 * @module
 */
import type { ColumnInfo, RowsResult } from "../engine/result.ts";
import type { TextSink } from "./sink.ts";
import { alignText, renderWidth } from "./render_width.ts";
import { NULL_TEXT } from "./text_layout.ts";
import { type RenderSummary, textFormatter } from "./values.ts";

/** Rows held to size the columns before the first line is written. */
export const SIZING_ROWS = 10_000;

/** The padded-column modes. */
export type ColumnMode = "column" | "asciitable" | "box" | "latex";

/** What the padded-column modes read besides the result. */
export interface ColumnsOptions {
  /** The header of `column` mode (`.headers`); default true. The other modes always have one. */
  readonly headers?: boolean | undefined;
  /** Text for SQL NULL (`.nullvalue`); default `NULL`. */
  readonly nullValue?: string | undefined;
  /**
   * Least widths of the first columns (`.width`); a negative width right-aligns its column.
   * 0 or absent: as wide as the content.
   */
  readonly widths?: readonly number[] | undefined;
}

/** DuckDB's `ColumnTypeIsInteger`: the types latex right-aligns (`r`), by type name. */
const LATEX_RIGHT = new Set([
  "TINYINT",
  "SMALLINT",
  "INTEGER",
  "BIGINT",
  "FLOAT",
  "DOUBLE",
  "DECIMAL",
]);

/** How one mode draws its lines, given the column widths. */
interface Frame {
  readonly header: (names: readonly string[]) => string;
  readonly rowStart: string;
  readonly separator: string;
  readonly rowEnd: string;
  readonly footer: string;
}

function rule(widths: readonly number[], left: string, join: string, right: string, fill: string) {
  return left + widths.map((width) => fill.repeat(width + 2)).join(join) + right + "\n";
}

function frameOf(
  mode: ColumnMode,
  columns: readonly ColumnInfo[],
  widths: readonly number[],
  right: readonly boolean[],
  headers: boolean,
): Frame {
  const centred = (names: readonly string[]) =>
    names.map((name, index) => alignText(name, widths[index]!, "center"));
  switch (mode) {
    case "column":
      return {
        header: (names) =>
          headers
            ? names.map((name, i) => alignText(name, widths[i]!, right[i] ? "right" : "left"))
              .join("  ") + "\n" + widths.map((width) => "-".repeat(width)).join("  ") + "\n"
            : "",
        rowStart: "",
        separator: "  ",
        rowEnd: "\n",
        footer: "",
      };
    case "asciitable": {
      const line = rule(widths, "+", "+", "+", "-");
      return {
        header: (names) => line + "| " + centred(names).join(" | ") + " |\n" + line,
        rowStart: "| ",
        separator: " | ",
        rowEnd: " |\n",
        footer: line,
      };
    }
    case "box":
      return {
        header: (names) =>
          rule(widths, "┌", "┬", "┐", "─") + "│ " + centred(names).join(" │ ") + " │\n" +
          rule(widths, "├", "┼", "┤", "─"),
        rowStart: "│ ",
        separator: " │ ",
        rowEnd: " │\n",
        footer: rule(widths, "└", "┴", "┘", "─"),
      };
    case "latex": {
      const spec = columns.map((column) =>
        LATEX_RIGHT.has(column.type.replace(/\(.*$/, "").toUpperCase()) ? "r" : "l"
      ).join("");
      return {
        header: (names) =>
          `\\begin{tabular}{|${spec}|}\n\\hline\n` + centred(names).join(" & ") + " \\\\\n" +
          "\\hline\n",
        rowStart: "",
        separator: " & ",
        rowEnd: " \\\\\n",
        footer: "\\hline\n\\end{tabular}\n",
      };
    }
  }
}

/** Writes `result` in one of the padded-column modes; returns the row count. */
export async function renderColumns(
  result: RowsResult,
  sink: TextSink,
  mode: ColumnMode,
  options: ColumnsOptions = {},
): Promise<RenderSummary> {
  const columns = result.columns;
  // box writes a line break as `\n`, in names and values (DuckDB's ConvertValue), not in NULL.
  const convert = mode === "box" ? (text: string) => text.replaceAll("\n", "\\n") : undefined;
  const names = columns.map((column) => convert?.(column.name) ?? column.name);
  const nullText = options.nullValue ?? NULL_TEXT;
  const formatters = columns.map((column) => textFormatter(column.kind, column.type));
  const held: string[][] = [];
  let frame: Frame | undefined;
  let widths: number[] = [];
  let right: boolean[] = [];
  let rows = 0;

  const line = (texts: readonly string[]) => {
    let text = frame!.rowStart;
    for (let index = 0; index < texts.length; index++) {
      if (index > 0) text += frame!.separator;
      text += alignText(texts[index]!, widths[index]!, right[index] ? "right" : "left");
    }
    return text + frame!.rowEnd;
  };
  const start = async () => {
    const least = columns.map((_, index) => options.widths?.[index] ?? 0);
    right = least.map((width) => width < 0);
    widths = least.map((width, index) => {
      let widest = Math.max(Math.abs(width), renderWidth(names[index]!));
      for (const row of held) widest = Math.max(widest, renderWidth(row[index]!));
      return widest;
    });
    frame = frameOf(mode, columns, widths, right, options.headers !== false);
    let text = frame.header(names);
    for (const row of held) text += line(row);
    held.length = 0;
    await sink.write(text);
  };

  for await (const chunk of result.chunks()) {
    let text = "";
    for (let row = 0; row < chunk.rowCount; row++) {
      const texts = chunk.columns.map((vector, column) => {
        const value = formatters[column]!(vector.getItem(row));
        return value === null ? nullText : convert?.(value) ?? value;
      });
      if (frame === undefined) {
        held.push(texts);
        continue;
      }
      text += line(texts);
    }
    rows += chunk.rowCount;
    if (text !== "") await sink.write(text);
    if (frame === undefined && held.length >= SIZING_ROWS) await start();
  }
  if (frame === undefined) await start();
  await sink.write(frame!.footer);
  return { rows };
}
