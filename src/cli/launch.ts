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
import { type CliOptions, HELP_TEXT, parseCliArgs } from "./args.ts";
import { describeError, EXIT_USAGE, exitCodeOf } from "../errors.ts";
import { type SandboxPolicy, sandboxPolicy } from "../sandbox/policy.ts";
import { availableLayer, enterSandbox } from "../sandbox/layers.ts";
import { VERSION } from "../version.ts";

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
    await writeOut(`${HELP_TEXT}\nSandbox layer on this system: ${availableLayer()}\n`);
    return 0;
  }
  if (options.version) {
    await writeOut(`noctra ${VERSION}\n`);
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
    entry = await enterSandbox(policy, argv, (line) => printLine(`noctra: warning: ${line}`));
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

function printLine(line: string): void {
  Deno.stderr.writeSync(new TextEncoder().encode(line + "\n"));
}

async function writeOut(text: string): Promise<void> {
  const bytes = new TextEncoder().encode(text);
  let offset = 0;
  while (offset < bytes.length) offset += await Deno.stdout.write(bytes.subarray(offset));
}
