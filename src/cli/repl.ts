/**
 * The interactive REPL: prompt `noctra> `, a statement edited over as many lines as it takes
 * (continuation prompt `   ...> `) until it ends with `;`, then run; meta-commands (`help`,
 * `.mode csv`, `:timer on`) on one line. No error ends the REPL.
 *
 * Line editing is src/cli/line_editor/ (its module doc says why it is our own): Tab completion
 * (src/cli/completion.ts over the session, src/cli/session_completion.ts), highlighting as typed
 * (src/cli/highlight.ts; off under `NO_COLOR` or when stdout is not a terminal), history per
 * statement in `$XDG_STATE_HOME/noctra/history` with Ctrl-R search, bracketed paste (a pasted
 * script runs statement by statement), Ctrl-C to clear the input or cancel the running statement,
 * Ctrl-D on an empty line to quit. The editor is loaded when the REPL starts and completion at
 * the first Tab, so `-c`/`-f` runs never load them.
 *
 * @module
 */
import { noctraPath } from "../session/xdg.ts";
import type { Noctra } from "../noctra.ts";
import { endsWithCompleteStatement, splitStatements } from "../rql/splitter.ts";
import { describeError, NoctraError } from "../errors.ts";
import type { ResultPrinter } from "./output.ts";
import { runMetaCommand } from "./meta.ts";
import { ChangeCounter } from "./meta_settings.ts";
import { BatchRunner } from "./batch.ts";
import { startProgress, STDERR_TERMINAL } from "./progress.ts";
import type { Completion } from "./line_editor/completion_list.ts";
import type { StyledSpan } from "./line_editor/render.ts";

/** Primary prompt. */
export const PROMPT = "noctra> ";
/** Prompt while a statement continues over several lines. */
export const CONTINUATION_PROMPT = "   ...> ";

/**
 * `$XDG_STATE_HOME/noctra/history`, default `~/.local/state/noctra/history`; `undefined` when
 * the environment cannot be read (no `--allow-env`) or names no home, so history is off.
 */
export function historyPath(): string | undefined {
  return noctraPath("state", "history");
}

/**
 * Whether `line` is a meta-command as `runMetaCommand` (src/cli/meta.ts) reads one — `help`,
 * `quit` or `exit` alone, or a first word starting with `:` or `.` — without running it.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { isMetaCommandLine } from "./repl.ts";
 *
 * strictEqual(isMetaCommandLine(".mode csv"), true);
 * strictEqual(isMetaCommandLine("quit;"), true);
 * strictEqual(isMetaCommandLine("SELECT 1"), false);
 * ```
 */
export function isMetaCommandLine(line: string): boolean {
  const trimmed = line.trim().replace(/;$/, "").trim();
  const [word = "", ...rest] = trimmed.split(/\s+/);
  const lower = word.toLowerCase();
  if (rest.length === 0 && (lower === "help" || lower === "quit" || lower === "exit")) return true;
  return word.startsWith(":") || word.startsWith(".");
}

/**
 * Whether Enter submits `text`: it ends with a complete statement (`;` outside strings and
 * comments), or it is one line holding a meta-command.
 */
export function isSubmittable(text: string): boolean {
  return endsWithCompleteStatement(text) || (!text.includes("\n") && isMetaCommandLine(text));
}

/** Whether `TERM` names a terminal without cursor control (as the DuckDB CLI's list). */
function isDumbTerminal(): boolean {
  try {
    if (Deno.permissions.querySync({ name: "env", variable: "TERM" }).state !== "granted") {
      return false;
    }
    return ["dumb", "cons25", "emacs"].includes(Deno.env.get("TERM") ?? "");
  } catch {
    return false;
  }
}

/**
 * Runs the REPL until the user quits, keeping `historySize` statements of history. Resolves to
 * the exit code: 0, or CODE of `.exit CODE`.
 */
