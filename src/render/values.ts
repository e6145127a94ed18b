/**
 * Text and JSON encodings of cell values, and the little every renderer shares (the summary it
 * returns, which kinds are numeric).
 *
 * Text follows DuckDB's own `VARCHAR` casts (`cell_text.ts`), so a table shows what the DuckDB
 * CLI shows. JSON keeps types: see {@link jsonOf}.
 *
 * @module
 */
import {
  DuckDBArrayValue,
  DuckDBDecimalValue,
  DuckDBListValue,
  DuckDBMapValue,
  DuckDBStructValue,
  DuckDBTimestampMillisecondsValue,
  DuckDBTimestampNanosecondsValue,
  DuckDBTimestampSecondsValue,
  DuckDBTimestampTZValue,
  DuckDBTimestampValue,
  DuckDBUnionValue,
} from "../engine/duckdb_api.ts";
import type { Cell, ColumnKind } from "../engine/result.ts";
import { cellFormatter, cellText, doubleText, float32Text } from "./cell_text.ts";

export { blobText } from "./cell_text.ts";

/** What a renderer reports after writing a result. */
export interface RenderSummary {
  /** Rows in the result (all of them, also those a table did not display). */
  readonly rows: number;
}

/** True for integer, float and decimal columns, which are right-aligned. */
export function isNumericKind(kind: ColumnKind): boolean {
  return kind === "integer" || kind === "float" || kind === "decimal";
}

/** Largest integer a JSON number carries exactly in JavaScript (2^53 − 1). */
const MAX_EXACT_INTEGER = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * The text of a cell as DuckDB would print it, or `null` for SQL NULL (see `cell_text.ts`;
 * without the column's type a whole number prints as an integer, others as a DOUBLE).
 * Doubles print as `nan`, `inf`, `-inf` for the non-finite values, as DuckDB does.
 */
export function textOf(value: Cell): string | null {
  return cellText(value);
}

/**
 * A JSON string literal as DuckDB's JSON writer (yyjson) writes it: `JSON.stringify`, except
 * that the control characters escaped as `\u00XX` have upper-case hex digits.
 */
export function jsonString(text: string): string {
  const literal = JSON.stringify(text);
  // deno-lint-ignore no-control-regex -- control characters are what is looked for
  return /[\x00-\x1f]/.test(text)
    ? literal.replace(
      /\\(?:\\|u00[0-9a-f]{2})/g,
      (escape) => escape.length === 2 ? escape : `\\u${escape.slice(2).toUpperCase()}`,
    )
    : literal;
}

/**
 * Text of a FLOAT/DOUBLE cell as DuckDB prints it: whole numbers keep a `.0` (`35.0`), so a
 * DOUBLE column never looks like an integer one; see `cell_text.ts` for the rest.
 */
export function floatText(value: Cell): string | null {
  return typeof value === "number" ? doubleText(value) : textOf(value);
}

/**
 * The text formatter for a column of `kind` and SQL `type` (as `ColumnInfo.type` spells it):
 * DuckDB's VARCHAR cast of each cell — a FLOAT with 32-bit shortest digits, a DOUBLE with `.0`
 * on whole numbers, nested values with DuckDB's quoting of their items.
 */
export function textFormatter(kind: ColumnKind, type = ""): (value: Cell) => string | null {
  if (kind === "float") {
    const float32 = type.toUpperCase() === "FLOAT";
    return (value) =>
      typeof value === "number"
        ? (float32 ? float32Text(value) : doubleText(value))
        : textOf(value);
  }
  if (kind === "nested" || kind === "other") return cellFormatter(type);
  return textOf;
}

/**
 * The JSON text of a cell, keeping its type:
 * - integers are JSON numbers; BIGINT/HUGEINT values beyond ±(2^53 − 1) are JSON strings, so no
 *   JSON reader rounds them;
 * - DECIMAL is a JSON number with its exact digits (`12.50`);
 * - non-finite doubles are the strings `"NaN"`, `"Infinity"`, `"-Infinity"`;
 * - DATE/TIME as DuckDB prints them, TIMESTAMP as ISO-8601 with `T` (`2024-01-02T03:04:05.5`);
 * - LIST/ARRAY → array, STRUCT → object, MAP → object keyed by the key's text, UNION → its member;
 * - NULL → `null`; everything else → its DuckDB text as a JSON string.
 */
export function jsonOf(value: Cell): string {
  if (value === null || value === undefined) return "null";
  switch (typeof value) {
    case "string":
      return jsonString(value);
    case "number":
      if (Number.isFinite(value)) return String(value);
      return Number.isNaN(value) ? '"NaN"' : value > 0 ? '"Infinity"' : '"-Infinity"';
    case "bigint":
      return value <= MAX_EXACT_INTEGER && value >= -MAX_EXACT_INTEGER
        ? String(value)
        : `"${value}"`;
    case "boolean":
      return String(value);
  }
  if (value instanceof DuckDBDecimalValue) return value.toString();
  if (value instanceof DuckDBListValue || value instanceof DuckDBArrayValue) {
    return `[${value.items.map(jsonOf).join(",")}]`;
  }
  if (value instanceof DuckDBStructValue) {
    const fields = Object.entries(value.entries).map(([key, item]) =>
      `${jsonString(key)}:${jsonOf(item)}`
    );
    return `{${fields.join(",")}}`;
  }
  if (value instanceof DuckDBMapValue) {
    const fields = value.entries.map((entry) =>
      `${jsonString(textOf(entry.key) ?? "null")}:${jsonOf(entry.value)}`
    );
    return `{${fields.join(",")}}`;
  }
  if (value instanceof DuckDBUnionValue) return jsonOf(value.value);
  if (
    value instanceof DuckDBTimestampValue || value instanceof DuckDBTimestampTZValue ||
    value instanceof DuckDBTimestampSecondsValue ||
    value instanceof DuckDBTimestampMillisecondsValue ||
    value instanceof DuckDBTimestampNanosecondsValue
  ) {
    return jsonString(value.toString().replace(" ", "T"));
  }
  return jsonString(textOf(value) ?? "null");
}

/**
 * `count` with thousands separated by commas (`12345` → `"12,345"`), as
 * `toLocaleString("en-US")` writes it without initialising ICU (~10 ms at the first call).
 *
 * @example
 * ```ts
 * import { groupedDigits } from "./values.ts";
 * import { strictEqual } from "node:assert/strict";
 * strictEqual(groupedDigits(1234567), "1,234,567");
 * strictEqual(groupedDigits(-42), "-42");
 * ```
 */
export function groupedDigits(count: number | bigint): string {
  const text = String(count);
  const sign = text.startsWith("-") ? "-" : "";
  const digits = sign === "" ? text : text.slice(1);
  return sign + digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/**
 * Column names made unique for use as JSON keys: a repeated name gets `_1`, `_2`, … as
 * DuckDB's `deduplicatedColumnNames` does.
 */
export function uniqueNames(names: readonly string[]): string[] {
  const seen = new Set<string>();
  return names.map((name) => {
    let candidate = name;
    for (let suffix = 1; seen.has(candidate); suffix++) candidate = `${name}_${suffix}`;
    seen.add(candidate);
    return candidate;
  });
}
