/**
 * Where results go and how: the output format and what the REPL's dot-commands set (row limit,
 * width, header line, NULL's text, timer, pager), the file of `.output`/`.once`, and the last
 * result kept for `.last` and `.chart`. Shared by the batch runner and the REPL.
 *
 * In an interactive session (the REPL) with a terminal on stdout, a result taller than the
 * screen goes through `$PAGER` (`src/cli/pager.ts`), as the `pager` setting says.
 *
 * @module
 */
import type { RowsResult, StatementResult } from "../engine/result.ts";
import {
  changesDelimited,
  mayCopyOutput,
  type OutputFormat,
  renderResult,
  type TableOptions,
  type TextOptions,
} from "../render/renderer.ts";
import type { TextSink } from "../render/sink.ts";
import { keepLastResult, type LastResult } from "../render/last_result.ts";
import { NoctraError, oneLine } from "../errors.ts";
import { type PagerMode, withPager } from "./pager.ts";

/** True for DuckDB's EXPLAIN results: columns `explain_key`, `explain_value`. */
function isExplainResult(result: RowsResult): boolean {
  return result.columns.length === 2 && result.columns[0]!.name === "explain_key" &&
    result.columns[1]!.name === "explain_value";
}

/** Mutable output settings of a CLI session (the dot-commands change them). */
export interface OutputSettings {
  /** The output format (`.mode`, `:format`, `--format`). */
  format: OutputFormat;
  /** Rows a table shows at most (0 = all). */
  maxRows: number;
  /** Print elapsed milliseconds after each statement. */
  timer: boolean;
  /** Width a table is fitted to, in characters (`.maxwidth`); 0 or absent = the terminal's. */
  maxWidth?: number;
  /** The header line of csv, tsv and list (`.headers`); absent = on. */
  headers?: boolean;
  /** Text for NULL in table, line, list, csv and tsv (`.nullvalue`); absent = each format's. */
  nullValue?: string | undefined;
  /** When an interactive session pages a result (`.pager`); absent = `auto`. */
  pager?: PagerMode;
  /**
   * Between the fields of list, csv, tsv, quote, tcl and ascii output (`.separator COL`); absent
   * = each format's. Set for csv/tsv, the rows are written by Noctra, not DuckDB's writer.
   */
  columnSeparator?: string;
  /**
   * After each row of list, csv, tsv, quote, tcl and ascii output, and for each line break of
   * line output (`.separator COL ROW`); absent = each format's (`\n`, 0x1E for ascii).
   */
  rowSeparator?: string;
  /**
   * Least widths of the first columns of column, asciitable, box and latex output (`.width N …`;
   * negative = right-aligned); absent or empty = by content.
   */
  columnWidths?: readonly number[];
  /** Digit-group separator of numbers in table output (`.thousand_sep`); absent = none. */
  thousandSeparator?: string;
  /** Decimal separator of numbers in table output (`.decimal_sep`); absent = `.`. */
  decimalSeparator?: string;
  /** Table name of `insert` output (`.mode insert TABLE`); absent = `"table"` as DuckDB. */
  insertTable?: string;
  /** The REPL's prompt (`.prompt MAIN`); absent = `noctra> `. */
  prompt?: string;
  /** The REPL's continuation prompt (`.prompt MAIN CONTINUE`); absent = `   ...> `. */
  continuationPrompt?: string;
  /** The REPL's status line after each statement (`.status`, `[repl] status_bar`). */
  statusBar?: boolean;
  /** Highlighting of the REPL's input as typed (`.highlight`); absent = on (off under NO_COLOR). */
  highlight?: boolean;
  /** The progress bar on long statements (`.progress_bar`); absent = on (on a terminal only). */
  progressBar?: boolean;
  /** Each statement and dot-command printed before it runs (`.echo`). */
  echo?: boolean;
  /** A script stops at its first error (`.bail`); absent = the runner's default. */
  bail?: boolean;
  /**
   * A table of one row wider than the terminal prints as `name = value` lines (psql's `\x auto`);
   * `[repl] wide_row_as_lines`; absent = on.
   */
  wideRowAsLines?: boolean;
  /** Rows changed printed after each INSERT/UPDATE/DELETE (`.changes`). */
  changes?: boolean;
}

