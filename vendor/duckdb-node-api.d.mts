// Types of vendor/duckdb-node-api.mjs: its default export is `@duckdb/node-api`'s module object.
// src/engine/duckdb_api.ts gives it the package's own types.
declare const api: unknown;
export default api;
