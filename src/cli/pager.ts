/**
 * The pager: results taller than the screen go through `$PAGER` (default `less -RFXS`: keep
 * colours, quit at once when the text fits one screen, leave the screen as it is, chop long lines
 * rather than wrap them), as psql and git do.
 *
 * - `auto` (the default): page when the output needs at least as many screen rows as the
 *   terminal has — the prompt after it would push its first line off the screen. Rows count
 *   wrapped lines (ANSI escapes take no room).
 * - `on`: page every result. `off`: never.
 * - Not a terminal (`terminalRows` undefined): never, whatever the mode.
 *
 * Output streams: {@link PagerWriter} holds back at most one screen of output (or
 * {@link HOLD_BYTES} bytes) while deciding, then either starts the pager and streams the rest
 * into it, or — when the output ends first — writes what it held directly. Memory stays bounded.
 *
 * `$PAGER` is split into words as a shell would (quotes, backslashes) and started directly with
 * `Deno.Command`, not through a shell; empty or `cat` means no pager. When the pager cannot
 * start (not installed, no `--allow-run`), one warning line goes to stderr and the output is
 * written directly. The pager inherits the terminal; Noctra waits for it to exit before going
 * on, also when rendering fails half-way, so the terminal is never left to two readers.
 *
 * Wiring (REPL): `await withPager({ mode, terminalRows, terminalColumns, onPagerStart: pause
 * the line editor, onPagerExit: resume it }, (sink) => renderResult(result, format, sink, …))`.
 *
 * @module
 */
import { OutputClosedError, TextSink } from "../render/sink.ts";
import type { ByteWriter } from "../render/sink.ts";

/** When output goes through the pager. */
export type PagerMode = "auto" | "on" | "off";

/** The pager when `$PAGER` is not set. */
export const DEFAULT_PAGER = "less -RFXS";

/** Bytes held back at most while deciding whether to page (1 MiB); past it, `auto` pages. */
export const HOLD_BYTES = 1024 * 1024;

/**
 * Whether output taking `rows` screen rows is paged under `mode` in a terminal of
 * `terminalRows` rows (undefined: not a terminal, never paged).
 *
 * @example
 * ```ts
 * import { shouldPage } from "./pager.ts";
 * import { strictEqual } from "node:assert/strict";
 * strictEqual(shouldPage("auto", 23, 24), false); // 23 lines and the prompt fit 24 rows
 * strictEqual(shouldPage("auto", 24, 24), true);
 * strictEqual(shouldPage("on", 1, 24), true);
 * strictEqual(shouldPage("on", 500, undefined), false);
 * ```
 */
export function shouldPage(
  mode: PagerMode,
  rows: number,
  terminalRows: number | undefined,
): boolean {
  if (terminalRows === undefined || mode === "off") return false;
  return mode === "on" || rows >= terminalRows;
}

/**
 * Counts the screen rows of text as it streams: each `\n` ends a row, and a line longer than
 * `columns` characters wraps onto more rows; ANSI escape sequences (`ESC [ … letter`) take no
 * room.
 */
export class ScreenRowCounter {
  readonly #columns: number | undefined;
  #rows = 0;
  #column = 0;
  #escape: "none" | "esc" | "csi" = "none";

  /**
   * A counter at the start of the output.
   *
   * @param columns terminal width in characters; undefined: lines never wrap
   */
  constructor(columns?: number) {
    this.#columns = columns !== undefined && columns > 0 ? columns : undefined;
  }

  /** Counts `text`, which continues what was counted before. */
  add(text: string): void {
    for (const char of text) {
      if (this.#escape === "esc") {
        this.#escape = char === "[" ? "csi" : "none";
        continue;
      }
      if (this.#escape === "csi") {
        if (char >= "@" && char <= "~") this.#escape = "none";
        continue;
      }
      if (char === "\x1b") {
        this.#escape = "esc";
      } else if (char === "\n") {
        this.#rows++;
        this.#column = 0;
      } else if (char !== "\r") {
        if (this.#columns !== undefined && this.#column === this.#columns) {
          this.#rows++;
          this.#column = 0;
        }
        this.#column++;
      }
    }
  }

  /** Screen rows so far, a last line without `\n` included. */
  get rows(): number {
    return this.#rows + (this.#column > 0 ? 1 : 0);
  }
}

/**
 * Screen rows `text` takes in a terminal `columns` characters wide (see {@link ScreenRowCounter}).
 *
 * @example
 * ```ts
 * import { screenRows } from "./pager.ts";
 * import { strictEqual } from "node:assert/strict";
 * strictEqual(screenRows("a\nb\n"), 2);
 * strictEqual(screenRows("x".repeat(25) + "\n", 10), 3);
 * strictEqual(screenRows("\x1b[2mNULL\x1b[22m\n", 4), 1);
 * ```
 */
export function screenRows(text: string, columns?: number): number {
  const counter = new ScreenRowCounter(columns);
  counter.add(text);
  return counter.rows;
}

