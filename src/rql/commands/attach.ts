/**
 * `ATTACH` and `DETACH`: SQLite databases attached under an alias (their tables are
 * `alias.table` in every statement), and the way back out — DETACH also drops a file view and
 * forgets a saved or missing source.
 *
 * ```
 * ATTACH [DATABASE] 'path' [AS alias] [(option [, option]…)]   option: TYPE name | READ_ONLY | CREATE
 * DETACH [DATABASE] [IF EXISTS] alias
 * ```
 *
 * Whether an ATTACH is Noctra's (SQLite) or DuckDB's own is decided when it runs, from the TYPE
 * or the file's header: a DuckDB database file, another TYPE, an option Noctra does not know
 * and `ATTACH IF NOT EXISTS` go to DuckDB's `ATTACH` unchanged (after the sandbox's check).
 * Likewise a DETACH of an alias DuckDB attached is DuckDB's.
 *
 * @module
 */
import type { Token } from "../lexer.ts";
import type { CommandContext, CommandInput, RqlCommandFamily } from "./command.ts";
import { describeToken, isName, isWord } from "./parse_helpers.ts";
import { absolutePath, defaultAlias, isRemote } from "../../engine/file_paths.ts";
import type { MessageResult } from "../../engine/result.ts";
import { NoctraError } from "../../errors.ts";
import { checkRead, checkWrite } from "../../sandbox/policy.ts";

/** `ATTACH 'path' [AS alias] [(TYPE x, READ_ONLY, CREATE)]`. */
export interface AttachCommand {
  readonly kind: "attach";
  readonly path: string;
  readonly alias: string | undefined;
  /** `TYPE` option in upper case (`SQLITE`, `DUCKDB`), or undefined when not given. */
  readonly type: string | undefined;
  readonly readOnly: boolean;
  readonly create: boolean;
  /** The statement as written, for passing a DuckDB attach through unchanged. */
  readonly sql: string;
}

/** `DETACH [DATABASE] [IF EXISTS] alias`. */
export interface DetachCommand {
  readonly kind: "detach";
  readonly alias: string;
  readonly ifExists: boolean;
  readonly sql: string;
}

const SQLITE_HEADER = "SQLite format 3\0";
const SQLITE_EXTENSIONS = [".db", ".sqlite", ".sqlite3"];

/** True when `path` ends in `.db`, `.sqlite` or `.sqlite3` (any case): a SQLite database. */
export function isSqlitePath(path: string): boolean {
  const lower = path.toLowerCase();
  return SQLITE_EXTENSIONS.some((extension) => lower.endsWith(extension));
}

function parse({ statement, tokens }: CommandInput): AttachCommand | DetachCommand | null {
  if (isWord(tokens[0], "ATTACH")) return parseAttach(statement, tokens);
  if (isWord(tokens[0], "DETACH")) return parseDetach(statement, tokens);
  return null;
}

function parseAttach(statement: string, tokens: readonly Token[]): AttachCommand | null {
  let position = 1;
  if (isWord(tokens[position], "DATABASE")) position++;
  if (isWord(tokens[position], "IF")) return null; // ATTACH IF NOT EXISTS: DuckDB's own
  const pathToken = tokens[position];
  if (pathToken?.kind !== "string") return null;
  const path = pathToken.value;
  position++;
  let alias: string | undefined;
  if (isWord(tokens[position], "AS")) {
    if (!isName(tokens[position + 1])) {
      throw new NoctraError(`ATTACH '${path}': expected an alias after AS`);
    }
    alias = tokens[position + 1]!.value;
    position += 2;
  }
  let type: string | undefined;
  let readOnly = false;
  let create = false;
  if (tokens[position]?.text === "(") {
    position++;
    while (position < tokens.length && tokens[position]!.text !== ")") {
      const option = tokens[position]!;
      const optionName = option.kind === "word" ? option.value.toUpperCase() : "";
      if (optionName === "TYPE") {
        const value = tokens[position + 1];
        if (!isName(value)) {
          throw new NoctraError(`ATTACH '${path}': TYPE needs a name, e.g. TYPE SQLITE`);
        }
        type = value!.value.toUpperCase();
        position += 2;
      } else if (optionName === "READ_ONLY" || optionName === "CREATE") {
        let enabled = true;
        const value = tokens[position + 1];
        if (value !== undefined && value.text !== "," && value.text !== ")") {
          enabled = !["FALSE", "0"].includes(value.text.toUpperCase());
          position++;
        }
        if (optionName === "READ_ONLY") readOnly = enabled;
        else create = enabled;
        position++;
      } else {
        // Options Noctra does not know belong to DuckDB's own ATTACH.
        if (type === undefined || type !== "SQLITE") {
          return attachPassThrough(statement, path, alias);
        }
        throw new NoctraError(
          `ATTACH '${path}': unknown option ${option.text}; SQLite attachments take TYPE SQLITE, READ_ONLY, CREATE`,
        );
      }
      if (tokens[position]?.text === ",") position++;
    }
    if (tokens[position]?.text !== ")") {
      throw new NoctraError(`ATTACH '${path}': option list is missing its closing ')'`);
    }
    position++;
  }
  if (position < tokens.length) {
    throw new NoctraError(
      `ATTACH '${path}': unexpected ${
        describeToken(tokens[position])
      }; the form is ATTACH 'path' [AS alias] [(TYPE SQLITE, READ_ONLY, CREATE)]`,
    );
  }
  return { kind: "attach", path, alias, type, readOnly, create, sql: statement };
}

function attachPassThrough(
  statement: string,
  path: string,
  alias: string | undefined,
): AttachCommand {
  return {
    kind: "attach",
    path,
    alias,
    type: "DUCKDB",
    readOnly: false,
    create: false,
    sql: statement,
  };
}

