/**
 * The `noctra` command: arguments → session → REPL or batch, with stable exit codes.
 *
 * @module
 */
import { basename, dirname, join } from "node:path";
import { Noctra } from "../noctra.ts";
import { describeError, EXIT_USAGE, exitCodeOf, UsageError } from "../errors.ts";
import { OutputClosedError, OutputWriteError, TextSink } from "../render/sink.ts";
import type { CliOptions } from "./args.ts";
import { type FileOutput, printError, ResultPrinter } from "./output.ts";
import { BatchRunner, type ScriptSource } from "./batch.ts";
import { runRepl } from "./repl.ts";
import { AttachmentRegistry } from "../session/attachment_registry.ts";
import { Config } from "../config/config.ts";
import type { ConfigValue } from "../config/schema.ts";
import { checkWrite, type SandboxLayer, type SandboxPolicy } from "../sandbox/policy.ts";
import type { OutputFormat } from "../render/renderer.ts";
import type { PagerMode } from "./pager.ts";

export { VERSION } from "../version.ts";

/** What the launcher (launch.ts) decided before the session starts. */
export interface PreparedRun {
  /** The parsed command line. */
  readonly options: CliOptions;
  /** The sandbox policy in force. */
  readonly sandbox: SandboxPolicy;
  /** The layer that enforces it. */
  readonly layer: SandboxLayer;
  /** DuckDB's private temporary directory under a sandbox. */
  readonly tempDirectory: string | undefined;
}

/**
 * Runs a session for a parsed command line (launch.ts parses it, answers `--help`/`--version`
 * and enters the sandbox first) and returns the exit code: 0 success, 1 a statement failed,
 * 2 usage error.
 */
export async function runCli(prepared: PreparedRun): Promise<number> {
  const { options, sandbox } = prepared;
  let scripts: ScriptSource[] | "repl";
  try {
    scripts = await chooseScripts(options);
  } catch (error) {
    printError(describeError(error));
    return exitCodeOf(error);
  }

  let config: Config;
  try {
    const flags: Record<string, ConfigValue> = {};
    if (options.threads !== undefined) flags["duckdb.performance.base_threads"] = options.threads;
    if (options.memoryLimit !== undefined) {
      flags["duckdb.performance.memory_limit"] = options.memoryLimit;
    }
    if (options.format !== undefined) flags["repl.format"] = options.format;
    if (options.maxRows !== undefined) flags["repl.max_rows"] = options.maxRows;
    config = Config.load({ path: options.configPath, flags });
    if (options.outputFile !== undefined) {
      checkWrite(sandbox, options.outputFile, `-o ${options.outputFile}`);
    }
  } catch (error) {
    // A bad configuration, sandbox directory or -o target is a usage error.
    printError(namingFlags(describeError(error)));
    return EXIT_USAGE;
  }

  const output = await openOutput(options.outputFile);
  if (output instanceof Error) {
    printError(describeError(output));
    return EXIT_USAGE;
  }
  const printer = new ResultPrinter(
    output.sink,
    {
      format: config.get("repl.format") as OutputFormat,
      maxRows: Number(config.get("repl.max_rows")),
      timer: config.get("repl.timer") === true,
      pager: config.get("repl.pager") as PagerMode,
      statusBar: config.get("repl.status_bar") === true,
      wideRowAsLines: config.get("repl.wide_row_as_lines") === true,
    },
    options.outputFile === undefined && Deno.stdout.isTerminal(),
    {
      interactive: scripts === "repl",
      // `.output FILE` / `.once FILE`: checked against the sandbox and written as -o is.
      openFile: async (path, label): Promise<FileOutput> => {
        checkWrite(sandbox, path, label);
        const file = await openOutput(path, label, false);
        if (file instanceof Error) throw file;
        return file;
      },
    },
  );
  config.onChange((key, value) => {
    if (key === "repl.format") printer.settings.format = value as OutputFormat;
    if (key === "repl.max_rows") printer.settings.maxRows = Number(value);
    if (key === "repl.timer") printer.settings.timer = value === true;
    if (key === "repl.pager") printer.settings.pager = value as PagerMode;
    if (key === "repl.status_bar") printer.settings.statusBar = value === true;
    if (key === "repl.wide_row_as_lines") printer.settings.wideRowAsLines = value === true;
  });

  let noctra: Noctra;
  try {
    noctra = await Noctra.open({
      files: options.files,
      strategy: options.strategy,
      config,
      sandbox,
      sandboxLayer: prepared.layer,
      ...(prepared.tempDirectory === undefined ? {} : { tempDirectory: prepared.tempDirectory }),
      registryPath: options.noRestore ? false : (AttachmentRegistry.defaultPath() ?? false),
      // Progress is tracked only where a bar can be shown (src/cli/progress.ts).
      progress: Deno.stderr.isTerminal(),
    });
  } catch (error) {
    output.abandon();
    printError(describeError(error));
    return exitCodeOf(error);
  }
  // SIGINT/SIGTERM while -o FILE is written: the running statement stops, the run unwinds.
  output.onStop(() => noctra.interrupt());
  for (const warning of noctra.warnings) printer.message(`noctra: warning: ${warning}`);
  noctra.engine.forceOverwrite = options.force;
  noctra.engine.onProfile = (line) => printer.message(line);
  try {
    for (const variable of options.variables) {
      await noctra.engine.setVariableFromText(variable.name, variable.text, variable.type);
    }
  } catch (error) {
    noctra.close();
    output.abandon();
    printError(describeError(error));
    return exitCodeOf(error);
  }
  let exitCode = 0;
  const stopped = () => output.stopCode() !== null;
  try {
    if (scripts === "repl") {
      exitCode = await runRepl(noctra, printer, Number(config.get("repl.history_size")));
    } else {
      const runner = new BatchRunner(noctra, printer, {
        continueOnError: options.continueOnError,
        stopped,
      });
      for (const script of scripts) {
        const code = await runner.run(script);
        if (exitCode === 0) exitCode = code;
        // `.bail off` in one -c script lets the next run (as --continue-on-error); `.bail on`
        // stops even with it.
        if ((code !== 0 && runner.stopsOnError) || stopped() || runner.quit) break;
      }
    }
    await printer.flush();
    // A failed or stopped run never looks like success: -o FILE (and a `.output` file still
    // open) keeps what it had.
    const success = exitCode === 0 && !stopped();
    await printer.endRedirect(success);
    if (success) await output.commit();
    else output.abandon();
  } catch (error) {
    await printer.endRedirect(false).catch(() => {});
    output.abandon();
    // After a stop signal, errors are its consequence (an interrupted statement): not reported.
    if (!(error instanceof OutputClosedError) && !stopped()) {
      printError(describeError(error));
      exitCode = exitCodeOf(error);
    }
  } finally {
    noctra.close();
  }
  return output.stopCode() ?? exitCode;
}

