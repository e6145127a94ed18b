/**
 * Type mapping between SQLite's declared types and DuckDB's types, in both directions.
 *
 * SQLite → DuckDB follows SQLite's column-affinity rules (sqlite.org/datatype3.html §3.1, applied
 * in order): a declared type containing `INT` → BIGINT; `CHAR`, `CLOB` or `TEXT` → VARCHAR;
 * `BLOB` → BLOB; `REAL`, `FLOA` or `DOUB` → DOUBLE; `BOOL` → BOOLEAN; anything else with
 * NUMERIC affinity (`NUMERIC`, `DECIMAL(p,s)`) → DOUBLE. SQLite has no date type: `DATE`,
 * `DATETIME`, `TIMESTAMP`, `TIME` columns hold text and map to VARCHAR (cast with `::DATE`). A
 * column with no declared type may hold anything and maps to VARCHAR (values as text).
 *
 * DuckDB → SQLite (for `CREATE TABLE alias.t AS SELECT …`): integers and BOOLEAN → INTEGER;
 * FLOAT/DOUBLE/DECIMAL → REAL; BLOB → BLOB; DATE/TIME/TIMESTAMP → TEXT (ISO-8601, as DuckDB
 * prints it); everything else (VARCHAR, UUID, INTERVAL, nested types as DuckDB's text) → TEXT.
 *
 * @module
 */
import { DuckDBBlobValue, DuckDBDecimalValue } from "../duckdb_api.ts";
import type { Cell, ColumnKind } from "../result.ts";
import { NoctraError } from "../../errors.ts";
import { textOf } from "../../render/values.ts";

/** DuckDB type that holds a SQLite column of `declaredType` (empty/null when undeclared). */
export function duckdbTypeForSqlite(declaredType: string | null | undefined): string {
  const type = (declaredType ?? "").toUpperCase();
  if (type.includes("INT")) return "BIGINT";
  if (type.includes("CHAR") || type.includes("CLOB") || type.includes("TEXT")) return "VARCHAR";
  if (type.includes("BLOB")) return "BLOB";
  if (type.includes("REAL") || type.includes("FLOA") || type.includes("DOUB")) return "DOUBLE";
  if (type.includes("BOOL")) return "BOOLEAN";
  if (type === "" || type.includes("DATE") || type.includes("TIME")) return "VARCHAR";
  return "DOUBLE";
}

/** Renderer kind of a SQLite column of `declaredType` (expressions have none: `other`). */
export function kindForSqlite(declaredType: string | null | undefined): ColumnKind {
  if (declaredType === null || declaredType === undefined || declaredType === "") return "other";
  switch (duckdbTypeForSqlite(declaredType)) {
    case "BIGINT":
      return "integer";
    case "DOUBLE":
      return "float";
    case "BOOLEAN":
      return "boolean";
    case "VARCHAR":
      return "text";
    default:
      return "other";
  }
}

/** SQLite declared type for a column of DuckDB `type` (as `DuckDBType.toString()` prints it). */
export function sqliteTypeForDuckdb(type: string): string {
  const upper = type.toUpperCase();
  if (
    /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|BOOLEAN)$/
      .test(upper)
  ) {
    return "INTEGER";
  }
  if (upper === "FLOAT" || upper === "DOUBLE" || upper.startsWith("DECIMAL")) return "REAL";
  if (upper === "BLOB") return "BLOB";
  return "TEXT";
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * A DuckDB cell as a value SQLite can bind: booleans → 0/1, DECIMAL → REAL, BLOB → bytes,
 * temporal and nested values → DuckDB's text. Throws {@link NoctraError} naming the column and
 * value when an integer does not fit SQLite's 64-bit INTEGER.
 */
export function toSqliteValue(value: Cell, column: string, row: number): Cell {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case "boolean":
      return value ? 1 : 0;
    case "number":
    case "string":
      return value;
    case "bigint":
      if (value < INT64_MIN || value > INT64_MAX) {
        throw new NoctraError(
          `column ${column}, row ${row}: ${value} does not fit SQLite's 64-bit INTEGER; cast it to DOUBLE or VARCHAR; nothing was written`,
        );
      }
      return value;
  }
  if (value instanceof DuckDBDecimalValue) return Number(value.toString());
  if (value instanceof DuckDBBlobValue) return value.bytes;
  return textOf(value);
}
