/**
 * The text of `noctra --help`, in a module of its own so that `--help` answers without loading
 * the rest of Noctra, and the list of RQL commands that `--help` and the REPL's `help` print:
 * `RQL_COMMANDS`' syntax and summaries, kept as text in src/cli/rql_commands_help.ts (generated
 * by scripts/generate_rql_help.ts, checked by tests/rql_docs_test.ts) so that `--help` loads no
 * command parser.
 *
 * @module
 */
import { OUTPUT_FORMATS } from "../render/formats.ts";
import { RQL_COMMANDS_HELP } from "./rql_commands_help.ts";

/**
 * The RQL commands, as `RQL_COMMANDS` describes them: each family's syntax lines indented by two
 * spaces, its summary under them indented by six; lines end with `\n`.
 */
export function rqlCommandsHelp(): string {
  return RQL_COMMANDS_HELP;
}

/**
 * `words` joined by `separator` into lines of at most `width` characters, each indented by
 * `indent` spaces (the separator ends a line that continues).
 */
function wrapList(words: readonly string[], separator: string, indent: number, width: number) {
  const lines: string[] = [];
  let line = "";
  for (const [index, word] of words.entries()) {
    const piece = word + (index < words.length - 1 ? separator : "");
    if (line !== "" && indent + (line + piece).trimEnd().length > width) {
      lines.push(line.trimEnd());
      line = "";
    }
    line += piece;
  }
  if (line !== "") lines.push(line.trimEnd());
  return lines.map((text) => " ".repeat(indent) + text).join("\n");
}

/** The `--help` text. */
export const HELP_TEXT =
  `noctra — SQL over CSV, TSV, JSON, NDJSON and Parquet files, powered by DuckDB

Usage:
  noctra [options] [FILE…]        FILEs are registered as views (as with USE 'FILE')

With a terminal and no -c/-f, noctra opens the REPL; stdin that is not a terminal is read as
a script.

Options:
  -c, --command SQL       run SQL (repeatable; statements run in order)
  -f, --file PATH         run the script at PATH
      --format FORMAT     output format (default: table):
${wrapList(OUTPUT_FORMATS, " | ", 26, 92)}
  -o, --output FILE       write results to FILE instead of stdout; FILE is replaced only
                          when every statement succeeds (else it keeps what it had)
      --max-rows N        rows a table shows at most; 0 shows all (default: 40)
      --continue-on-error keep running a script after a failed statement
      --var NAME=VALUE    set variable #NAME before the first statement (repeatable);
                          typed only where nothing is lost (42 BIGINT, 1.50 DECIMAL,
                          true BOOLEAN; 00501 stays VARCHAR); NAME:TYPE=VALUE casts
      --force             let EXPORT replace existing files
      --config PATH       read settings from PATH (default: $XDG_CONFIG_HOME/noctra/config.toml)
      --threads N         DuckDB threads for local work (duckdb.performance.base_threads)
      --memory-limit SIZE DuckDB memory limit, e.g. 8GB or 50% (duckdb.performance.memory_limit)
      --allow-read=DIRS   confine reading to these directories (comma-separated, repeatable)
      --allow-write=DIRS  confine writing to these directories (they are readable too)
      --sandbox           confine reading and writing to the current directory
      --allow-net         let a sandboxed session use the network (default: no network)
      --engine ENGINE     hybrid (default: route each statement) | duckdb | sqlite
      --no-restore        start without the saved sources (USE, ATTACH) and save none
  -h, --help              show this help
  -V, --version           show the version

RQL commands (besides SQL; docs/RQL.md):
${rqlCommandsHelp()}
Exit codes: 0 success, 1 a statement failed, 2 usage error (bad flag, missing script file).
`;

/** The whole `--help` output: {@link HELP_TEXT} and the sandbox layer this system offers. */
export async function helpOutput(): Promise<string> {
  const { availableLayer } = await import("../sandbox/available.ts");
  return `${HELP_TEXT}\nSandbox layer on this system: ${availableLayer()}\n`;
}
