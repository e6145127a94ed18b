/**
 * Spawns `main.ts` as a user would (a real `deno run` process) and captures its output.
 *
 * @module
 */
import { fileURLToPath } from "node:url";

/** Absolute path of the project root. */
export const ROOT: string = fileURLToPath(new URL("..", import.meta.url));
/** Absolute path of `fixtures/`. */
export const FIXTURES: string = `${ROOT}fixtures`;

/** What a finished `noctra` process produced. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Options for {@link runNoctra}. */
export interface RunOptions {
  /** Text piped to stdin; when absent stdin is closed (not a terminal). */
  readonly stdin?: string;
  /** Working directory (default: the project root). */
  readonly cwd?: string;
  /** Extra environment variables. */
  readonly env?: Record<string, string>;
  /** `XDG_STATE_HOME` for the run (registry, history); default: a fresh empty directory. */
  readonly stateHome?: string;
}

/** Runs `deno run -A main.ts ...args` and returns exit code, stdout and stderr (UTF-8). */
export async function runNoctra(
  args: readonly string[],
  options: RunOptions = {},
): Promise<CliRun> {
  const command = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", `${ROOT}main.ts`, ...args],
    cwd: options.cwd ?? ROOT,
    stdin: options.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
    env: {
      NO_COLOR: "1",
      XDG_STATE_HOME: options.stateHome ?? await Deno.makeTempDir({ prefix: "noctra-state-" }),
      ...options.env,
    },
  });
  return await finishChild(command.spawn(), options.stdin);
}

/**
 * Writes `stdin` (when given; the child was spawned with `stdin: "piped"`) and waits for the
 * child: its exit code, and stdout and stderr decoded as UTF-8.
 */
export async function finishChild(
  child: Deno.ChildProcess,
  stdin?: string,
): Promise<CliRun> {
  if (stdin !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(stdin));
    await writer.close();
  }
  const output = await child.output();
  const decoder = new TextDecoder();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}