/**
 * `$PAGER`'s value as a program and its arguments, split into words as a shell would (single
 * and double quotes, backslash escapes); undefined when it asks for no pager (empty, blank or
 * `cat`).
 *
 * @example
 * ```ts
 * import { pagerCommand } from "./pager.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 * deepStrictEqual(pagerCommand("less -RFXS"), ["less", "-RFXS"]);
 * deepStrictEqual(pagerCommand(`'/opt/my pager' --title "a b"`), ["/opt/my pager", "--title", "a b"]);
 * deepStrictEqual(pagerCommand("cat"), undefined);
 * ```
 */
export function pagerCommand(value: string): string[] | undefined {
  const words: string[] = [];
  let word: string | undefined;
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < value.length; i++) {
    const char = value[i]!;
    if (quote === "'") {
      if (char === "'") quote = undefined;
      else word += char;
    } else if (
      char === "\\" && i + 1 < value.length &&
      (quote === undefined || /["\\$`]/.test(value[i + 1]!))
    ) {
      word = (word ?? "") + value[++i];
    } else if (quote === '"') {
      if (char === '"') quote = undefined;
      else word += char;
    } else if (char === "'" || char === '"') {
      quote = char;
      word ??= "";
    } else if (/\s/.test(char)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else {
      word = (word ?? "") + char;
    }
  }
  if (word !== undefined) words.push(word);
  if (words.length === 0 || (words.length === 1 && words[0] === "cat")) return undefined;
  return words;
}

/** `$PAGER`, or {@link DEFAULT_PAGER} when it is not set or cannot be read (no `--allow-env`). */
export function pagerFromEnvironment(): string {
  try {
    return Deno.env.get("PAGER") ?? DEFAULT_PAGER;
  } catch {
    return DEFAULT_PAGER;
  }
}

/**
 * Variables added to the pager's environment: `LESSCHARSET=utf-8` unless the user set
 * `LESSCHARSET` or `LESSCHARDEF` — Noctra's output is UTF-8 whatever the locale, and `less` in
 * the C locale (no `LANG`) would show each byte of a box-drawing character as `<E2>`.
 * Empty when the environment cannot be read (no `--allow-env`).
 */
export function pagerEnvironmentAdditions(): Record<string, string> {
  try {
    if (Deno.env.has("LESSCHARSET") || Deno.env.has("LESSCHARDEF")) return {};
    return { LESSCHARSET: "utf-8" };
  } catch {
    return {};
  }
}

/** How a result is to be paged. */
export interface PagerOptions {
  /** `auto`, `on` or `off` (see the module). */
  readonly mode: PagerMode;
  /** Terminal height in rows; undefined when stdout is not a terminal (never paged). */
  readonly terminalRows: number | undefined;
  /** Terminal width in characters, to count wrapped lines; undefined: lines are not wrapped. */
  readonly terminalColumns?: number | undefined;
  /** The pager command line; default {@link pagerFromEnvironment}. */
  readonly command?: string | undefined;
  /** Where output goes when it is not paged; default `Deno.stdout`. */
  readonly stdout?: ByteWriter | undefined;
  /** Reports that the pager could not start (one line); default: `noctra: warning: …` on stderr. */
  readonly warn?: ((line: string) => void) | undefined;
  /** Called just before the pager starts: stop reading the terminal (pause the line editor). */
  readonly onPagerStart?: (() => void) | undefined;
  /** Called once the pager has exited, however it ended: give the terminal back to the editor. */
  readonly onPagerExit?: (() => void) | undefined;
}

/** What happened to one output. */
export interface PagerOutcome {
  /** True when the output went through the pager. */
  readonly paged: boolean;
  /** True when the pager exited before taking all the output (the user quit it). */
  readonly quitEarly: boolean;
}

function defaultWarn(line: string): void {
  Deno.stderr.writeSync(new TextEncoder().encode(`noctra: warning: ${line}\n`));
}

async function writeAll(writer: ByteWriter, bytes: Uint8Array): Promise<void> {
  for (let offset = 0; offset < bytes.length;) {
    offset += await writer.write(bytes.subarray(offset));
  }
}

/**
 * A byte writer for one output (use it under a `TextSink`) that decides as the output comes
 * whether it goes through the pager; call {@link PagerWriter.finish} at the end, always. Once
 * the user quits the pager, writes fail with `Deno.errors.BrokenPipe`, which a `TextSink`
 * reports as `OutputClosedError`: stop producing output then.
 */
export class PagerWriter implements ByteWriter {
  readonly #options: PagerOptions;
  readonly #stdout: ByteWriter;
  readonly #counter: ScreenRowCounter;
  readonly #decoder = new TextDecoder();
  #state: "holding" | "direct" | "paging" | "closed";
  #held: Uint8Array[] = [];
  #heldBytes = 0;
  #child: Deno.ChildProcess | undefined;
  #input: WritableStreamDefaultWriter<Uint8Array> | undefined;

  /**
   * A writer for one output, holding it back until it knows whether to page.
   *
   * @param options how to page; see {@link PagerOptions}
   */
  constructor(options: PagerOptions) {
    this.#options = options;
    this.#stdout = options.stdout ?? Deno.stdout;
    this.#counter = new ScreenRowCounter(options.terminalColumns);
    const never = options.terminalRows === undefined || options.mode === "off";
    this.#state = never ? "direct" : "holding";
  }

  /** True once the output goes (or went) through the pager. */
  get paged(): boolean {
    return this.#state === "paging" || this.#state === "closed";
  }

  /** Writes `bytes` to the terminal or the pager, or holds them while deciding; returns their length. */
  async write(bytes: Uint8Array): Promise<number> {
    switch (this.#state) {
      case "direct":
        await writeAll(this.#stdout, bytes);
        break;
      case "paging":
        await this.#toPager(bytes);
        break;
      case "closed":
        throw new Deno.errors.BrokenPipe("the pager has exited");
      case "holding": {
        this.#held.push(bytes.slice());
        this.#heldBytes += bytes.length;
        this.#counter.add(this.#decoder.decode(bytes, { stream: true }));
        const rows = this.#counter.rows;
        if (
          shouldPage(this.#options.mode, rows, this.#options.terminalRows) ||
          this.#heldBytes > HOLD_BYTES
        ) {
          await this.#startPager();
        }
      }
    }
    return bytes.length;
  }

  /**
   * Ends the output: writes what is still held directly (it fits the screen), or closes the
   * pager's input and waits for the pager to exit. Safe to call more than once.
   */
  async finish(): Promise<PagerOutcome> {
    if (this.#state === "holding") {
      this.#state = "direct";
      await this.#release(this.#stdout);
    }
    const quitEarly = this.#state === "closed";
    if (this.#child !== undefined) {
      const child = this.#child;
      this.#child = undefined;
      try {
        await this.#input?.close();
      } catch {
        // The pager already exited: nothing to close.
      }
      try {
        await child.status;
      } finally {
        this.#options.onPagerExit?.();
      }
    }
    return { paged: this.paged, quitEarly };
  }

  async #release(target: ByteWriter): Promise<void> {
    const held = this.#held;
    this.#held = [];
    this.#heldBytes = 0;
    for (const bytes of held) await writeAll(target, bytes);
  }

  async #startPager(): Promise<void> {
    const commandLine = this.#options.command ?? pagerFromEnvironment();
    const argv = pagerCommand(commandLine);
    if (argv === undefined) {
      this.#state = "direct";
      return await this.#release(this.#stdout);
    }
    this.#options.onPagerStart?.();
    try {
      this.#child = new Deno.Command(argv[0]!, {
        args: argv.slice(1),
        env: pagerEnvironmentAdditions(),
        stdin: "piped",
        stdout: "inherit",
        stderr: "inherit",
      }).spawn();
    } catch (error) {
      this.#options.onPagerExit?.();
      const reason = error instanceof Error ? error.message : String(error);
      (this.#options.warn ?? defaultWarn)(
        `pager ${commandLine} could not start (${reason}); writing the result directly`,
      );
      this.#state = "direct";
      return await this.#release(this.#stdout);
    }
    this.#input = this.#child.stdin.getWriter();
    this.#state = "paging";
    const held = this.#held;
    this.#held = [];
    this.#heldBytes = 0;
    for (const bytes of held) await this.#toPager(bytes);
  }

  async #toPager(bytes: Uint8Array): Promise<void> {
    try {
      await this.#input!.write(bytes);
    } catch {
      // The pager took no more: the user quit it.
      this.#state = "closed";
      throw new Deno.errors.BrokenPipe("the pager has exited");
    }
  }
}

