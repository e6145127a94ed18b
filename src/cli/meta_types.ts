/**
 * The shapes every meta-command module shares (src/cli/meta.ts and the `meta_*.ts` modules): what
 * a command did ({@link MetaResult}) and what it may use of the session ({@link MetaContext}).
 * In a module of their own so that the command modules import them without importing each other.
 *
 * @module
 */
import type { ResultPrinter } from "./output.ts";
import type { StatementResult } from "../engine/result.ts";
import type { SandboxPolicy } from "../sandbox/policy.ts";

/**
 * What a meta-command run with a {@link MetaContext} did:
 *
 * - `quit`: leave the REPL; in a script, stop the script (in a `.read` file, that file). With
 *   `exitCode` (`.exit 3`), the whole run stops and exits with that code.
 * - `reply`: an answer to show (`.mode` alone, `.help`, what `.last` could not show).
 * - `set`: a setting changed; `text` confirms it (the REPL shows it, scripts stay silent).
 * - `done`: its output is written already (`.tables`, `.schema`, `.last`, `.chart`, `.show`).
 * - `error`: it failed; `text` says why in one line (a script reports `NAME:LINE: text` and
 *   stops unless `.bail off`); `cause` is the error thrown, if any (output errors end a script as
 *   they do after a statement).
 * - `failed`: a `.read` script failed; its errors were reported; `exitCode` is its code.
 */
export type MetaResult =
  | { readonly kind: "quit"; readonly exitCode?: number }
  | { readonly kind: "reply"; readonly text: string }
  | { readonly kind: "set"; readonly text: string }
  | { readonly kind: "done" }
  | { readonly kind: "error"; readonly text: string; readonly cause?: unknown }
  | { readonly kind: "failed"; readonly exitCode: number };

/** What the meta-commands that need the session may use of it; see src/cli/meta_session.ts. */
export interface MetaContext {
  /** The printer: output settings, the last result, the `.output` file, text output. */
  readonly printer: ResultPrinter;
  /**
   * The directories the session may read and write: `.shell` is refused when it confines
   * anything, `.import` and `.cd` check their paths against it.
   */
  readonly sandbox: SandboxPolicy;
  /** Runs one statement (SQL or RQL) and returns its result unprinted. */
  execute(statement: string): Promise<StatementResult>;
  /**
   * Runs one statement in which each `#name` of `texts` stands for that text (a VARCHAR),
   * bound as a prepared-statement parameter — never spliced into the SQL. The names are set as
   * session variables for this statement only; a user variable of the same name is restored
   * after it. Throws what the statement throws.
   */
  executeWithTexts(
    statement: string,
    texts: Readonly<Record<string, string>>,
  ): Promise<StatementResult>;
  /**
   * Runs the statements and dot-commands of the script file at `path` as `-f` does, printing
   * their results; returns its exit code (its errors are reported already). Throws when the
   * file cannot be read.
   */
  runFile(path: string): Promise<number>;
  /**
   * Lends the terminal to a program that reads it (`.shell`) while `lent` is true; absent when
   * there is no terminal to lend (scripts): the program then gets no input.
   */
  readonly lendTerminal?: (lent: boolean) => void;
}
