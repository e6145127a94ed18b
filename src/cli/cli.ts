/**
 * The `noctra` command: arguments → session → REPL or batch, with stable exit codes.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { basename, dirname, join, resolve } from "node:path";
import { Noctra } from "../noctra.ts";
import { describeError, EXIT_USAGE, exitCodeOf, UsageError } from "../errors.ts";
import { OutputClosedError, TextSink } from "../render/sink.ts";
import { type CliOptions, HELP_TEXT, parseCliArgs } from "./args.ts";
import { printError, ResultPrinter } from "./output.ts";
import { runScript, type ScriptSource } from "./batch.ts";
import { runRepl } from "./repl.ts";
import { AttachmentRegistry } from "../session/attachment_registry.ts";
import { Config } from "../config/config.ts";
import type { ConfigValue } from "../config/schema.ts";
import { checkWrite, type SandboxPolicy, sandboxPolicy } from "../config/sandbox.ts";
import type { OutputFormat } from "../render/renderer.ts";

/** Noctra's version. */
export const VERSION = "0.1.0";

/**
 * Runs the CLI with `argv` (without the program name) and returns the exit code:
 * 0 success, 1 a statement failed, 2 usage error.
 */
export async function runCli(argv: readonly string[]): Promise<number> {
  let options: CliOptions;
  try {
    options = parseCliArgs(argv);
  } catch (error) {
    printError(describeError(error));
    return exitCodeOf(error);
  }
  if (options.help) {
    await Deno.stdout.write(new TextEncoder().encode(HELP_TEXT));
    return 0;
  }
  if (options.version) {
    await Deno.stdout.write(new TextEncoder().encode(`noctra ${VERSION}\n`));
    return 0;
  }

  let scripts: ScriptSource[] | "repl";
  try {
    scripts = await chooseScripts(options);
  } catch (error) {
    printError(describeError(error));
    return exitCodeOf(error);
  }

  let config: Config;
  let sandbox: SandboxPolicy;
  try {
    const flags: Record<string, ConfigValue> = {};
    if (options.threads !== undefined) flags["duckdb.performance.base_threads"] = options.threads;
    if (options.memoryLimit !== undefined) {
      flags["duckdb.performance.memory_limit"] = options.memoryLimit;
    }
    if (options.format !== undefined) flags["repl.format"] = options.format;
    if (options.maxRows !== undefined) flags["repl.max_rows"] = options.maxRows;
    config = Config.load({ path: options.configPath, flags });
    sandbox = sandboxPolicy({
      allowRead: options.allowRead,
      allowWrite: options.allowWrite,
      sandbox: options.sandbox,
      candidates: [
        Deno.cwd(),
        dirname(fileURLToPath(Deno.mainModule)),
        ...options.files.map((file) => dirname(resolve(file))),
        ...(options.scriptFile === undefined ? [] : [dirname(resolve(options.scriptFile))]),
        ...(options.outputFile === undefined ? [] : [dirname(resolve(options.outputFile))]),
      ],
    });
    if (options.outputFile !== undefined) {
      checkWrite(sandbox, options.outputFile, `-o ${options.outputFile}`);
    }
  } catch (error) {
    // A bad configuration, sandbox directory or -o target is a usage error.
    printError(describeError(error));
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
    },
    options.outputFile === undefined && Deno.stdout.isTerminal(),
  );
  config.onChange((key, value) => {
    if (key === "repl.format") printer.settings.format = value as OutputFormat;
    if (key === "repl.max_rows") printer.settings.maxRows = Number(value);
    if (key === "repl.timer") printer.settings.timer = value === true;
  });

  let noctra: Noctra;
  try {
    noctra = await Noctra.open({
      files: options.files,
      strategy: options.strategy,
      config,
      sandbox,
      registryPath: options.noRestore ? false : (AttachmentRegistry.defaultPath() ?? false),
    });
  } catch (error) {
    output.abandon();
    printError(describeError(error));
    return exitCodeOf(error);
  }
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
  try {
    if (scripts === "repl") {
      await runRepl(noctra, printer, Number(config.get("repl.history_size")));
    } else {
      for (const script of scripts) {
        const code = await runScript(noctra, script, printer, options.continueOnError);
        if (exitCode === 0) exitCode = code;
        if (code !== 0 && !options.continueOnError) break;
      }
    }
    await printer.flush();
    await output.commit();
  } catch (error) {
    output.abandon();
    if (!(error instanceof OutputClosedError)) {
      printError(describeError(error));
      exitCode = exitCodeOf(error);
    }
  } finally {
    noctra.close();
  }
  return exitCode;
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

interface Output {
  readonly sink: TextSink;
  /** Makes the output final (renames the temporary file over the target). */
  commit(): Promise<void>;
  /** Drops a partial output file. */
  abandon(): void;
}

/**
 * Stdout, or `-o FILE` written to a temporary file beside the target and renamed over it once
 * the run ends, so an interrupted run never leaves a half-written FILE.
 */
async function openOutput(path: string | undefined): Promise<Output | Error> {
  if (path === undefined) {
    return { sink: new TextSink(Deno.stdout), commit: async () => {}, abandon: () => {} };
  }
  const temporary = join(dirname(path), `.${basename(path)}.${Deno.pid}.tmp`);
  let file: Deno.FsFile;
  try {
    file = await Deno.open(temporary, { write: true, create: true, truncate: true });
  } catch (error) {
    return new UsageError(`-o ${path}: cannot write there (${describeError(error)})`);
  }
  let open = true;
  const close = () => {
    if (open) file.close();
    open = false;
  };
  return {
    sink: new TextSink(file),
    commit: async () => {
      close();
      await Deno.rename(temporary, path);
    },
    abandon: () => {
      close();
      try {
        Deno.removeSync(temporary);
      } catch { /* already gone */ }
    },
  };
}
