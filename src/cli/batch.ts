/**
 * The batch runner: runs a script (from `-f`, `-c`, piped stdin or `.read`) statement by
 * statement, streaming each result to the output, stopping at the first failure unless told to
 * continue. A line whose first non-blank character is `.`, where no statement has begun, is a
 * dot-command (`.mode csv`, `.read more.sql`, `.quit`), as the DuckDB CLI reads scripts; see
 * `splitScript` in src/rql/splitter.ts and src/cli/meta.ts.
 *
 * @module
 */
import type { Noctra } from "../noctra.ts";
import { type ScriptPart, splitScript } from "../rql/splitter.ts";
import { SqlTextError } from "../rql/lexer.ts";
import { describeError, EXIT_STATEMENT_FAILED, exitCodeOf, NoctraError } from "../errors.ts";
import { checkRead } from "../sandbox/policy.ts";
import { printError, type ResultPrinter } from "./output.ts";
import { type MetaContext, type MetaResult, runMetaCommand } from "./meta.ts";
import { ChangeCounter } from "./meta_settings.ts";
import { startProgress } from "./progress.ts";
import type { StatementResult } from "../engine/result.ts";

/** Names of the sink's errors (`OutputClosedError`, `OutputWriteError` in render/sink.ts). */
const OUTPUT_ERRORS: ReadonlySet<string> = new Set(["OutputClosedError", "OutputWriteError"]);

/** How deep `.read` files may read further files (a file that reads itself stops here). */
const MAX_READ_DEPTH = 16;

/** Where a script came from, for error messages: a file name, `-c`, or `stdin`. */
export interface ScriptSource {
  /** The name errors give it: a file name, `-c`, `-c[2]`, `stdin`. */
  readonly name: string;
  /** The script's text. */
  readonly text: string;
}

/** How a {@link BatchRunner} treats failures. */
export interface BatchOptions {
  /**
   * Go on after a failed statement or dot-command (`--continue-on-error`); `.bail on|off`
   * (`OutputSettings.bail`) overrides it once given.
   */
  readonly continueOnError: boolean;
  /**
   * Asked before each statement and after a failure: once it returns true (a stop signal came)
   * no further statement runs and the failure it caused is not reported.
   */
  readonly stopped?: () => boolean;
}

/**
 * Runs scripts for one session and printer: the top-level scripts of the command line, and
 * the files of `.read` (also from the REPL, through {@link BatchRunner.context}).
 */
export class BatchRunner {
  readonly #noctra: Noctra;
  readonly #printer: ResultPrinter;
  readonly #continueOnError: boolean;
  readonly #stopped: () => boolean;
  #depth = 0;
  /** Scripts running now (a `.read` from the REPL runs while none is). */
  #running = 0;
  #quit = false;
  /** `.exit CODE`: the code the whole run ends with. */
  #exitCode: number | undefined;
  readonly #changes = new ChangeCounter();

  /**
   * A runner printing through `printer`. With `continueOnError` it sets the printer's
   * `settings.bail` to false unless `.bail` set it already, so that `.bail` and `.show` tell
   * what a failure will do.
   */
  constructor(noctra: Noctra, printer: ResultPrinter, options: BatchOptions) {
    this.#noctra = noctra;
    this.#printer = printer;
    this.#continueOnError = options.continueOnError;
    if (options.continueOnError) printer.settings.bail ??= false;
    this.#stopped = options.stopped ?? (() => false);
  }

  /** True once `.quit` ended a top-level script (or `.exit CODE` any): no further script should run. */
  get quit(): boolean {
    return this.#quit;
  }

  /**
   * Whether a failure stops the script now: `.bail on|off` when given (the printer's
   * `settings.bail`), else the runner's `continueOnError` option. The caller running several
   * scripts (`-c … -c …`) should ask it before running the next one after a failure.
   */
  get stopsOnError(): boolean {
    return this.#printer.settings.bail ?? !this.#continueOnError;
  }

  /**
   * What the meta-commands may use of this session: statements, `.read` files through this
   * runner, and the printer. The REPL passes it to `runMetaCommand`.
   */
  get context(): MetaContext {
    return {
      printer: this.#printer,
      sandbox: this.#noctra.engine.sandbox,
      execute: (statement) => this.#noctra.execute(statement),
      executeWithTexts: (statement, texts) => this.#executeWithTexts(statement, texts),
      runFile: (path) => this.runFile(path),
    };
  }