/**
 * A file results are written to (`-o FILE`, `.output FILE`): written beside it and renamed into
 * place by {@link FileOutput.commit}, so the file is never seen half-written.
 */
export interface FileOutput {
  /** Where the text goes until commit or abandon. */
  readonly sink: TextSink;
  /** Makes the output final (the file gets what was written); throws `OutputWriteError`. */
  commit(): Promise<void>;
  /** Drops the output: the file keeps what it had before. */
  abandon(): void;
}

/** How a {@link ResultPrinter} behaves beyond its settings. */
export interface PrinterOptions {
  /**
   * An interactive session (the REPL): results taller than the screen go through the pager,
   * and the first rows of each result are kept for `.last` and `.chart`. Default false.
   */
  readonly interactive?: boolean;
  /**
   * Opens `path` for `.output` / `.once` (atomically, as `-o`); `label` names it in errors
   * (`.output out.csv`). Without it those commands are refused.
   */
  readonly openFile?: (path: string, label: string) => Promise<FileOutput>;
}

/** The width, height and colour a chart may use (see `src/render/chart.ts`). */
export interface ChartSpace {
  /** Characters a chart's line may take. */
  readonly width: number;
  /** Lines of the screen (the chart takes one less). */
  readonly height: number;
  /** Whether ANSI colour is allowed. */
  readonly color: boolean;
}

/** A chart's space when the output is not a terminal: a classic 80 × 24 screen. */
const DEFAULT_SCREEN = { columns: 80, rows: 24 } as const;

/**
 * Writes results to the data sink (or the `.output` file, or the pager) and messages to
 * stderr.
 */
export class ResultPrinter {
  readonly #sink: TextSink;
  readonly #settings: OutputSettings;
  readonly #terminal: boolean;
  readonly #interactive: boolean;
  readonly #openFile: PrinterOptions["openFile"];
  readonly #encoder = new TextEncoder();
  #redirect:
    | { readonly label: string; readonly file: FileOutput; readonly once: boolean }
    | undefined;
  #last: LastResult | undefined;
  /**
   * Keep the first rows of each printed result for `.last` and `.chart` (true in an interactive
   * session; the batch runner turns it on for scripts that use them). A kept result is always
   * rendered from its chunks, never by DuckDB's own writer.
   */
  keepLast: boolean;
  /** Called just before the pager starts (the REPL stops reading the terminal). */
  onPagerStart: (() => void) | undefined;
  /** What `print` calls before its first output (set for the duration of one `print`). */
  #beforeOutput: (() => void) | undefined;
  /** Called once the pager has exited (the REPL reads the terminal again). */
  onPagerExit: (() => void) | undefined;

  /**
   * `terminal` is true when the sink is an interactive terminal: tables are then fitted to its
   * width and NULLs dimmed.
   */
  constructor(
    sink: TextSink,
    settings: OutputSettings,
    terminal: boolean,
    options: PrinterOptions = {},
  ) {
    this.#sink = sink;
    this.#settings = settings;
    this.#terminal = terminal;
    this.#interactive = options.interactive ?? false;
    this.#openFile = options.openFile;
    this.keepLast = this.#interactive;
  }

  /** The settings this printer reads (the dot-commands change them). */
  get settings(): OutputSettings {
    return this.#settings;
  }

  /** The first rows of the last result printed (when {@link keepLast}), or undefined. */
  get lastResult(): LastResult | undefined {
    return this.#last;
  }

  /** The `.output`/`.once` file results go to (`.output out.csv`), or undefined for stdout. */
  get redirection(): string | undefined {
    return this.#redirect?.label;
  }