/** The command-line flags that set a configuration key, as the configuration names them. */
const FLAG_OF_KEY: Readonly<Record<string, string>> = {
  "duckdb.performance.base_threads": "--threads",
  "duckdb.performance.memory_limit": "--memory-limit",
  "repl.format": "--format",
  "repl.max_rows": "--max-rows",
};

/**
 * A configuration error about a value that came from a flag names the flag: `flag:
 * duckdb.performance.base_threads = "0": …` becomes `--threads: duckdb.performance.base_threads =
 * "0": …`. Other messages are returned as they are.
 */
function namingFlags(message: string): string {
  return message.replace(
    /^flag: ([\w.]+)/,
    (whole, key: string) => FLAG_OF_KEY[key] === undefined ? whole : `${FLAG_OF_KEY[key]}: ${key}`,
  );
}

/** The scripts to run in order, or "repl" for an interactive session. */
async function chooseScripts(options: CliOptions): Promise<ScriptSource[] | "repl"> {
  if (options.commands.length > 0) {
    const many = options.commands.length > 1;
    return options.commands.map((text, index) => ({
      name: many ? `-c[${index + 1}]` : "-c",
      text,
    }));
  }
  if (options.scriptFile !== undefined) {
    const path = options.scriptFile;
    try {
      return [{ name: basename(path), text: await Deno.readTextFile(path) }];
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) {
        throw new UsageError(`-f ${path}: script file not found`);
      }
      if (error instanceof Deno.errors.IsADirectory) {
        throw new UsageError(`-f ${path}: is a directory, expected a script file`);
      }
      if (error instanceof Deno.errors.PermissionDenied) {
        throw new UsageError(`-f ${path}: permission denied`);
      }
      throw new UsageError(`-f ${path}: cannot read script (${describeError(error)})`);
    }
  }
  if (!Deno.stdin.isTerminal()) {
    const text = await new Response(Deno.stdin.readable).text();
    return [{ name: "stdin", text }];
  }
  return "repl";
}

