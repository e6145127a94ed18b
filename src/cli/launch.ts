/**
 * The first thing `noctra` runs: parses the command line, answers `--help` and `--version`,
 * works out the sandbox policy and enters it (src/sandbox/layers.ts) — all without loading
 * DuckDB, which only the session (cli.ts, imported afterwards) needs. Under the kernel sandbox
 * the session runs in a confined child; this process then only waits for it.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { dirname, resolve } from "node:path";
import { type CliOptions, parseCliArgs } from "./args.ts";
import { helpOutput } from "./help.ts";
import { describeError, EXIT_USAGE, exitCodeOf } from "../errors.ts";
import { isSandboxed, type SandboxPolicy, sandboxPolicy } from "../sandbox/policy.ts";
import { noctraPath } from "../session/xdg.ts";
import { enterSandbox } from "../sandbox/layers.ts";
import { versionText } from "../version.ts";

/**
 * Runs `noctra` with `argv` (without the program name) and returns the exit code: 0 success,
 * 1 a statement failed, 2 usage error; 128 + n when a confined child was ended by signal n.
 */
export async function launch(argv: readonly string[]): Promise<number> {
  let options: CliOptions;
  try {
    options = parseCliArgs(argv);
  } catch (error) {
    printLine(`noctra: error: ${describeError(error)}`);
    return exitCodeOf(error);
  }
  if (options.help) {
    await writeOut(await helpOutput());
    return 0;
  }
  if (options.version) {
    await writeOut(versionText());
    return 0;
  }
  let policy: SandboxPolicy;
  try {
    policy = sandboxPolicy({
      allowRead: options.allowRead,
      allowWrite: options.allowWrite,
      sandbox: options.sandbox,
      allowNet: options.allowNet,
      candidates: [
        Deno.cwd(),
        dirname(fileURLToPath(Deno.mainModule)),
        ...options.files.map((file) => dirname(resolve(file))),
        ...(options.scriptFile === undefined ? [] : [dirname(resolve(options.scriptFile))]),
        ...(options.outputFile === undefined ? [] : [dirname(resolve(options.outputFile))]),
      ],
    });
  } catch (error) {
    printLine(`noctra: error: ${describeError(error)}`);
    return EXIT_USAGE;
  }
  let entry;
  try {
    entry = await enterSandbox(
      policy,
      argv,
      (line) => printLine(`noctra: warning: ${line}`),
      isSandboxed(policy) ? ownFiles(options) : { read: [], write: [] },
    );
  } catch (error) {
    printLine(`noctra: error: sandbox: ${describeError(error)}`);
    return EXIT_USAGE;
  }
  if (entry.kind === "exited") return entry.code;
  const { runCli } = await import("./cli.ts");
  return await runCli({
    options,
    sandbox: entry.policy,
    layer: entry.layer,
    tempDirectory: entry.tempDirectory,
  });
}

/**
 * Noctra's own files, which the kernel layer must let the session use although SQL may not
 * reach them (DuckDB's `allowed_directories` and Noctra's checks keep to the policy): the state
 * directory (history, source registry: read and written), the configuration directory and
 * `--config` file, and the `-f` script (read).
 */
function ownFiles(options: CliOptions): { read: string[]; write: string[] } {
  const read: string[] = [];
  const write: string[] = [];
  const state = noctraPath("state", "history");
  if (state !== undefined) {
    try {
      Deno.mkdirSync(dirname(state), { recursive: true });
      write.push(dirname(state));
    } catch { /* no state directory: history and the registry are off */ }
  }
  const config = noctraPath("config", "config.toml");
  if (config !== undefined) read.push(dirname(config));
  if (options.configPath !== undefined) read.push(resolve(options.configPath));
  if (options.scriptFile !== undefined) read.push(resolve(options.scriptFile));
  return { read, write };
}

function printLine(line: string): void {
  Deno.stderr.writeSync(new TextEncoder().encode(line + "\n"));
}

async function writeOut(text: string): Promise<void> {
  const bytes = new TextEncoder().encode(text);
  let offset = 0;
  while (offset < bytes.length) offset += await Deno.stdout.write(bytes.subarray(offset));
}