  /**
   * Runs `statement` with the session variables named in `texts` set to those texts (VARCHAR)
   * for it alone — `#name` binds them as parameters — and puts back what they were.
   */
  async #executeWithTexts(
    statement: string,
    texts: Readonly<Record<string, string>>,
  ): Promise<StatementResult> {
    const engine = this.#noctra.engine;
    const saved = Object.keys(texts).map((name) => [name, engine.variables.get(name)] as const);
    try {
      for (const [name, text] of Object.entries(texts)) {
        await engine.setVariableFromText(name, text, "VARCHAR");
      }
      return await this.#noctra.execute(statement);
    } finally {
      for (const [name, variable] of saved) {
        if (variable !== undefined) {
          engine.variables.set(variable.name, variable.value, variable.type);
        } else if (engine.variables.get(name) !== undefined) engine.variables.unset([name]);
      }
    }
  }

  /**
   * Runs every statement and dot-command of `script`. Returns the exit code: 0 when all
   * succeeded, else the first failure's code (1 for a statement or a dot-command), or the code
   * of `.exit CODE`. A failure stops the script unless {@link stopsOnError} is false (`.bail
   * off`, `--continue-on-error`): then the rest runs and the code is still the first failure's.
   * With `.echo on` each statement and dot-command is written to the output before it runs;
   * with `.changes on` each INSERT/UPDATE/DELETE is followed by DuckDB's `changes:` line on
   * stderr. Errors go to stderr as `noctra: error: NAME:LINE: cause`. Throws the sink's
   * `OutputClosedError` / `OutputWriteError` when the output cannot take more.
   */
  async run(script: ScriptSource): Promise<number> {
    this.#running++;
    try {
      return await this.#run(script);
    } finally {
      this.#running--;
    }
  }

  async #run(script: ScriptSource): Promise<number> {
    const nul = script.text.indexOf("\0");
    if (nul >= 0) {
      // DuckDB stops reading SQL text at a NUL: the statements after it would silently not run.
      printError(
        `${script.name}:${
          lineOf(script.text, nul)
        }: the script holds a NUL byte, where DuckDB stops reading SQL, so what follows it would not run; remove it`,
      );
      return EXIT_STATEMENT_FAILED;
    }
    let parts: ScriptPart[];
    try {
      parts = splitScript(script.text);
    } catch (error) {
      if (error instanceof SqlTextError) {
        printError(`${script.name}:${error.line}: ${error.message}`);
        return EXIT_STATEMENT_FAILED;
      }
      throw error;
    }
    if (parts.some((part) => "command" in part && /^\.(last|chart)\b/i.test(part.command))) {
      this.#printer.keepLast = true; // the script looks back at its results
    }
    let exitCode = 0;
    const fail = (code: number) => {
      if (exitCode === 0) exitCode = code;
      return this.stopsOnError;
    };
    const settings = this.#printer.settings;
    // Lines counted from the previous statement on, not from the top for each (quadratic: 160 ms
    // of a 2,000-statement script).
    let counted = { offset: 0, line: 1 };
    for (const part of parts) {
      if (this.#stopped()) return exitCode;
      if ("command" in part) {
        if (settings.echo) await this.#printer.write(part.command + "\n");
        const result = await this.#runCommand(part.command);
        if (result.kind === "quit") {
          if (result.exitCode !== undefined) this.#exitCode = result.exitCode;
          if (this.#depth === 0 || this.#exitCode !== undefined) this.#quit = true;
          return this.#exitCode ?? exitCode;
        }
        if (this.#exitCode !== undefined) return this.#exitCode; // `.exit CODE` in a `.read` file
        if (result.kind === "reply") this.#printer.message(result.text);
        if (result.kind === "failed" && fail(result.exitCode)) return exitCode;
        if (result.kind === "error") {
          if (result.cause instanceof Error && OUTPUT_ERRORS.has(result.cause.name)) {
            throw result.cause;
          }
          if (this.#stopped()) return exitCode;
          printError(`${script.name}:${part.line}: ${result.text}`);
          if (fail(EXIT_STATEMENT_FAILED)) return exitCode;
        }
        continue;
      }
      counted = {
        offset: part.start,
        line: counted.line + lineOf(script.text, part.start, counted.offset) - 1,
      };
      try {
        if (settings.echo) {
          await this.#printer.write(`${part.text}${part.terminated ? ";" : ""}\n`);
        }
        await this.#runStatement(part.text);
      } catch (error) {
        // The output is gone (reader closed the pipe) or cannot be written (disk full): no later
        // statement could be shown, so the run ends here whatever --continue-on-error says.
        if (error instanceof Error && OUTPUT_ERRORS.has(error.name)) throw error;
        if (this.#stopped()) return exitCode; // interrupted by a stop signal: not the statement's fault
        printError(`${script.name}:${part.line}: ${describeError(error, counted.line)}`);
        if (fail(exitCodeOf(error))) return exitCode;
      }
    }
    return exitCode;
  }

  /**
   * Runs the script file at `path` (`.read FILE`) with this runner: its `.quit` ends that file
   * only; its `.exit CODE` ends the script run that reads it (from the REPL, only that file).
   * Returns its exit code; throws {@link NoctraError} when the sandbox forbids reading it, it
   * cannot be read or `.read` nests too deep.
   */
  async runFile(path: string): Promise<number> {
    checkRead(this.#noctra.engine.sandbox, path, `.read ${path}`);
    if (this.#depth >= MAX_READ_DEPTH) {
      throw new NoctraError(
        `${path}: .read nests more than ${MAX_READ_DEPTH} files deep (does a file read itself?)`,
      );
    }
    let text: string;
    try {
      text = await Deno.readTextFile(path);
    } catch (error) {
      const reason = error instanceof Deno.errors.NotFound
        ? "no such file"
        : error instanceof Deno.errors.IsADirectory
        ? "it is a directory"
        : error instanceof Deno.errors.PermissionDenied
        ? "permission denied"
        : describeError(error);
      throw new NoctraError(`cannot read ${path}: ${reason}`);
    }
    const outermost = this.#running === 0;
    this.#depth++;
    try {
      return await this.run({ name: path, text });
    } finally {
      this.#depth--;
      if (outermost) {
        // Read from the REPL: `.exit CODE` ended that file; the session goes on.
        this.#exitCode = undefined;
        this.#quit = false;
      }
    }
  }

  async #runCommand(command: string): Promise<MetaResult> {
    const printer = this.#printer;
    return await runMetaCommand(command, printer.settings, this.#noctra.engine, this.context) ??
      { kind: "error", text: `${command}: not a dot-command` };
  }

  async #runStatement(text: string): Promise<void> {
    const printer = this.#printer;
    const started = performance.now();
    this.#noctra.engine.copyOutput = printer.mayCopy();
    // On a terminal, a statement that runs longer than 0.5 s shows a progress bar on stderr
    // (unless `.progress_bar off`).
    const progress = printer.settings.progressBar === false
      ? { stop() {} }
      : startProgress(() => this.#noctra.progress());
    try {
      const result = await this.#noctra.execute(text);
      await printer.print(result, false, () => progress.stop());
      // Counted always: `total_changes` is the session's, as DuckDB's.
      const changes = this.#changes.line(text, result);
      if (printer.settings.changes && changes !== undefined) printer.message(changes);
    } finally {
      progress.stop();
    }
    if (printer.settings.timer) {
      printer.message(`Run Time: ${(performance.now() - started).toFixed(1)} ms`);
    }
  }
}

/**
 * 1-based line number of `offset` (UTF-16 code units) in `text`, counting from `from` (an offset
 * at the start of a line, or where counting resumes: line 1 is the line `from` is on). Lines end
 * at `\n`, `\r\n` or a lone `\r`, as the lexer and DuckDB count them.
 */
export function lineOf(text: string, offset: number, from = 0): number {
  let line = 1;
  for (let index = from; index < offset; index++) {
    const c = text.charCodeAt(index);
    if (c === 13 || (c === 10 && text.charCodeAt(index - 1) !== 13)) line++;
  }
  return line;
}
