/**
 * When DuckDB's own JSON writer (`COPY … (FORMAT json)`, one object per line) writes exactly the
 * bytes Noctra's JSONL renderer would (`src/render/json.ts`, values by `jsonOf`), and the query
 * that makes it do so. DuckDB's writer formats natively in its own threads: 10M rows of three
 * columns went from 6.7 s through JavaScript to 3.6–3.9 s (bench/cli.ts `rows10m_jsonl`, the
 * runs before and after, as docs/BENCHMARKS.md notes).
 *
 * Only column types whose encodings were compared byte for byte qualify
 * (`tests/render_test.ts`, "jsonl through DuckDB's writer …"): BOOLEAN, the integers up to 32
 * bits, BIGINT/UBIGINT (a `CASE` quotes values beyond ±(2^53 − 1) as Noctra does), VARCHAR (both
 * escape control characters as `\u00XX` with upper-case hex) and DATE. Floating point (DuckDB
 * writes `1e21` and bare `Infinity`), DECIMAL (DuckDB drops trailing zeros), timestamps (Noctra
 * writes ISO `T`), nested and other types keep the JavaScript renderer.
 *
 * @module
 */
import { DuckDBTypeId } from "./duckdb_api.ts";
import { quoteIdentifier } from "../sql_text.ts";

/** Types DuckDB's JSON writer encodes as Noctra does, written as they are. */
const AS_IS = new Set<DuckDBTypeId>([
  DuckDBTypeId.BOOLEAN,
  DuckDBTypeId.TINYINT,
  DuckDBTypeId.SMALLINT,
  DuckDBTypeId.INTEGER,
  DuckDBTypeId.UTINYINT,
  DuckDBTypeId.USMALLINT,
  DuckDBTypeId.UINTEGER,
  DuckDBTypeId.VARCHAR,
  DuckDBTypeId.DATE,
]);

/** 64-bit integers: JSON numbers up to ±(2^53 − 1), strings beyond, as `jsonOf` writes them. */
const WIDE_INTEGERS = new Set<DuckDBTypeId>([DuckDBTypeId.BIGINT, DuckDBTypeId.UBIGINT]);

/**
 * The query to put inside `COPY (…) TO … (FORMAT json)` so DuckDB writes `query`'s rows as
 * Noctra's JSONL renderer would, or `null` when a column's type does not qualify (see the module
 * documentation).
 *
 * @param query one SELECT-like statement (anything DuckDB accepts in `FROM (…)`).
 * @param columns the result's columns in order: `keys` are the JSON keys (already unique),
 *   `typeIds` DuckDB's type ids, both of the same length.
 * @returns `SELECT … FROM (query) AS t(c1, …)`: columns are renamed by position first, so
 *   duplicate or odd names are safe, then given their keys as aliases.
 */
export function jsonLinesCopyQuery(
  query: string,
  columns: { readonly keys: readonly string[]; readonly typeIds: readonly DuckDBTypeId[] },
): string | null {
  const { keys, typeIds } = columns;
  if (keys.length === 0 || keys.length !== typeIds.length) return null;
  const expressions: string[] = [];
  for (let index = 0; index < typeIds.length; index++) {
    const column = `c${index + 1}`;
    const typeId = typeIds[index]!;
    let expression: string;
    if (AS_IS.has(typeId)) expression = column;
    else if (WIDE_INTEGERS.has(typeId)) {
      expression = `CASE WHEN ${column} BETWEEN -9007199254740991 AND 9007199254740991 ` +
        `THEN ${column}::JSON ELSE to_json(${column}::VARCHAR) END`;
    } else return null;
    expressions.push(`${expression} AS ${quoteIdentifier(keys[index]!)}`);
  }
  const positional = typeIds.map((_, index) => `c${index + 1}`).join(", ");
  // The query ends on its own line so a trailing `--` comment cannot swallow the `)`.
  return `SELECT ${expressions.join(", ")} FROM (${query}\n) AS t(${positional})`;
}
