/**
 * Where results go and how: the output format, the table's row limit and width, the timer.
 * Shared by the batch runner and the REPL (which changes it with `:format` and `:timer`).
 *
 * @module
 */
import type { RowsResult, StatementResult } from "../engine/result.ts";
import { type OutputFormat, renderResult } from "../render/renderer.ts";
import type { TextSink } from "../render/sink.ts";
import { oneLine } from "../errors.ts";

/** True for DuckDB's EXPLAIN results: columns `explain_key`, `explain_value`. */
function isExplainResult(result: RowsResult): boolean {
  return result.columns.length === 2 && result.columns[0]!.name === "explain_key" &&
    result.columns[1]!.name === "explain_value";
}

/** Mutable output settings of a CLI session. */
export interface OutputSettings {
  format: OutputFormat;
  /** Rows a table shows at most (0 = all). */
  maxRows: number;
  /** Print elapsed milliseconds after each statement. */
  timer: boolean;
}

/** Writes results to the data sink and messages to stderr. */
export class ResultPrinter {
  readonly #sink: TextSink;
  readonly #settings: OutputSettings;
  readonly #terminal: boolean;
  readonly #encoder = new TextEncoder();

  /**
   * `terminal` is true when the sink is an interactive terminal: tables are then fitted to its
   * width and NULLs dimmed.
   */
  constructor(sink: TextSink, settings: OutputSettings, terminal: boolean) {
    this.#sink = sink;
    this.#settings = settings;
    this.#terminal = terminal;
  }

  /** The settings this printer reads (the REPL mutates them). */
  get settings(): OutputSettings {
    return this.#settings;
  }

  /**
   * Renders rows to the sink, or writes a message result to stderr when `showMessages`.
   * Returns the number of rows rendered (0 for messages).
   */
  async print(result: StatementResult, showMessages: boolean): Promise<number> {
    if (result.kind === "message") {
      if ((showMessages || result.report) && result.message !== "") this.message(result.message);
      return 0;
    }
    if (this.#settings.format === "table" && isExplainResult(result)) {
      return await this.#printPlan(result);
    }
    const summary = await renderResult(result, this.#settings.format, this.#sink, {
      maxRows: this.#settings.maxRows,
      width: this.#terminal ? terminalWidth() : undefined,
      color: this.#terminal && !Deno.noColor,
    });
    await this.#sink.flush();
    return summary.rows;
  }

  /**
   * EXPLAIN / EXPLAIN ANALYZE: DuckDB returns the plan as box-drawing text in `explain_value`;
   * a table would cut it into one cell, so the text is printed as it is.
   */
  async #printPlan(result: RowsResult): Promise<number> {
    let rows = 0;
    for await (const chunk of result.chunks()) {
      for (let row = 0; row < chunk.rowCount; row++) {
        const text = String(chunk.columns[1]!.getItem(row) ?? "");
        await this.#sink.write(text.endsWith("\n") ? text : text + "\n");
        rows++;
      }
    }
    await this.#sink.flush();
    return rows;
  }

  /** Writes one line to stderr (messages, timings, errors: never data). */
  message(line: string): void {
    Deno.stderr.writeSync(this.#encoder.encode(line + "\n"));
  }

  /** Flushes buffered output. */
  async flush(): Promise<void> {
    await this.#sink.flush();
  }
}

function terminalWidth(): number | undefined {
  try {
    const { columns } = Deno.consoleSize();
    // A pseudo-terminal with no size set reports 0 columns: do not fit then.
    return columns >= 20 ? columns : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Writes an error to stderr as one line, `noctra: error: …`; line breaks in `line` are folded
 * (see {@link oneLine}) so one error is always one line.
 */
export function printError(line: string): void {
  Deno.stderr.writeSync(new TextEncoder().encode(`noctra: error: ${oneLine(line)}\n`));
}
