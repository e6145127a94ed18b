/**
 * The interactive REPL on `node:readline`: prompt `noctra> `, continuation prompt until a
 * statement ends with `;`, history persisted under `$XDG_STATE_HOME/noctra/history`, Ctrl-C to
 * clear the input or interrupt a running query, Ctrl-D to quit. No error ends the REPL.
 *
 * @module
 */
import { createInterface, type Interface } from "node:readline";
import process from "node:process";
import { dirname } from "node:path";
import { noctraPath } from "../session/xdg.ts";
import type { Noctra } from "../noctra.ts";
import { endsWithCompleteStatement, splitStatements } from "../rql/splitter.ts";
import { describeError } from "../errors.ts";
import type { ResultPrinter } from "./output.ts";
import { mayCopyOutput } from "../render/renderer.ts";
import { runMetaCommand } from "./meta.ts";

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

function loadHistory(path: string | undefined, size: number): string[] {
  if (path === undefined) return [];
  try {
    // The file holds oldest first; readline wants newest first.
    return Deno.readTextFileSync(path).split("\n").filter((line) => line !== "").reverse()
      .slice(0, size);
  } catch {
    return [];
  }
}

function saveHistory(path: string | undefined, newestFirst: readonly string[]): void {
  if (path === undefined) return;
  try {
    Deno.mkdirSync(dirname(path), { recursive: true });
    const temporary = `${path}.${Deno.pid}.tmp`;
    Deno.writeTextFileSync(temporary, [...newestFirst].reverse().join("\n") + "\n");
    Deno.renameSync(temporary, path);
  } catch {
    // History is a convenience: an unwritable state directory must not break the session.
  }
}

/** Runs the REPL until the user quits, keeping `historySize` lines of history. */
export async function runRepl(
  noctra: Noctra,
  printer: ResultPrinter,
  historySize = 1000,
): Promise<void> {
  const path = historyPath();
  const rl: Interface = createInterface({
    input: process.stdin,
    output: process.stdout,
    prompt: PROMPT,
    terminal: process.stdin.isTTY === true,
    history: loadHistory(path, historySize),
    historySize,
    removeHistoryDuplicates: true,
  });
  rl.on("history", (history: string[]) => saveHistory(path, history));

  let buffer = "";
  let running = false;
  rl.on("SIGINT", () => {
    if (running) {
      noctra.interrupt();
      return;
    }
    if (buffer !== "" || rl.line !== "") printer.message("^C");
    buffer = "";
    rl.write(null, { ctrl: true, name: "u" });
    rl.setPrompt(PROMPT);
    rl.prompt();
  });

  const closed = new Promise<void>((resolve) => rl.once("close", resolve));
  printer.message(`Noctra — SQL over files. Type help for help, Ctrl-D to quit.`);
  rl.prompt();
  const lines = rl[Symbol.asyncIterator]();
  for (;;) {
    const next = await Promise.race([lines.next(), closed.then(() => null)]);
    if (next === null || next.done) break;
    const line = next.value as string;
    if (buffer === "") {
      const outcome = runMetaCommand(line, printer.settings, noctra.engine);
      if (outcome?.kind === "quit") break;
      if (outcome?.kind === "reply") {
        printer.message(outcome.text);
        rl.prompt();
        continue;
      }
      if (line.trim() === "") {
        rl.prompt();
        continue;
      }
    }
    buffer += (buffer === "" ? "" : "\n") + line;
    if (!endsWithCompleteStatement(buffer)) {
      rl.setPrompt(CONTINUATION_PROMPT);
      rl.prompt();
      continue;
    }
    const script = buffer;
    buffer = "";
    running = true;
    try {
      await runInteractive(noctra, script, printer);
    } finally {
      running = false;
    }
    rl.setPrompt(PROMPT);
    rl.prompt();
  }
  rl.close();
  await printer.flush();
}

async function runInteractive(noctra: Noctra, script: string, printer: ResultPrinter) {
  let statements;
  try {
    statements = splitStatements(script);
  } catch (error) {
    printer.message(`error: ${describeError(error)}`);
    return;
  }
  for (const statement of statements) {
    const started = performance.now();
    try {
      noctra.engine.copyOutput = mayCopyOutput(printer.settings.format);
      const result = await noctra.execute(statement.text);
      await printer.print(result, true);
      if (printer.settings.timer) {
        printer.message(`Run Time: ${(performance.now() - started).toFixed(1)} ms`);
      }
    } catch (error) {
      printer.message(`error: ${describeError(error)}`);
      return;
    }
  }
}