export async function runRepl(
  noctra: Noctra,
  printer: ResultPrinter,
  historySize = 1000,
): Promise<number> {
  const [{ LineEditor }, { denoTerminal }, { loadHistory, saveHistory }] = await Promise.all([
    import("./line_editor/editor.ts"),
    import("./line_editor/terminal.ts"),
    import("./line_editor/history.ts"),
  ]);
  const path = historyPath();
  const history = loadHistory(path, historySize, {
    isComplete: isSubmittable,
    standsAlone: isMetaCommandLine,
  });
  // Saved when the REPL waits for the person again, not after each statement of a pasted script.
  let unsaved = false;
  const save = () => {
    if (unsaved) saveHistory(path, history);
    unsaved = false;
  };
  const io = denoTerminal();
  const plain = isDumbTerminal() || !Deno.stdin.isTerminal();
  const colour = !plain && Deno.stdout.isTerminal() && !Deno.noColor;
  const assist = new Assist(noctra);
  const settings = printer.settings;
  const editor = new LineEditor({
    io,
    // `.prompt` changes them between statements.
    get prompt() {
      return settings.prompt ?? PROMPT;
    },
    get continuationPrompt() {
      return settings.continuationPrompt ?? CONTINUATION_PROMPT;
    },
    history,
    onHistoryChange: () => unsaved = true,
    isComplete: isSubmittable,
    complete: (text, cursor) => assist.complete(text, cursor),
    ...(colour
      ? { highlight: (text: string) => settings.highlight === false ? [] : assist.highlight(text) }
      : {}),
    plain,
  });

  const context = {
    ...new BatchRunner(noctra, printer, { continueOnError: false }).context,
    lendTerminal: (lent: boolean) => editor.lendTerminal(lent),
  };
  // The pager (less) owns the terminal while it runs: the editor stops reading keys.
  printer.onPagerStart = () => editor.lendTerminal(true);
  printer.onPagerExit = () => editor.lendTerminal(false);
  printer.message(`Noctra — SQL over files. Type help for help, Ctrl-D to quit.`);
  editor.open();
  let initial = "";
  let exitCode = 0;
  const changes = new ChangeCounter();
  try {
    for (;;) {
      if (!editor.hasPendingInput) save();
      const reading = editor.read(initial);
      initial = "";
      if (colour) assist.loadKeywords(() => editor.redraw());
      const text = await reading;
      if (text === null) break;
      if (text.trim() === "") continue;
      if (/^\s*\.edit\s*;?\s*$/i.test(text)) {
        // DuckDB's .edit: the last statement in $VISUAL/$EDITOR, back as the next input.
        const last = [...history.entries].reverse().find((entry) => !/^\s*\.edit\b/i.test(entry));
        try {
          initial = await editInEditor(last ?? "", (lent) => editor.lendTerminal(lent));
        } catch (error) {
          printer.message(`error: ${describeError(error)}`);
        }
        continue;
      }
      // `.echo on`: what runs is written to the output first, as the DuckDB CLI does.
      if (settings.echo) await printer.write(`${text}\n`);
      if (!text.includes("\n") && isMetaCommandLine(text)) {
        await assist.idle();
        const outcome = await editor.whileRunning(
          () => runMetaCommand(text, printer.settings, noctra.engine, context),
          () => noctra.interrupt(),
        );
        if (outcome?.kind === "quit") {
          exitCode = outcome.exitCode ?? 0;
          break;
        }
        if (outcome?.kind === "reply" || outcome?.kind === "set") printer.message(outcome.text);
        if (outcome?.kind === "error") printer.message(`error: ${outcome.text}`);
        if (outcome !== null) continue;
      }
      await assist.idle();
      await editor.whileRunning(
        () => runInteractive(noctra, text, printer, changes),
        () => noctra.interrupt(),
      );
    }
  } finally {
    save();
    editor.close();
  }
  await printer.flush();
  return exitCode;
}

/**
 * Prints the status line of `statement`, just run (src/cli/status_bar.ts), on stderr: `rows` it
 * returned (undefined: not a query), `elapsedMs` from submitting it. DuckDB's memory is left out
 * when it cannot be read.
 */
async function printStatus(
  noctra: Noctra,
  printer: ResultPrinter,
  statement: string,
  rows: number | undefined,
  elapsedMs: number,
): Promise<void> {
  const { statusLine, routeWithSources } = await import("./status_bar.ts");
  const duckdb = noctra.engine.duckdb;
  const route = await routeWithSources(noctra.engine.route, statement, duckdb);
  const memory = await duckdb.memoryUse().catch(() => undefined);
  const width = (Deno.stderr.isTerminal() ? STDERR_TERMINAL.columns() : undefined) ?? 80;
  const facts = { route, rows, elapsedMs, ...(memory ? { memory } : {}) };
  printer.message(statusLine(facts, width, Deno.stderr.isTerminal() && !Deno.noColor));
}

/**
 * Opens `text` in the user's editor (`$VISUAL`, else `$EDITOR`, else `vi`; run through `sh -c` so
 * `code --wait` works, directly on Windows) on a temporary `.sql` file, with the terminal lent to
 * it, and returns the file's text without its final line break. Throws {@link NoctraError} when
 * the editor cannot start or exits with a failure (the text is then not used).
 */