function parseDetach(statement: string, tokens: readonly Token[]): DetachCommand | null {
  let position = 1;
  if (isWord(tokens[position], "DATABASE")) position++;
  let ifExists = false;
  if (isWord(tokens[position], "IF") && isWord(tokens[position + 1], "EXISTS")) {
    ifExists = true;
    position += 2;
  }
  const name = tokens[position];
  if (!isName(name) || position + 1 !== tokens.length) return null;
  return { kind: "detach", alias: name!.value, ifExists, sql: statement };
}

/**
 * Runs an ATTACH: a SQLite database (TYPE SQLITE, or a file with SQLite's header) is attached
 * as `alias` (default: the file's stem) and, when `save`, saved in the registry; returns
 * `attached alias → path (sqlite, N tables)`. Returns null for DuckDB's own ATTACH, after the
 * sandbox's check. Throws {@link NoctraError} for a missing `.db`/`.sqlite`/`.sqlite3` file
 * without CREATE, a path the sandbox refuses, an alias in use, or a file SQLite cannot open.
 */
export async function attachDatabase(
  context: CommandContext,
  command: AttachCommand,
  save: boolean,
): Promise<MessageResult | null> {
  const path = absolutePath(command.path);
  let sqlite = command.type === "SQLITE";
  if (command.type === undefined) {
    const header = readHeader(path);
    if (header === SQLITE_HEADER) sqlite = true;
    else if (header === undefined && isSqlitePath(path)) {
      throw new NoctraError(
        `ATTACH '${command.path}': no such file; to create a new SQLite database write ATTACH '${command.path}' AS ${
          command.alias ?? defaultAlias(command.path)
        } (TYPE SQLITE, CREATE)`,
      );
    }
  }
  if (!sqlite) {
    // DuckDB's own ATTACH (a DuckDB database file, another TYPE): DuckDB may write to it.
    if (command.path !== ":memory:") {
      if (command.readOnly) checkRead(context.sandbox, path, `ATTACH '${command.path}'`);
      else {checkWrite(
          context.sandbox,
          path,
          `ATTACH '${command.path}' (add READ_ONLY to only read it)`,
        );}
    }
    return null;
  }
  const alias = command.alias ?? defaultAlias(command.path);
  const source = await context.sources.attachSqlite(
    path,
    alias,
    command.readOnly,
    command.create,
    save,
  );
  const tables = source.relations().length;
  return {
    kind: "message",
    message: `attached ${alias} → ${path} (sqlite${
      source.readOnly ? ", read-only" : ""
    }, ${tables} ${tables === 1 ? "table" : "tables"})`,
  };
}

/**
 * Runs a DETACH: forgets a saved source, closes a SQLite attachment, forgets a missing source or
 * drops a file view, in that order of precedence; returns null for an alias DuckDB attached
 * (DuckDB's DETACH). Throws {@link NoctraError} for an attachment the open transaction wrote to,
 * or an unknown alias without IF EXISTS.
 */
async function detach(
  context: CommandContext,
  command: DetachCommand,
): Promise<MessageResult | null> {
  const sources = context.sources;
  if (sources.forgetSaved(command.alias)) {
    return { kind: "message", message: `forgot saved source ${command.alias}` };
  }
  sources.markForgotten(command.alias);
  const source = sources.attachment(command.alias);
  if (source !== undefined) {
    if (context.transactionWrote(source)) {
      throw new NoctraError(
        `DETACH ${command.alias}: a transaction is open on it; COMMIT or ROLLBACK first`,
      );
    }
    await sources.detachSqlite(source);
    return { kind: "message", message: `detached ${source.alias}` };
  }
  if (sources.forgetMissing(command.alias)) {
    return { kind: "message", message: `forgot missing source ${command.alias}` };
  }
  const view = sources.fileView(command.alias);
  if (view !== undefined) {
    await sources.dropFileView(view);
    return { kind: "message", message: `dropped view ${view.alias}` };
  }
  const attached = await context.duckdb.readAll(
    "SELECT count(*) FROM duckdb_databases() WHERE lower(database_name) = lower($1)",
    [command.alias],
  );
  if (Number(attached[0]?.[0] ?? 0) > 0) return null; // a DuckDB attachment: DuckDB's DETACH
  if (command.ifExists) return { kind: "message", message: "" };
  throw new NoctraError(
    `DETACH ${command.alias}: no source named ${command.alias}; SHOW SOURCES lists them`,
  );
}

/** The first 16 bytes of a file as text, or undefined when it cannot be read. */
function readHeader(path: string): string | undefined {
  if (isRemote(path)) return undefined;
  try {
    const file = Deno.openSync(path, { read: true });
    try {
      const bytes = new Uint8Array(16);
      const read = file.readSync(bytes) ?? 0;
      return new TextDecoder("latin1").decode(bytes.subarray(0, read));
    } finally {
      file.close();
    }
  } catch {
    return undefined;
  }
}

/** ATTACH and DETACH (see the module). */
export const ATTACH: RqlCommandFamily<AttachCommand | DetachCommand> = {
  name: "ATTACH",
  syntax: [
    "ATTACH 'path' [AS alias] [(TYPE SQLITE, READ_ONLY, CREATE)]",
    "DETACH alias",
  ],
  summary: "attach a SQLite database (tables alias.table); close it, or drop a file view",
  keywords: [
    "ATTACH",
    "DATABASE",
    "AS",
    "TYPE",
    "SQLITE",
    "READ_ONLY",
    "CREATE",
    "DETACH",
    "IF",
    "EXISTS",
  ],
  parse,
  run: (command, context) =>
    command.kind === "attach" ? attachDatabase(context, command, true) : detach(context, command),
};
