/**
 * Dot-commands that reach the operating system: `.cd DIR` (the working directory, which relative
 * paths in statements follow) and `.shell CMD…` / `.system CMD…` (a command through `sh -c`, or
 * `cmd /c` on Windows). A confined session refuses `.shell`: the sandbox promises that Noctra
 * reads and writes only the directories it was given, and a shell would walk around it.
 *
 * @module
 */
import { NoctraError } from "../errors.ts";
import { absolutePath, expandHome } from "../engine/file_paths.ts";
import { checkRead, isSandboxed } from "../sandbox/policy.ts";
import { commandWords, oneWord } from "./meta_words.ts";
import type { MetaContext, MetaResult } from "./meta_types.ts";

/**
 * `.cd DIR`: changes the working directory of the whole process (`Deno.chdir`; DuckDB and
 * SQLite resolve relative paths against it too); `~` is the home directory. Alone, shows the
 * working directory. Throws {@link NoctraError} naming the directory when the sandbox forbids
 * reading it or it cannot be entered (no such directory, not a directory, permission denied).
 */
export function changeDirectory(word: string, argument: string, context: MetaContext): MetaResult {
  const directory = oneWord(word, argument, "directory");
  if (directory === undefined) return { kind: "reply", text: `cd: ${Deno.cwd()}` };
  const label = `${word} ${directory}`;
  checkRead(context.sandbox, absolutePath(directory), label);
  try {
    Deno.chdir(expandHome(directory));
  } catch (error) {
    const reason = error instanceof Deno.errors.NotFound
      ? "no such directory"
      : error instanceof Deno.errors.NotADirectory
      ? "not a directory"
      : error instanceof Deno.errors.PermissionDenied || error instanceof Deno.errors.NotCapable
      ? "permission denied"
      : error instanceof Error
      ? error.message
      : String(error);
    throw new NoctraError(`${label}: cannot change to ${absolutePath(directory)}: ${reason}`);
  }
  return { kind: "set", text: `cd: ${Deno.cwd()}` };
}

/**
 * The command line `.shell` runs: the argument as typed (`.shell ls -l | wc -l`), or, when the
 * whole argument is one quoted word (`.shell "ls -l"`, how the DuckDB CLI passes a command with
 * spaces), that word.
 */
function shellText(word: string, argument: string): string {
  const trimmed = argument.trim();
  if (/^["']/.test(trimmed)) {
    const words = commandWords(word, trimmed);
    if (words.length === 1) return words[0]!;
  }
  return trimmed;
}

/**
 * `.shell CMD…` / `.system CMD…`: runs CMD through `sh -c` (`cmd /d /s /c` on Windows) with
 * Noctra's stdout and stderr (results written so far are flushed first); its input is the
 * terminal when the REPL lends it (`context.lendTerminal`), else none. A
 * command that fails is reported (`.shell: exited with 1`) but is not an error, as in the
 * DuckDB CLI. Refused with an `error` when the session is confined
 * (`isSandboxed(context.sandbox)`). Throws {@link NoctraError} when no shell can be started
 * (Deno's `--allow-run` missing, no `sh`).
 */
export async function runShell(
  word: string,
  argument: string,
  context: MetaContext,
): Promise<MetaResult> {
  if (isSandboxed(context.sandbox)) {
    return {
      kind: "error",
      text:
        `${word}: refused: this session is confined to the directories it was given (--sandbox, --allow-read, --allow-write or Deno's scoped permissions), and a shell command would not be; run it outside Noctra`,
    };
  }
  const text = shellText(word, argument);
  if (text === "") return { kind: "error", text: `${word}: expected a command to run` };
  await context.printer.flush();
  const windows = Deno.build.os === "windows";
  const command = windows
    ? new Deno.Command("cmd", {
      args: ["/d", "/s", "/c", `"${text}"`],
      windowsRawArguments: true,
      stdin: context.lendTerminal ? "inherit" : "null",
    })
    : new Deno.Command("sh", {
      args: ["-c", text],
      stdin: context.lendTerminal ? "inherit" : "null",
    });
  let status: Deno.CommandStatus;
  context.lendTerminal?.(true);
  try {
    status = await command.spawn().status;
  } catch (error) {
    const reason =
      error instanceof Deno.errors.PermissionDenied || error instanceof Deno.errors.NotCapable
        ? "permission denied (Deno needs --allow-run)"
        : error instanceof Error
        ? error.message
        : String(error);
    throw new NoctraError(`${word}: cannot start ${windows ? "cmd" : "sh"}: ${reason}`);
  } finally {
    context.lendTerminal?.(false);
  }
  if (status.success) return { kind: "done" };
  return {
    kind: "reply",
    text: status.signal === null
      ? `${word}: exited with ${status.code}`
      : `${word}: ended by ${status.signal}`,
  };
}