async function editInEditor(text: string, lend: (lent: boolean) => void): Promise<string> {
  const file = await Deno.makeTempFile({ prefix: "noctra-edit-", suffix: ".sql" });
  try {
    await Deno.writeTextFile(file, text === "" || text.endsWith("\n") ? text : `${text}\n`);
    const editor = Deno.env.get("VISUAL") || Deno.env.get("EDITOR") || "vi";
    const command = Deno.build.os === "windows"
      ? new Deno.Command(editor, { args: [file] })
      : new Deno.Command("sh", { args: ["-c", `${editor} "$1"`, "sh", file] });
    lend(true);
    let status: Deno.CommandStatus;
    try {
      status = await command.spawn().status;
    } catch (error) {
      throw new NoctraError(`.edit: ${editor} could not start (${describeError(error)})`);
    } finally {
      lend(false);
    }
    if (!status.success) {
      throw new NoctraError(`.edit: ${editor} exited with ${status.code}; the input is unchanged`);
    }
    return (await Deno.readTextFile(file)).replace(/\r?\n$/, "");
  } finally {
    await Deno.remove(file).catch(() => {});
  }
}

/**
 * Completion and highlighting for the REPL, loaded on first use: the completion modules at the
 * first Tab, DuckDB's keyword list once after the first prompt (until then a basic list).
 */
class Assist {
  readonly #noctra: Noctra;
  #modules:
    | Promise<[typeof import("./completion.ts"), typeof import("./session_completion.ts")]>
    | undefined;
  #highlighter: typeof import("./highlight.ts") | undefined;
  #keywords: ReadonlySet<string> | undefined;
  #loading: Promise<void> | undefined;

  constructor(noctra: Noctra) {
    this.#noctra = noctra;
  }

  /** Candidates for Tab at `cursor` in `text`. */
  async complete(text: string, cursor: number): Promise<Completion> {
    this.#modules ??= Promise.all([import("./completion.ts"), import("./session_completion.ts")]);
    const [{ completeInput }, { SessionCompletion }] = await this.#modules;
    await this.idle();
    return await completeInput(text, cursor, new SessionCompletion(this.#noctra));
  }

  /**
   * Colours for `text` (none until the highlighter has loaded, and none for a meta-command, whose
   * words are not SQL).
   */
  highlight(text: string): StyledSpan[] {
    const highlighter = this.#highlighter;
    if (highlighter === undefined || (!text.includes("\n") && isMetaCommandLine(text))) return [];
    return highlighter.highlightSql(text, this.#keywords ?? highlighter.BASIC_KEYWORDS);
  }

  /**
   * Loads the highlighter and DuckDB's keywords (with RQL's words), once; calls `redraw` when
   * they arrive so the input on screen is coloured with them.
   */
  loadKeywords(redraw: () => void): void {
    if (this.#loading !== undefined) return;
    this.#loading = (async () => {
      try {
        this.#highlighter = await import("./highlight.ts");
        redraw();
        const [{ rqlKeywords }, { SessionCompletion }] = await Promise.all([
          import("./completion.ts"),
          import("./session_completion.ts"),
        ]);
        const keywords = await new SessionCompletion(this.#noctra).keywords();
        for (const word of rqlKeywords()) keywords.add(word);
        this.#keywords = keywords;
        redraw();
      } catch {
        // Highlighting goes on with the basic keywords.
      }
    })();
  }

  /** Waits until no keyword query is using the session's connection. */
  async idle(): Promise<void> {
    await this.#loading;
  }
}

async function runInteractive(
  noctra: Noctra,
  script: string,
  printer: ResultPrinter,
  changes: ChangeCounter,
) {
  let statements;
  try {
    statements = splitStatements(script);
  } catch (error) {
    printer.message(`error: ${describeError(error)}`);
    return;
  }
  for (const statement of statements) {
    const started = performance.now();
    const progress = printer.settings.progressBar === false
      ? { stop() {} }
      : startProgress(() => noctra.progress());
    try {
      noctra.engine.copyOutput = printer.mayCopy();
      const result = await noctra.execute(statement.text);
      const rows = await printer.print(result, true, () => progress.stop());
      const elapsedMs = performance.now() - started;
      if (printer.settings.timer) printer.message(`Run Time: ${elapsedMs.toFixed(1)} ms`);
      const changed = changes.line(statement.text, result);
      if (printer.settings.changes && changed !== undefined) printer.message(changed);
      if (printer.settings.statusBar) {
        const shown = result.kind === "rows" ? rows : undefined;
        await printStatus(noctra, printer, statement.text, shown, elapsedMs);
      }
    } catch (error) {
      progress.stop();
      printer.message(`error: ${describeError(error)}`);
      return;
    } finally {
      progress.stop();
    }
  }
}
