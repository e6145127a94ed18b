/**
 * The results of `DuckDBSource` as Noctra's {@link RowsResult}: DuckDB's streaming results read
 * chunk by chunk, the check at their end that tells a finished result from one DuckDB ended on an
 * error (`duckdb_result_return_type`), parameters bound to prepared statements, and the coarse
 * kind of each DuckDB type the renderers use.
 *
 * @module
 */
import {
  type DuckDBPreparedStatement,
  type DuckDBResult,
  type DuckDBType,
  DuckDBTypeId,
  type DuckDBValue,
  ResultReturnType,
  StatementType,
} from "../duckdb_api.ts";
import type { ColumnInfo, ColumnKind, MessageResult, RowsResult } from "../result.ts";

/**
 * Named parameter values (name without `$`) and their DuckDB types, bound to a statement.
 *
 * @internal Typed with `@duckdb/node-api` values, outside the documented library surface.
 */
export interface Parameters {
  /** Each parameter's value, by name. */
  readonly values: Readonly<Record<string, DuckDBValue>>;
  /** Each parameter's DuckDB type, by name. */
  readonly types: Readonly<Record<string, DuckDBType>>;
}

/** Binds `parameters` (when there are any) to `prepared`'s `$name` placeholders. */
export function bindParameters(
  prepared: DuckDBPreparedStatement,
  parameters: Parameters | undefined,
): void {
  if (parameters !== undefined && Object.keys(parameters.values).length > 0) {
    prepared.bind(
      parameters.values as Record<string, DuckDBValue>,
      parameters.types as Record<string, DuckDBType>,
    );
  }
}

/** Statement types whose result is rows to show (everything else reports a message). */
const ROW_STATEMENT_TYPES: ReadonlySet<StatementType> = new Set([
  StatementType.SELECT,
  StatementType.EXPLAIN,
  StatementType.PRAGMA,
  StatementType.CALL,
  StatementType.RELATION,
  StatementType.EXECUTE,
]);

/**
 * A started result as Noctra's result: rows to stream for statements that return rows (SELECT,
 * EXPLAIN, PRAGMA, …, and writes with RETURNING), else the statement is drained so it completes and reports the rows it
 * changed (DDL and SET report none worth showing). Throws DuckDB's error of a failed statement.
 */
export async function rowsOrMessage(
  result: DuckDBResult,
  failure: StreamFailure,
): Promise<RowsResult | MessageResult> {
  // INSERT/UPDATE/DELETE … RETURNING return rows too (`duckdb_result_return_type`).
  if (
    ROW_STATEMENT_TYPES.has(result.statementType) ||
    result.returnType === ResultReturnType.QUERY_RESULT
  ) {
    return streamingRows(result, failure);
  }
  const changed = await finishChangeResult(result, failure);
  return changed === undefined
    ? { kind: "message", message: "" }
    : { kind: "message", message: `${changed} rows changed`, rowsChanged: changed };
}

/** Builds the error of a stream that DuckDB ended early, given the rows delivered before. */
export type StreamFailure = (rowsDelivered: number) => Promise<Error>;

/**
 * True when DuckDB ended `result` because of an error: a failed result reports
 * `ResultReturnType.INVALID` (`duckdb_result_return_type`), a finished one keeps its type.
 */
function endedWithError(result: DuckDBResult): boolean {
  return result.returnType === ResultReturnType.INVALID;
}

export async function finishChangeResult(
  result: DuckDBResult,
  failure: StreamFailure,
): Promise<number | undefined> {
  const statement = result.statementType;
  const counts = statement === StatementType.INSERT || statement === StatementType.UPDATE ||
    statement === StatementType.DELETE || statement === StatementType.MERGE_INTO;
  if (!counts) {
    // The end of a result is an empty chunk (or null), not only null.
    for (;;) {
      const chunk = await result.fetchChunk();
      if (chunk === null || chunk.rowCount === 0) {
        if (endedWithError(result)) throw await failure(0);
        return undefined;
      }
    }
  }
  // DuckDB reports changed rows as a one-row "Count" result for these statements.
  let changed = 0;
  for await (const chunk of result) {
    for (let row = 0; row < chunk.rowCount; row++) {
      changed += Number(chunk.getColumnVector(0).getItem(row) ?? 0);
    }
  }
  if (endedWithError(result)) throw await failure(0);
  return changed;
}

