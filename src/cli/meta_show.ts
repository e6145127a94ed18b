/**
 * Dot-commands that write text to the output (stdout, or the `.output` file, as the DuckDB CLI
 * writes them): `.show` (the settings in DuckDB's layout), `.print TEXT…` and `.version`.
 *
 * @module
 */
import type { OutputSettings } from "./output.ts";
import { versionText } from "../version.ts";
import { commandWords } from "./meta_words.ts";
import { cString, DEFAULT_PROMPTS, numberSeparatorText, separatorsOf } from "./meta_settings.ts";
import type { MetaContext, MetaResult } from "./meta_types.ts";

/** One `.show` line: the name right-aligned in 12 characters, as DuckDB's `%12.12s: %s`. */
function showLine(name: string, value: string): string {
  return `${name.padStart(12).slice(0, 12)}: ${value}\n`;
}

/**
 * The text of `.show` for `settings`, the output going to `output` (`stdout` or a file name):
 * first the nine lines of the DuckDB CLI's `.show` in its layout and order (`echo`, `headers`,
 * `mode`, `nullvalue`, `output`, `colseparator`, `rowseparator`, `width` — each width followed
 * by a space, as DuckDB writes them — and `filename`, always `:memory:`: Noctra's DuckDB lives
 * in memory), with Noctra's names for formats (`table` for `duckbox`) and the separators and
 * null text in force for the current format; then Noctra's other settings in the same layout.
 * Lines end with `\n`.
 */
export function showText(settings: OutputSettings, output: string): string {
  const separators = separatorsOf(settings);
  const nullValue = settings.nullValue ??
    (settings.format === "csv" || settings.format === "tsv" ? "" : "NULL");
  const onOff = (on: boolean) => on ? "on" : "off";
  return [
    showLine("echo", onOff(settings.echo ?? false)),
    showLine("headers", onOff(settings.headers ?? true)),
    showLine("mode", settings.format),
    showLine("nullvalue", cString(nullValue)),
    showLine("output", output),
    showLine("colseparator", cString(separators.column)),
    showLine("rowseparator", cString(separators.row)),
    showLine("width", (settings.columnWidths ?? []).map((width) => `${width} `).join("")),
    showLine("filename", ":memory:"),
    showLine("timer", onOff(settings.timer)),
    showLine("maxrows", String(settings.maxRows)),
    showLine("maxwidth", String(settings.maxWidth ?? 0)),
    showLine("pager", settings.pager ?? "auto"),
    showLine("thousand_sep", numberSeparatorText(settings, "thousandSeparator")),
    showLine("decimal_sep", numberSeparatorText(settings, "decimalSeparator")),
    showLine("bail", onOff(settings.bail ?? true)),
    showLine("changes", onOff(settings.changes ?? false)),
    showLine("prompt", cString(settings.prompt ?? DEFAULT_PROMPTS.main)),
    showLine("continue", cString(settings.continuationPrompt ?? DEFAULT_PROMPTS.continuation)),
    showLine("status", onOff(settings.statusBar ?? false)),
    showLine("highlight", onOff(settings.highlight ?? !Deno.noColor)),
    showLine("progress_bar", onOff(settings.progressBar ?? true)),
  ].join("");
}

/**
 * Runs `.show`, `.print` or `.version` (`name`, typed as `word` with `argument`), writing to the
 * printer's output. `.print` writes its words (escapes such as `\t` resolved, as DuckDB does)
 * joined by one space, then a line break. Throws for an unclosed quote in `.print`'s words and
 * what the printer throws.
 */
export async function runShowCommand(
  word: string,
  name: "show" | "print" | "version",
  argument: string,
  context: MetaContext,
): Promise<MetaResult> {
  const printer = context.printer;
  switch (name) {
    case "show": {
      if (argument !== "") return { kind: "error", text: `${word}: takes no argument` };
      const output = printer.redirection?.replace(/^\.(output|once) /, "") ?? "stdout";
      await printer.write(showText(printer.settings, output));
      return { kind: "done" };
    }
    case "print":
      await printer.write(commandWords(word, argument, { escapes: true }).join(" ") + "\n");
      return { kind: "done" };
    case "version":
      if (argument !== "") return { kind: "error", text: `${word}: takes no argument` };
      await printer.write(versionText());
      return { kind: "done" };
  }
}
