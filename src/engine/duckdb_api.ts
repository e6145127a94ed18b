/**
 * `@duckdb/node-api` for Noctra: its runtime values come from `vendor/duckdb-node-api.mjs` — the
 * same pinned package bundled into one ES module (scripts/bundle_duckdb_api.ts), which Deno
 * loads ~35 ms faster than the package's ~120 CommonJS files — and its types from the package.
 * Every module that needs a DuckDB value at run time imports it from here, never from the
 * package, so that there is one copy of each class (`instanceof` checks depend on it).
 * `import type` from the package costs nothing at run time and stays allowed.
 *
 * @module
 */
// deno-lint-ignore-file no-import-prefix -- types of the pinned package (erased at run time)
import type * as NodeApi from "npm:@duckdb/node-api@1.5.5-r.5";
// @ts-types="../../vendor/duckdb-node-api.d.mts"
import bundle from "../../vendor/duckdb-node-api.mjs";

export type {
  DuckDBAppender,
  DuckDBConnection,
  DuckDBPreparedStatement,
  DuckDBResult,
  DuckDBType,
  DuckDBValue,
} from "npm:@duckdb/node-api@1.5.5-r.5";

const api = bundle as typeof NodeApi;

export const {
  ARRAY,
  BIGINT,
  BLOB,
  blobValue,
  BOOLEAN,
  DATE,
  DECIMAL,
  DOUBLE,
  DuckDBArrayType,
  DuckDBArrayValue,
  DuckDBBlobValue,
  DuckDBBlobVector,
  DuckDBDataChunk,
  DuckDBDateValue,
  DuckDBDecimalType,
  DuckDBDecimalValue,
  DuckDBInstance,
  DuckDBListType,
  DuckDBListValue,
  DuckDBListVector,
  DuckDBMapType,
  DuckDBMapValue,
  DuckDBStructType,
  DuckDBStructValue,
  DuckDBStructVector,
  DuckDBTimeNSValue,
  DuckDBTimestampMillisecondsValue,
  DuckDBTimestampNanosecondsValue,
  DuckDBTimestampSecondsValue,
  DuckDBTimestampTZValue,
  DuckDBTimestampValue,
  DuckDBTimeValue,
  DuckDBTypeId,
  DuckDBUnionValue,
  DuckDBVarCharVector,
  DuckDBVector,
  FLOAT,
  HUGEINT,
  INTEGER,
  INTERVAL,
  LIST,
  MAP,
  ResultReturnType,
  SMALLINT,
  SQLNULL,
  StatementType,
  TIME,
  TIME_NS,
  TIMESTAMP,
  TIMESTAMP_MS,
  TIMESTAMP_NS,
  TIMESTAMP_S,
  TIMESTAMPTZ,
  TIMETZ,
  TINYINT,
  UBIGINT,
  UHUGEINT,
  UINTEGER,
  USMALLINT,
  UTINYINT,
  UUID,
  VARCHAR,
} = api;

/** The package's types of the classes and enums above (same names, type side). */
export type DuckDBArrayType = NodeApi.DuckDBArrayType;
export type DuckDBArrayValue = NodeApi.DuckDBArrayValue;
export type DuckDBBlobValue = NodeApi.DuckDBBlobValue;
export type DuckDBBlobVector = NodeApi.DuckDBBlobVector;
export type DuckDBDataChunk = NodeApi.DuckDBDataChunk;
export type DuckDBDateValue = NodeApi.DuckDBDateValue;
export type DuckDBDecimalType = NodeApi.DuckDBDecimalType;
export type DuckDBDecimalValue = NodeApi.DuckDBDecimalValue;
export type DuckDBInstance = NodeApi.DuckDBInstance;
export type DuckDBListType = NodeApi.DuckDBListType;
export type DuckDBListValue = NodeApi.DuckDBListValue;
export type DuckDBListVector = NodeApi.DuckDBListVector;
export type DuckDBMapType = NodeApi.DuckDBMapType;
export type DuckDBMapValue = NodeApi.DuckDBMapValue;
export type DuckDBStructType = NodeApi.DuckDBStructType;
export type DuckDBStructValue = NodeApi.DuckDBStructValue;
export type DuckDBStructVector = NodeApi.DuckDBStructVector;
export type DuckDBTimeNSValue = NodeApi.DuckDBTimeNSValue;
export type DuckDBTimestampMillisecondsValue = NodeApi.DuckDBTimestampMillisecondsValue;
export type DuckDBTimestampNanosecondsValue = NodeApi.DuckDBTimestampNanosecondsValue;
export type DuckDBTimestampSecondsValue = NodeApi.DuckDBTimestampSecondsValue;
export type DuckDBTimestampTZValue = NodeApi.DuckDBTimestampTZValue;
export type DuckDBTimestampValue = NodeApi.DuckDBTimestampValue;
export type DuckDBTimeValue = NodeApi.DuckDBTimeValue;
export type DuckDBTypeId = NodeApi.DuckDBTypeId;
export type DuckDBUnionValue = NodeApi.DuckDBUnionValue;
export type DuckDBVarCharVector = NodeApi.DuckDBVarCharVector;
export type DuckDBVector = NodeApi.DuckDBVector;
export type ResultReturnType = NodeApi.ResultReturnType;
export type StatementType = NodeApi.StatementType;
