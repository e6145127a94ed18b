/**
 * The sandbox's checks on a SQL statement's own file targets, before any engine runs it.
 *
 * Messages, not the boundary (the kernel layer is: docs/SECURITY.md): the user reads which flag
 * allows a path rather than the kernel's bare "Permission denied". DuckDB confines every path to
 * the allowed directories but does not tell reading from writing, and SQLite's `VACUUM INTO`
 * writes a file too.
 *
 * @module
 */
import { significantTokens } from "../rql/lexer.ts";
import type { VariableStore } from "../rql/variables.ts";
import { NoctraError } from "../errors.ts";
import { checkRead, checkWrite, isSandboxed, type SandboxPolicy } from "../sandbox/policy.ts";

/** Settings that name files or would reopen file access: frozen while the sandbox is on. */
const SANDBOX_FROZEN_SETTINGS: ReadonlySet<string> = new Set([
  "enable_external_access",
  "allowed_directories",
  "allowed_paths",
  "temp_directory",
  "lock_configuration",
  "profiling_output",
  "log_query_path",
  "extension_directory",
  "secret_directory",
  "home_directory",
  "autoinstall_known_extensions",
  "autoload_known_extensions",
  "allow_unsigned_extensions",
  "allow_community_extensions",
]);

/**
 * Checks the file targets of `sql` against `sandbox` (nothing when the sandbox is off or `sql`
 * does not lex). Checked (after an `EXPLAIN [ANALYZE]` or `PREPARE name AS` prefix):
 * `COPY … TO target`, `ATTACH target` (read-only attachments need only read access),
 * `EXPORT DATABASE target`, `VACUUM … INTO target`, with the target as a string, dollar-quoted
 * string, quoted identifier or `#variable` (its value in `variables`); and `SET` of the
 * settings that name files or turn the sandbox off, and DuckDB's logging to a file, which are
 * refused with a clear message. Throws {@link NoctraError}.
 */
export function checkStatementTargets(
  sql: string,
  sandbox: SandboxPolicy,
  variables: VariableStore,
): void {
  if (!isSandboxed(sandbox)) return;
  let tokens;
  try {
    tokens = significantTokens(sql);
  } catch {
    return;
  }
  const word = (index: number) =>
    tokens[index]?.kind === "word" ? tokens[index]!.value.toUpperCase() : "";
  const pathAt = (index: number) => {
    const token = tokens[index];
    if (token?.kind === "variable") {
      // `COPY … TO #p`: the variable is bound as a parameter; its value is the path.
      const value = variables.get(token.value)?.value;
      return typeof value === "string" ? value : undefined;
    }
    return token !== undefined &&
        (token.kind === "string" || token.kind === "dollar_string" ||
          token.kind === "quoted_identifier")
      ? token.value
      : undefined;
  };
  let position = 0;
  for (;;) {
    if (word(position) === "EXPLAIN") {
      position += word(position + 1) === "ANALYZE" ? 2 : 1;
    } else if (word(position) === "PREPARE") {
      while (position < tokens.length && word(position) !== "AS") position++;
      position++;
    } else break;
  }
  const verb = word(position);
  // DuckDB's file log: a log directory the sandbox refuses makes DuckDB's log writer throw
  // from a destructor at exit, which aborts the process (measured: exit 134).
  const names = new Set(
    tokens.filter((token) => token.kind === "word").map((token) => token.value.toLowerCase()),
  );
  if (
    names.has("enable_logging") &&
    (names.has("storage_path") || names.has("storage_config") ||
      tokens.some((token) => token.kind === "string" && token.value.toLowerCase() === "file"))
  ) {
    throw new NoctraError(
      "enable_logging to a file: permission denied: the file sandbox is on and DuckDB's log files cannot be written under it; log to memory (CALL enable_logging()) and read duckdb_logs",
    );
  }
  if (verb === "SET" || verb === "RESET") {
    const name = (tokens[position + 1]?.value ?? "").toLowerCase();
    if (
      SANDBOX_FROZEN_SETTINGS.has(name) ||
      SANDBOX_FROZEN_SETTINGS.has(word(position + 2).toLowerCase())
    ) {
      throw new NoctraError(
        `${verb} ${name}: permission denied: the file sandbox is on (--allow-read/--allow-write/--sandbox) and settings that reach files cannot change in a running session`,
      );
    }
    return;
  }
  if (verb === "ATTACH") {
    let index = position + 1;
    if (word(index) === "IF") index += 3;
    if (word(index) === "DATABASE") index++;
    const target = pathAt(index);
    if (target === undefined) {
      // An expression (SQLite accepts any: ATTACH ('/x' || 'y')) names a path no message can
      // check; under the sandbox it is refused rather than left to the kernel alone.
      if (tokens[index] !== undefined && word(index) !== "AS") {
        throw new NoctraError(
          `ATTACH: permission denied: the file sandbox is on and this ATTACH names its file with an expression; write the path as a string literal`,
        );
      }
      return;
    }
    if (target === ":memory:") return;
    const readOnly = tokens.slice(index).some((token) =>
      token.kind === "word" && token.value.toUpperCase() === "READ_ONLY"
    );
    if (readOnly) checkRead(sandbox, target, `ATTACH '${target}'`);
    else checkWrite(sandbox, target, `ATTACH '${target}' (add READ_ONLY to only read it)`);
    return;
  }
  if (verb === "EXPORT" && word(position + 1) === "DATABASE") {
    const target = pathAt(position + 2);
    if (target !== undefined) checkWrite(sandbox, target, `EXPORT DATABASE '${target}'`);
    return;
  }
  const into = verb === "COPY" ? "TO" : verb === "VACUUM" ? "INTO" : "";
  if (into === "") return;
  // COPY FROM DATABASE a TO b copies between attached databases: no file is named.
  if (verb === "COPY" && word(position + 1) === "FROM" && word(position + 2) === "DATABASE") {
    return;
  }
  let depth = 0;
  for (let index = position + 1; index < tokens.length; index++) {
    const text = tokens[index]!.text;
    if (text === "(") depth++;
    else if (text === ")") depth--;
    else if (depth === 0 && word(index) === into) {
      const target = pathAt(index + 1);
      if (target !== undefined) checkWrite(sandbox, target, `${verb} … ${into} '${target}'`);
      else if (tokens[index + 1] !== undefined) {
        throw new NoctraError(
          `${verb} … ${into}: permission denied: the file sandbox is on and the target is an expression; write the path as a string literal (or a #variable)`,
        );
      }
      return;
    }
  }
}
