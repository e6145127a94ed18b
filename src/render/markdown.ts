/**
 * Markdown (GitHub table) writer over streamed chunks. Numbers are right-aligned with `---:`;
 * `|` in cells is escaped and newlines become `<br>`; NULL is an empty cell.
 *
 * @module
 */
import type { RowsResult } from "../engine/result.ts";
import type { TextSink } from "./sink.ts";
import { isNumericKind, type RenderSummary, textFormatter } from "./values.ts";

function markdownCell(text: string): string {
  return text.replaceAll("\\", "\\\\").replaceAll("|", "\\|").replace(/\r?\n/g, "<br>");
}

/** Writes the result as one Markdown table; never truncates. */
export async function renderMarkdown(result: RowsResult, sink: TextSink): Promise<RenderSummary> {
  const header = result.columns.map((column) => markdownCell(column.name));
  const rule = result.columns.map((column) => isNumericKind(column.kind) ? "---:" : "---");
  await sink.write(`| ${header.join(" | ")} |\n|${rule.join("|")}|\n`);
  const formatters = result.columns.map((column) => textFormatter(column.kind, column.type));
  let rows = 0;
  for await (const chunk of result.chunks()) {
    let text = "";
    for (let row = 0; row < chunk.rowCount; row++) {
      const cells = chunk.columns.map((vector, column) =>
        markdownCell(formatters[column]!(vector.getItem(row)) ?? "")
      );
      text += `| ${cells.join(" | ")} |\n`;
    }
    rows += chunk.rowCount;
    await sink.write(text);
  }
  return { rows };
}