/** Where results go: stdout, or `-o FILE` through a temporary sibling (see {@link openOutput}). */
interface Output extends FileOutput {
  readonly sink: TextSink;
  /**
   * Makes the output final: flushes the temporary file to disk and renames it over the target.
   * On failure the temporary file is removed and the target left as it was; throws
   * {@link OutputWriteError}.
   */
  commit(): Promise<void>;
  /** Drops the output: removes the temporary file; the target keeps its previous content. */
  abandon(): void;
  /**
   * Exit code of the stop signal received while the output was open (130 SIGINT, 143 SIGTERM),
   * or null. Always null for stdout.
   */
  stopCode(): number | null;
  /** Sets what a stop signal does after removing the temporary file (interrupt the statement). */
  onStop(interrupt: () => void): void;
}

/**
 * Temporary file of `-o FILE`: `.FILE.<pid>.tmp` beside FILE. The writer holds an exclusive
 * lock on it while it runs, so a leftover can be told from a live run's file.
 */
function temporaryName(target: string, pid: number): string {
  return join(dirname(target), `.${basename(target)}.${pid}.tmp`);
}

/**
 * Stdout, or `-o FILE` written to a temporary sibling (`.FILE.<pid>.tmp`) and renamed over FILE
 * only by {@link Output.commit}, which the CLI calls when every statement succeeded. Whatever
 * else happens — a failed statement, an error in the middle of a result, a write error, SIGINT
 * or SIGTERM (exit 130/143, see {@link StopSignals}) — FILE keeps its previous bytes and the
 * temporary file is removed.
 * Temporary files of earlier runs for the same FILE that were killed outright (SIGKILL, power
 * loss) are removed first (see {@link sweepStaleTemporaries}).
 *
 * A FILE that is a symbolic link is written through it (the link stays, its target is
 * replaced); a replaced FILE keeps its permission bits. Returns a {@link UsageError} when FILE is
 * a directory or its directory cannot be written; `label` names FILE in errors (default
 * `-o FILE`). `.output FILE` passes `signals` false: a stop signal is then not watched (the REPL
 * has its own Ctrl-C), and a temporary file left by a killed run is swept by the next.
 */
async function openOutput(
  path: string | undefined,
  label = `-o ${path}`,
  signals = true,
): Promise<Output | Error> {
  if (path === undefined) {
    return {
      sink: new TextSink(Deno.stdout),
      commit: async () => {},
      abandon: () => {},
      stopCode: () => null,
      onStop: () => {},
    };
  }
  let target = path;
  let mode: number | null = null;
  try {
    let info = Deno.lstatSync(path);
    if (info.isSymlink) {
      try {
        target = Deno.realPathSync(path);
        info = Deno.statSync(target);
      } catch { /* a dangling link: it is replaced by the file */ }
    }
    if (info.isDirectory) {
      return new UsageError(`${label}: is a directory; name a file to write results to`);
    }
    if (info.isFile) mode = info.mode === null ? null : info.mode & 0o7777;
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) {
      return new UsageError(`${label}: cannot write there (${describeError(error)})`);
    }
  }
  sweepStaleTemporaries(target);
  const temporary = temporaryName(target, Deno.pid);
  let file: Deno.FsFile;
  try {
    removeQuietly(temporary); // a leftover of an earlier process that had this pid
    file = await Deno.open(temporary, { write: true, createNew: true });
  } catch (error) {
    // The temporary file's name would only confuse: name the directory the user gave.
    // A refusal keeps the system's words (the kernel sandbox's tests read them).
    const reason = error instanceof Deno.errors.NotFound
      ? `no such directory: ${dirname(target)}`
      : describeError(error);
    return new UsageError(`${label}: cannot write there (${reason})`);
  }
  try {
    file.lockSync(true);
    if (mode !== null && Deno.build.os !== "windows") Deno.chmodSync(temporary, mode);
  } catch { /* no locks or modes on this file system: the output itself still works */ }

  let open = true;
  const close = () => {
    if (open) file.close();
    open = false;
  };
  const drop = () => {
    close();
    removeQuietly(temporary);
  };
  const stops = signals ? new StopSignals(drop) : undefined;
  return {
    sink: new TextSink(file, label),
    commit: async () => {
      try {
        await file.syncData();
        close();
        if ((stops?.code ?? null) !== null) throw new Error("stopped by a signal");
        // Synchronous: no signal handler runs between the check above and the rename.
        Deno.renameSync(temporary, target);
      } catch (error) {
        drop();
        throw new OutputWriteError(label, error);
      } finally {
        stops?.close();
      }
    },
    abandon: () => {
      drop();
      stops?.close();
    },
    stopCode: () => stops?.code ?? null,
    onStop: (interrupt) => {
      if (stops !== undefined) stops.interrupt = interrupt;
    },
  };
}

