/**
 * Where results go and how: the output format, the table's row limit and width, the timer.
 * Shared by the batch runner and the REPL (which changes it with `:format` and `:timer`).
 *
 * @module
 */
import type { StatementResult } from "../engine/result.ts";
import { type OutputFormat, renderResult } from "../render/renderer.ts";
import type { TextSink } from "../render/sink.ts";

/** Mutable output settings of a CLI session. */
export interface OutputSettings {
  format: OutputFormat;
  /** Rows a table shows at most (0 = all). */
  maxRows: number;
  /** Print elapsed milliseconds after each statement. */
  timer: boolean;
}

/** Default rows a table shows, as DuckDB's `duckbox` mode (`.maxrows 40`). */
export const DEFAULT_MAX_ROWS = 40;

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
    const summary = await renderResult(result, this.#settings.format, this.#sink, {
      maxRows: this.#settings.maxRows,
      width: this.#terminal ? terminalWidth() : undefined,
      color: this.#terminal && !Deno.noColor,
    });
    await this.#sink.flush();
    return summary.rows;
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

/** Writes a one-line error to stderr as `noctra: error: …`. */
export function printError(line: string): void {
  Deno.stderr.writeSync(new TextEncoder().encode(`noctra: error: ${line}\n`));
}
