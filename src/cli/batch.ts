/**
 * The batch runner: runs a script (from `-f`, `-c` or piped stdin) statement by statement,
 * streaming each result to the output, stopping at the first failure unless told to continue.
 *
 * @module
 */
import type { Noctra } from "../noctra.ts";
import { splitStatements } from "../rql/splitter.ts";
import { SqlTextError } from "../rql/lexer.ts";
import { describeError, EXIT_STATEMENT_FAILED, exitCodeOf } from "../errors.ts";
import { printError, type ResultPrinter } from "./output.ts";
import { mayCopyOutput } from "../render/renderer.ts";
/** Names of the sink's errors (`OutputClosedError`, `OutputWriteError` in render/sink.ts). */
const OUTPUT_ERRORS: ReadonlySet<string> = new Set(["OutputClosedError", "OutputWriteError"]);

/** Where a script came from, for error messages: a file name, `-c`, or `stdin`. */
export interface ScriptSource {
  readonly name: string;
  readonly text: string;
}

/**
 * Runs every statement of `script`. Returns the exit code: 0 when all succeeded, else the first
 * failure's code (1 for a statement). Errors go to stderr as `noctra: error: NAME:LINE: cause`.
 * Throws the sink's `OutputClosedError` / `OutputWriteError` when the output cannot take more.
 * `stopped` is asked before each statement and after a failure: once it returns true (a stop
 * signal came) no further statement runs and the failure it caused is not reported.
 */
export async function runScript(
  noctra: Noctra,
  script: ScriptSource,
  printer: ResultPrinter,
  continueOnError: boolean,
  stopped: () => boolean = () => false,
): Promise<number> {
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
  let statements;
  try {
    statements = splitStatements(script.text);
  } catch (error) {
    if (error instanceof SqlTextError) {
      printError(`${script.name}:${error.line}: ${error.message}`);
      return EXIT_STATEMENT_FAILED;
    }
    throw error;
  }
  let exitCode = 0;
  // Lines counted from the previous statement on, not from the top for each (quadratic: 160 ms
  // of a 2,000-statement script).
  let counted = { offset: 0, line: 1 };
  for (const statement of statements) {
    if (stopped()) return exitCode;
    counted = {
      offset: statement.start,
      line: counted.line + lineOf(script.text, statement.start, counted.offset) - 1,
    };
    const firstLine = counted.line;
    const started = performance.now();
    try {
      noctra.engine.copyOutput = mayCopyOutput(printer.settings.format);
      const result = await noctra.execute(statement.text);
      await printer.print(result, false);
      if (printer.settings.timer) {
        printer.message(`Run Time: ${(performance.now() - started).toFixed(1)} ms`);
      }
    } catch (error) {
      // The output is gone (reader closed the pipe) or cannot be written (disk full): no later
      // statement could be shown, so the run ends here whatever --continue-on-error says.
      if (error instanceof Error && OUTPUT_ERRORS.has(error.name)) throw error;
      if (stopped()) return exitCode; // interrupted by a stop signal: not the statement's fault
      printError(`${script.name}:${statement.line}: ${describeError(error, firstLine)}`);
      if (exitCode === 0) exitCode = exitCodeOf(error);
      if (!continueOnError) return exitCode;
    }
  }
  return exitCode;
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