/** How long a stopped run may take to unwind before the process ends regardless (ms). */
const STOP_GRACE_MS = 3_000;

/**
 * SIGINT and SIGTERM while `-o FILE` is open (until {@link StopSignals.close}): the first one
 * runs `cleanup` at once (synchronously: the temporary file goes), records the exit code (130,
 * 143) in {@link StopSignals.code} and calls {@link StopSignals.interrupt} so the running
 * statement stops and the run unwinds; the CLI then exits with that code. Should the run not end
 * within {@link STOP_GRACE_MS} (other listeners, such as an EXPORT settling its files, get that
 * long), or a second signal come, the process ends at once. No-op on Windows.
 */
class StopSignals {
  /** Exit code of the first stop signal (130 SIGINT, 143 SIGTERM), or null. */
  code: number | null = null;
  /** Asks the running statement to stop; set once the session is open. */
  interrupt: () => void = () => {};
  readonly #cleanup: () => void;
  readonly #handlers: [Deno.Signal, () => void][] = [];

  /** Starts listening; `cleanup` must be synchronous and idempotent. */
  constructor(cleanup: () => void) {
    this.#cleanup = cleanup;
    if (Deno.build.os === "windows") return;
    this.#handlers.push(["SIGINT", () => this.#stop(130)], ["SIGTERM", () => this.#stop(143)]);
    for (const [signal, handler] of this.#handlers) Deno.addSignalListener(signal, handler);
  }

  #stop(code: number): void {
    this.#cleanup();
    if (this.code !== null) Deno.exit(this.code);
    this.code = code;
    setTimeout(() => Deno.exit(code), STOP_GRACE_MS);
    try {
      this.interrupt();
    } catch { /* nothing running */ }
  }

  /** Stops listening (the output was committed or dropped); idempotent. */
  close(): void {
    for (const [signal, handler] of this.#handlers.splice(0)) {
      Deno.removeSignalListener(signal, handler);
    }
  }
}

/**
 * Removes temporary files that earlier runs writing `target` left behind when they were killed
 * outright (SIGKILL, a crash): siblings named exactly `.NAME.<pid>.tmp` (NAME is `target`'s base
 * name) that are regular files, whose lock no process holds, and whose process is gone — no
 * `/proc/<pid>` where `/proc` exists, else unchanged for {@link STALE_AFTER_MS}. Any other file
 * is left alone; errors (permissions, a racing run) only mean nothing is removed.
 */
export function sweepStaleTemporaries(target: string): void {
  const directory = dirname(target);
  const pattern = new RegExp(`^\\.${escapeRegExp(basename(target))}\\.(\\d+)\\.tmp$`);
  let entries: Deno.DirEntry[];
  try {
    entries = [...Deno.readDirSync(directory)];
  } catch {
    return;
  }
  for (const entry of entries) {
    const pid = Number(pattern.exec(entry.name)?.[1] ?? NaN);
    if (!entry.isFile || !Number.isSafeInteger(pid)) continue;
    const path = join(directory, entry.name);
    try {
      const alive = pid === Deno.pid ? false : processAlive(pid);
      if (alive === true) continue;
      if (alive === undefined) {
        const modified = Deno.lstatSync(path).mtime?.getTime() ?? Date.now();
        if (Date.now() - modified < STALE_AFTER_MS) continue;
      }
      const file = Deno.openSync(path, { read: true });
      try {
        // A live writer holds the lock; a killed one's lock went with its process.
        if (file.tryLockSync(true)) Deno.removeSync(path);
      } finally {
        file.close();
      }
    } catch { /* gone already, or not ours to remove */ }
  }
}

/** Where a process's liveness cannot be checked, a temporary file this old is a leftover. */
const STALE_AFTER_MS = 10 * 60 * 1000;

/** Whether process `pid` runs: true/false from `/proc` (Linux), undefined where unknown. */
function processAlive(pid: number): boolean | undefined {
  try {
    Deno.statSync(`/proc/${pid}`);
    return true;
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) return undefined;
    try {
      Deno.statSync("/proc/self");
      return false;
    } catch {
      return undefined; // no /proc here (macOS, BSD, Windows)
    }
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function removeQuietly(path: string): void {
  try {
    Deno.removeSync(path);
  } catch { /* not there */ }
}