/** What {@link withPager} returns: the render's value (unless the pager quit first) and the outcome. */
export interface PagedRender<T> extends PagerOutcome {
  /** What `render` returned; undefined when the user quit the pager before it finished. */
  readonly value: T | undefined;
}

/**
 * Runs `render` with a sink whose output is paged as `options` say, then waits for the pager.
 * Quitting the pager early is not an error: `render` is stopped (its sink throws
 * `OutputClosedError`) and `quitEarly` is true. Any other error of `render` is thrown after the
 * pager has exited. This is the function the REPL calls around `renderResult`.
 */
export async function withPager<T>(
  options: PagerOptions,
  render: (sink: TextSink) => Promise<T>,
): Promise<PagedRender<T>> {
  const writer = new PagerWriter(options);
  const sink = new TextSink(writer);
  let value: T | undefined;
  let failure: unknown;
  try {
    value = await render(sink);
    await sink.flush();
  } catch (error) {
    failure = error;
  }
  const outcome = await writer.finish();
  if (failure !== undefined && !(failure instanceof OutputClosedError && outcome.quitEarly)) {
    throw failure;
  }
  return { ...outcome, value };
}

/**
 * Writes already rendered `text` (a `.last` table, a chart) through the pager when it is taller
 * than the screen (as `options.mode` says), else directly.
 */
export async function pageText(text: string, options: PagerOptions): Promise<PagerOutcome> {
  const { paged, quitEarly } = await withPager(options, (sink) => sink.write(text));
  return { paged, quitEarly };
}
