/**
 * Re-execution under Landlock: the parent confines its main thread, starts Noctra again as a
 * child (which inherits the Landlock domain from its first instruction, all its threads
 * included), passes stdio through, forwards stop signals and returns the child's exit code.
 *
 * @module
 */
import {
  type LandlockPolicy,
  restrictSelf,
  runtimeReadPaths,
  runtimeWritePaths,
} from "./landlock.ts";

/** Environment variable set in the child: its value names the layer already applied. */
export const SANDBOX_CHILD_ENV = "NOCTRA_SANDBOX_CHILD";

/**
 * The OS layer this process runs under when it is a re-executed sandboxed child (`"landlock"`),
 * else undefined. A child must neither re-apply the sandbox nor re-execute.
 */
export function sandboxedChildLayer(): string | undefined {
  try {
    return Deno.env.get(SANDBOX_CHILD_ENV) || undefined;
  } catch {
    return undefined;
  }
}

/**
 * The command line that starts this program again with `args` as its arguments:
 * `[executable, ...argv]`.
 *
 * - A compiled binary (`Deno.build.standalone`): the binary itself with `args`.
 * - `deno run …`: `Deno.execPath()` with this process's own Deno arguments (flags, permission
 *   grants, config, the script) read from `/proc/self/cmdline`, then `args`; when that cannot be
 *   read or does not end with `Deno.args`, `run -A <main module> …args`.
 */
export function selfCommand(args: readonly string[]): [string, ...string[]] {
  const exe = Deno.execPath();
  if (Deno.build.standalone) return [exe, ...args];
  const prefix = denoArguments();
  if (prefix !== undefined) return [exe, ...prefix, ...args];
  return [exe, "run", "-A", Deno.mainModule, ...args];
}

/** The Deno arguments before the script's own (`run`, flags, script), from /proc/self/cmdline. */
function denoArguments(): string[] | undefined {
  let argv: string[];
  try {
    argv = Deno.readTextFileSync("/proc/self/cmdline").split("\0");
  } catch {
    return undefined;
  }
  if (argv.at(-1) === "") argv.pop();
  const own = Deno.args;
  const start = argv.length - own.length;
  if (start < 2) return undefined; // at least the executable and the script
  for (let i = 0; i < own.length; i++) if (argv[start + i] !== own[i]) return undefined;
  return argv.slice(1, start);
}

const LIBC_SYMBOLS = {
  getpgrp: { parameters: [], result: "i32" },
  tcgetpgrp: { parameters: ["i32"], result: "i32" },
} as const;

/**
 * Whether this process is in the foreground process group of the terminal on stdin, stdout or
 * stderr: then a Ctrl-C from that terminal reaches the child (same process group) directly.
 */
function inTerminalForeground(libc: Deno.DynamicLibrary<typeof LIBC_SYMBOLS> | null): boolean {
  if (libc === null) return false;
  const group = libc.symbols.getpgrp();
  return [0, 1, 2].some((fd) => libc.symbols.tcgetpgrp(fd) === group);
}

/** Signals passed on to the child. SIGINT is skipped when the terminal already delivered it. */
const FORWARDED: readonly Deno.Signal[] = ["SIGINT", "SIGTERM", "SIGHUP"];

/**
 * Confines this process with {@link restrictSelf} (`policy` plus {@link runtimeReadPaths} and
 * {@link runtimeWritePaths}), then runs this program again as a child with `args` (see
 * {@link selfCommand}) and `NOCTRA_SANDBOX_CHILD=landlock` in its environment, stdin, stdout and
 * stderr inherited. SIGINT, SIGTERM and SIGHUP received meanwhile are forwarded to the child,
 * except a SIGINT while this process is in the terminal's foreground process group (the
 * terminal sent it to the child too; forwarding would deliver it twice).
 *
 * Call it first thing in the CLI, from the main thread, when {@link sandboxedChildLayer} is
 * undefined, and exit with the result: this process must do nothing else afterwards.
 *
 * Needs `--allow-ffi`, `--allow-run` (for `Deno.execPath()`), `--allow-read` and `--allow-env`.
 * `env` adds variables to the child's environment (the parent's are inherited).
 *
 * @returns the child's exit code; 128 + n when a signal n ended it (130 for SIGINT).
 * @throws {import("./landlock.ts").LandlockError} when Landlock is unavailable or refuses the
 *   policy (nothing has been started then).
 * @throws {Deno.errors.NotCapable} without `--allow-run`.
 */
export async function runSandboxedChild(
  args: readonly string[],
  policy: LandlockPolicy,
  env: Readonly<Record<string, string>> = {},
): Promise<number> {
  const full: LandlockPolicy = {
    read: [...runtimeReadPaths(), ...policy.read],
    write: [...runtimeWritePaths(), ...policy.write],
    ...(policy.denyNetwork === undefined ? {} : { denyNetwork: policy.denyNetwork }),
  };
  const [exe, ...argv] = selfCommand(args);
  restrictSelf(full);
  let libc: Deno.DynamicLibrary<typeof LIBC_SYMBOLS> | null = null;
  try {
    libc = Deno.dlopen("libc.so.6", LIBC_SYMBOLS);
  } catch {
    // without it every SIGINT is forwarded
  }
  // Spawned from this (the main, confined) thread: the child inherits the Landlock domain.
  const child = new Deno.Command(exe, {
    args: argv,
    env: { ...env, [SANDBOX_CHILD_ENV]: "landlock" },
    stdin: "inherit",
    stdout: "inherit",
    stderr: "inherit",
  }).spawn();
  const listeners = FORWARDED.map((signal) => {
    const forward = () => {
      if (signal === "SIGINT" && inTerminalForeground(libc)) return;
      try {
        child.kill(signal);
      } catch {
        // the child has already exited
      }
    };
    Deno.addSignalListener(signal, forward);
    return [signal, forward] as const;
  });
  try {
    const status = await child.status;
    return status.signal !== null && status.code < 128
      ? 128 + signalNumber(status.signal)
      : status.code;
  } finally {
    for (const [signal, forward] of listeners) Deno.removeSignalListener(signal, forward);
    libc?.close();
  }
}

/** Linux signal numbers (the same on x86-64 and aarch64) for the exit code 128 + n. */
function signalNumber(signal: Deno.Signal): number {
  const numbers: Partial<Record<Deno.Signal, number>> = {
    SIGHUP: 1,
    SIGINT: 2,
    SIGQUIT: 3,
    SIGILL: 4,
    SIGTRAP: 5,
    SIGABRT: 6,
    SIGBUS: 7,
    SIGFPE: 8,
    SIGKILL: 9,
    SIGUSR1: 10,
    SIGSEGV: 11,
    SIGUSR2: 12,
    SIGPIPE: 13,
    SIGALRM: 14,
    SIGTERM: 15,
  };
  return numbers[signal] ?? 0;
}
