/**
 * `USE 'path' [AS alias] [OPTIONS (key = value [, key = value]…)]`: registers (or replaces) a
 * view named `alias` over a file, read in place by DuckDB's reader for its extension; a SQLite
 * database file (`.db`, `.sqlite`, `.sqlite3`) is attached instead, as ATTACH does.
 *
 * An OPTIONS name is a plain identifier; a value is one plain value — a `'string'`, a number,
 * `true`/`false`, a `[list]` or `{'key': value}` struct of those, or a `#variable` — parsed here
 * and re-rendered as a literal (see `ReaderOption`), never copied into SQL as written. `USE`
 * followed by anything but a string literal is DuckDB's own `USE catalog.schema` and is left to
 * DuckDB.
 *
 * @module
 */
import type { CommandContext, CommandInput, RqlCommandFamily } from "./command.ts";
import { describeToken, isWord, parseOptions } from "./parse_helpers.ts";
import type { ReaderOption } from "./reader_option.ts";
import { attachDatabase, isSqlitePath } from "./attach.ts";
import type { MessageResult } from "../../engine/result.ts";
import { NoctraError } from "../../errors.ts";

/** `USE 'path' [AS alias] [OPTIONS (…)]`: register a view over a file. */
export interface UseFileCommand {
  readonly kind: "use_file";
  /** The path as written (relative paths resolve against the working directory). */
  readonly path: string;
  /** The alias after AS, or undefined for the file's stem. */
  readonly alias: string | undefined;
  /** Reader options passed to DuckDB's reader. */
  readonly options: readonly ReaderOption[];
}

function parse({ tokens, resolveValue }: CommandInput): UseFileCommand | null {
  if (!isWord(tokens[0], "USE") || tokens[1]?.kind !== "string") return null;
  const path = tokens[1].value;
  let position = 2;
  let alias: string | undefined;
  if (isWord(tokens[position], "AS")) {
    const name = tokens[position + 1];
    if (name === undefined || (name.kind !== "word" && name.kind !== "quoted_identifier")) {
      throw new NoctraError(
        `USE '${path}': expected an alias after AS, found ${describeToken(name)}`,
      );
    }
    alias = name.value;
    position += 2;
  }
  let options: ReaderOption[] = [];
  if (isWord(tokens[position], "OPTIONS")) {
    const parsed = parseOptions(tokens, position + 1, `USE '${path}'`, { resolveValue });
    options = parsed.options;
    position = parsed.next;
  }
  if (position < tokens.length) {
    throw new NoctraError(
      `USE '${path}': unexpected ${
        describeToken(tokens[position])
      }; the form is USE 'path' [AS alias] [OPTIONS (key = value, …)]`,
    );
  }
  return { kind: "use_file", path, alias, options };
}

/**
 * Runs a USE: creates the view (or attaches the SQLite file) and, when `save`, saves it in the
 * registry. Returns `view alias → path (kind)` (or ATTACH's line). Throws {@link NoctraError}
 * for an unsupported extension, a file that cannot be read, or options the reader refuses.
 */
export async function useFile(
  context: CommandContext,
  command: UseFileCommand,
  save: boolean,
): Promise<MessageResult> {
  if (isSqlitePath(command.path)) {
    return await attachDatabase(context, {
      kind: "attach",
      path: command.path,
      alias: command.alias,
      type: "SQLITE",
      readOnly: false,
      create: false,
      sql: "",
    }, save) as MessageResult;
  }
  const view = await context.sources.createFileView(
    command.path,
    command.alias,
    command.options,
    save,
  );
  return { kind: "message", message: `view ${view.alias} → ${view.path} (${view.kind})` };
}

/** USE (see the module). */
export const USE: RqlCommandFamily<UseFileCommand> = {
  name: "USE",
  syntax: ["USE 'path' [AS alias] [OPTIONS (key = value, …)]"],
  summary: "register a view over a file (.db/.sqlite: attach it); saved for the next session",
  keywords: ["USE", "AS", "OPTIONS"],
  parse,
  run: (command, context) => useFile(context, command, true),
};