  /**
   * Whether the engine may write the next result itself (`QueryEngine.copyOutput`): the format
   * allows it and nothing the printer does to a result (keeping it, `.headers off`,
   * `.nullvalue`, `.separator` for csv/tsv) needs the rows.
   */
  mayCopy(): boolean {
    const settings = this.#settings;
    const delimited = settings.format === "csv" || settings.format === "tsv";
    return mayCopyOutput(settings.format) && !this.keepLast && settings.headers !== false &&
      settings.nullValue === undefined && !(delimited && changesDelimited(textOptions(settings)));
  }

  /**
   * Renders rows to the output, or writes a message result to stderr when `showMessages`.
   * Returns the number of rows rendered (0 for messages). Ends a `.once` redirection.
   */
  async print(
    result: StatementResult,
    showMessages: boolean,
    beforeOutput?: () => void,
  ): Promise<number> {
    this.#beforeOutput = beforeOutput;
    try {
      return await this.#print(result, showMessages);
    } finally {
      this.#beforeOutput = undefined;
      this.#sink.beforeFirstWrite = undefined;
    }
  }

  async #print(result: StatementResult, showMessages: boolean): Promise<number> {
    return await this.#once(async () => {
      if (result.kind === "message") {
        if ((showMessages || result.report) && result.message !== "") this.message(result.message);
        return 0;
      }
      if (this.#settings.format === "table" && isExplainResult(result)) {
        return await this.#printPlan(result);
      }
      const kept = this.keepLast ? keepLastResult(result) : undefined;
      const rows = await this.#render(kept?.result ?? result, this.#settings.maxRows);
      if (kept !== undefined) this.#last = kept.last();
      return rows;
    });
  }

  /**
   * Renders rows again, all of them (no `maxrows`), without keeping them as the last result:
   * `.last`. Ends a `.once` redirection.
   */
  async reprint(result: RowsResult): Promise<number> {
    return await this.#once(() => this.#render(result, 0));
  }

  /** Writes rendered text (a chart, CREATE statements) to the output, through the pager when tall. */
  async write(text: string): Promise<void> {
    await this.#output((sink) => sink.write(text));
  }

  /** The space a chart may take: the terminal's (80 × 24 when not one), colour when allowed. */
  chartSpace(): ChartSpace {
    const toTerminal = this.#terminal && this.#redirect === undefined;
    const size = (toTerminal ? consoleSize() : undefined) ?? DEFAULT_SCREEN;
    return { width: size.columns, height: size.rows, color: toTerminal && !Deno.noColor };
  }

  /**
   * Sends the results that follow to `path` — written atomically, as `-o` is — until
   * {@link endRedirect} (`.output FILE`), or for the next result only (`once`, `.once FILE`). A
   * redirection in force is committed first. Throws when the file cannot be opened.
   */
  async redirect(path: string, once: boolean): Promise<void> {
    const label = `${once ? ".once" : ".output"} ${path}`;
    if (this.#openFile === undefined) {
      throw new NoctraError(`${label}: results cannot be sent to a file in this session`);
    }
    await this.endRedirect(true);
    this.#redirect = { label, file: await this.#openFile(path, label), once };
  }

  /**
   * Ends a `.output`/`.once` redirection, if any: `commit` makes the file final, else it keeps
   * its previous content. Results go to the printer's own output again.
   */
  async endRedirect(commit: boolean): Promise<void> {
    const redirect = this.#redirect;
    if (redirect === undefined) return;
    this.#redirect = undefined;
    if (!commit) return redirect.file.abandon();
    try {
      await redirect.file.sink.flush();
    } catch (error) {
      redirect.file.abandon();
      throw error;
    }
    await redirect.file.commit();
  }

  /** Runs `print` and then ends a `.once` redirection: committed if it succeeded, else dropped. */
  async #once<T>(print: () => Promise<T>): Promise<T> {
    const once = this.#redirect?.once === true;
    let value: T;
    try {
      value = await print();
    } catch (error) {
      if (once) await this.endRedirect(false);
      throw error;
    }
    if (once) await this.endRedirect(true);
    return value;
  }

  async #render(result: RowsResult, maxRows: number): Promise<number> {
    const settings = this.#settings;
    const text = textOptions(settings);
    const summary = await this.#output((sink, terminal) => {
      const table: TableOptions = {
        maxRows,
        width: terminal ? terminalWidth() : undefined,
        maxWidth: settings.maxWidth,
        color: terminal && !Deno.noColor,
        thousandSeparator: settings.thousandSeparator,
        decimalSeparator: settings.decimalSeparator,
        wideRowAsLines: settings.wideRowAsLines,
      };
      return renderResult(result, settings.format, sink, table, text);
    });
    return summary?.rows ?? 0;
  }

  /**
   * Runs `render` on the current output: the `.output` file; else the pager when this is an
   * interactive session on a terminal and the pager setting allows; else the printer's sink.
   * `terminal` tells `render` whether it writes to a terminal. Flushes. Returns undefined when
   * the user quit the pager before the output ended.
   */
  async #output<T>(
    render: (sink: TextSink, terminal: boolean) => Promise<T>,
  ): Promise<T | undefined> {
    if (this.#redirect !== undefined) {
      const sink = this.#redirect.file.sink;
      const value = await render(sink, false);
      await sink.flush();
      return value;
    }
    const mode = this.#settings.pager ?? "auto";
    const size = this.#interactive && this.#terminal && mode !== "off" ? consoleSize() : undefined;
    const beforeOutput = this.#beforeOutput;
    if (size !== undefined) {
      await this.#sink.flush();
      let started = false;
      const start = () => {
        if (!started) beforeOutput?.();
        started = true;
      };
      const paged = await withPager({
        mode,
        terminalRows: size.rows,
        terminalColumns: size.columns,
        stdout: {
          write: (bytes) => {
            start();
            return Deno.stdout.write(bytes);
          },
        },
        onPagerStart: () => {
          start();
          this.onPagerStart?.();
        },
        onPagerExit: this.onPagerExit,
      }, (sink) => render(sink, true));
      return paged.value;
    }
    this.#sink.beforeFirstWrite = beforeOutput;
    const value = await render(this.#sink, this.#terminal);
    await this.#sink.flush();
    return value;
  }

  /**
   * EXPLAIN / EXPLAIN ANALYZE: DuckDB returns the plan as box-drawing text in `explain_value`;
   * a table would cut it into one cell, so the text is printed as it is.
   */
  async #printPlan(result: RowsResult): Promise<number> {
    const rows = await this.#output(async (sink) => {
      let count = 0;
      for await (const chunk of result.chunks()) {
        for (let row = 0; row < chunk.rowCount; row++) {
          const text = String(chunk.columns[1]!.getItem(row) ?? "");
          await sink.write(text.endsWith("\n") ? text : text + "\n");
          count++;
        }
      }
      return count;
    });
    return rows ?? 0;
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

/**
 * What the text formats read of `settings` (see {@link TextOptions}): the header line, NULL's
 * text, the separators, the column widths and the table of `insert`.
 */
function textOptions(settings: OutputSettings): TextOptions {
  return {
    headers: settings.headers,
    nullValue: settings.nullValue,
    columnSeparator: settings.columnSeparator,
    rowSeparator: settings.rowSeparator,
    columnWidths: settings.columnWidths,
    insertTable: settings.insertTable,
  };
}

/** The terminal's size, or undefined when there is none (or a pseudo-terminal without a size). */
function consoleSize(): { columns: number; rows: number } | undefined {
  try {
    const size = Deno.consoleSize();
    return size.columns >= 20 && size.rows >= 2 ? size : undefined;
  } catch {
    return undefined;
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
