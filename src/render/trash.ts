/**
 * The `trash` format, as the DuckDB CLI's `.mode trash`: writes nothing, but reads the result to
 * its end — every chunk is fetched, so the statement runs to completion (and fails if it fails on
 * its last row) — which is what timing a query (`.timer on`) needs without the cost of output.
 *
 * @module
 */
import type { RowsResult } from "../engine/result.ts";
import type { RenderSummary } from "./values.ts";

/** Reads every chunk of `result` and drops it; returns the row count. */
export async function renderTrash(result: RowsResult): Promise<RenderSummary> {
  let rows = 0;
  for await (const chunk of result.chunks()) rows += chunk.rowCount;
  return { rows };
}
