/**
 * JSON writers over streamed chunks: `json` is one array of row objects per result (DuckDB's
 * `.mode json`), `jsonl` one object per line. Value encoding: {@link jsonOf}.
 *
 * @module
 */
import type { RowsResult } from "../engine/result.ts";
import type { TextSink } from "./sink.ts";
import { jsonOf, jsonString, type RenderSummary, uniqueNames } from "./values.ts";

/** Writes the result as JSON: `lines = false` → one array, `true` → one object per line. */
export async function renderJson(
  result: RowsResult,
  sink: TextSink,
  lines: boolean,
): Promise<RenderSummary> {
  const keys = uniqueNames(result.columns.map((column) => column.name)).map((name) =>
    jsonString(name) + ":"
  );
  let rows = 0;
  if (!lines) await sink.write("[");
  for await (const chunk of result.chunks()) {
    const objects = new Array<string>(chunk.rowCount);
    for (let row = 0; row < chunk.rowCount; row++) {
      let object = "{";
      for (let column = 0; column < keys.length; column++) {
        if (column > 0) object += ",";
        object += keys[column] + jsonOf(chunk.columns[column]!.getItem(row));
      }
      objects[row] = object + "}";
    }
    if (chunk.rowCount === 0) continue;
    if (lines) await sink.write(objects.join("\n") + "\n");
    else await sink.write((rows > 0 ? ",\n" : "") + objects.join(",\n"));
    rows += chunk.rowCount;
  }
  if (!lines) await sink.write("]\n");
  return { rows };
}