/**
 * The rows of a streaming result, fetched chunk by chunk as the consumer iterates. When DuckDB
 * ends the result because of an error, the iteration throws that error (see
 * `DuckDBSource`'s `#streamFailure`) instead of ending as if the result were complete.
 */
export function streamingRows(result: DuckDBResult, failure: StreamFailure): RowsResult {
  const columns = columnsOf(result);
  let consumed = false;
  return {
    kind: "rows",
    columns,
    async *chunks() {
      if (consumed) return;
      consumed = true;
      let delivered = 0;
      for (;;) {
        const chunk = await result.fetchChunk();
        if (chunk === null || chunk.rowCount === 0) {
          if (endedWithError(result)) throw await failure(delivered);
          return;
        }
        delivered += chunk.rowCount;
        // Vectors are read here, for every chunk, even by consumers that only count rows: the
        // JavaScript they create is what prompts V8 to collect the chunks already read, whose
        // native memory it cannot see (read lazily, 10M rows to a table peaked at 482 MB
        // instead of 334 MB).
        const vectors = [];
        for (let index = 0; index < chunk.columnCount; index++) {
          vectors.push(chunk.getColumnVector(index));
        }
        yield { rowCount: chunk.rowCount, columns: vectors };
      }
    },
  };
}

/**
 * The name, DuckDB type name and {@link ColumnKind} of each column of a result or of a prepared
 * statement (both answer `columnCount`, `columnName(i)` and `columnType(i)`), in order.
 */
export function columnsOf(
  relation: Pick<DuckDBResult, "columnCount" | "columnName" | "columnType">,
): ColumnInfo[] {
  const columns: ColumnInfo[] = [];
  for (let index = 0; index < relation.columnCount; index++) {
    const type = relation.columnType(index);
    columns.push({
      name: relation.columnName(index),
      type: type.toString(),
      kind: kindOf(type.typeId),
    });
  }
  return columns;
}

/** Maps DuckDB's type ids to the coarse {@link ColumnKind} renderers use. */
export function kindOf(typeId: DuckDBTypeId): ColumnKind {
  switch (typeId) {
    case DuckDBTypeId.TINYINT:
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.UTINYINT:
    case DuckDBTypeId.USMALLINT:
    case DuckDBTypeId.UINTEGER:
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UHUGEINT:
    case DuckDBTypeId.BIGNUM:
      return "integer";
    case DuckDBTypeId.FLOAT:
    case DuckDBTypeId.DOUBLE:
      return "float";
    case DuckDBTypeId.DECIMAL:
      return "decimal";
    case DuckDBTypeId.BOOLEAN:
      return "boolean";
    case DuckDBTypeId.VARCHAR:
    case DuckDBTypeId.ENUM:
    case DuckDBTypeId.UUID:
      return "text";
    case DuckDBTypeId.DATE:
    case DuckDBTypeId.TIME:
    case DuckDBTypeId.TIME_NS:
    case DuckDBTypeId.TIME_TZ:
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_S:
    case DuckDBTypeId.TIMESTAMP_MS:
    case DuckDBTypeId.TIMESTAMP_NS:
    case DuckDBTypeId.TIMESTAMP_TZ:
    case DuckDBTypeId.INTERVAL:
      return "temporal";
    case DuckDBTypeId.LIST:
    case DuckDBTypeId.ARRAY:
    case DuckDBTypeId.STRUCT:
    case DuckDBTypeId.MAP:
    case DuckDBTypeId.UNION:
    case DuckDBTypeId.VARIANT:
      return "nested";
    default:
      return "other";
  }
}
