/**
 * Entering the sandbox: which operating-system layer enforces a {@link SandboxPolicy} here, and
 * the hand-over from the process the user started to the confined child that does the work.
 *
 * - Linux with Landlock: the process restricts its main thread and re-executes itself as a child
 *   inside the restriction (reexec.ts); the child runs the session.
 * - macOS: the child is started through `sandbox-exec` with a Seatbelt profile (seatbelt.ts).
 * - Elsewhere: no kernel layer; the session runs in this process under DuckDB's confinement and
 *   Noctra's checks only (`duckdb-only`), after a one-line warning.
 *
 * The child learns the policy from the environment (`NOCTRA_SANDBOX_POLICY`, JSON), not by
 * deriving it again, because it may run with wider Deno permissions than its parent. DuckDB's
 * temporary directory under the sandbox is a private, empty directory made by the parent
 * (`NOCTRA_SANDBOX_TEMP`): writable for the kernel layer, and holding nothing of the user's.
 *
 * @module
 */
import { isSandboxed, type SandboxLayer, type SandboxPolicy } from "./policy.ts";
import { runtimeReadPaths, runtimeWritePaths } from "./landlock.ts";
import { availableLayer, FORCE_LAYER_ENV } from "./available.ts";
import {
  runSandboxedChild,
  SANDBOX_CHILD_ENV,
  sandboxedChildLayer,
  selfCommand,
} from "./reexec.ts";
import { seatbeltCommand } from "./seatbelt.ts";
import { NoctraError } from "../errors.ts";

export { availableLayer, FORCE_LAYER_ENV };

/** Environment variable that carries the policy to the sandboxed child (JSON). */
export const SANDBOX_POLICY_ENV = "NOCTRA_SANDBOX_POLICY";
/** Environment variable that names DuckDB's private temporary directory in the child. */
export const SANDBOX_TEMP_ENV = "NOCTRA_SANDBOX_TEMP";

/** How the session must run after {@link enterSandbox}. */
export type SandboxEntry =
  /** The confined child ran the session; exit with its code. */
  | { readonly kind: "exited"; readonly code: number }
  /** Run the session in this process, under `layer`. */
  | {
    readonly kind: "run";
    readonly policy: SandboxPolicy;
    readonly layer: SandboxLayer;
    /** DuckDB's temporary directory under the sandbox (undefined without a sandbox). */
    readonly tempDirectory: string | undefined;
  };

/**
 * Enters the sandbox for `policy` (computed from the command line by the caller): in a child
 * that a sandboxing parent started, checks the restriction is in place and returns the policy
 * the parent passed; in the process the user started, starts the confined child and waits for
 * it (`exited`), or — without a kernel layer — warns through `warn` and returns `duckdb-only`.
 * `argv` are the program's arguments, passed to the child unchanged. `own` are Noctra's own
 * files (state directory, configuration, script) that the kernel layer lets the child use
 * besides the policy's directories; they are not added to what SQL may reach. Throws
 * {@link NoctraError} when a child finds no restriction in place or a policy it cannot read.
 */
export async function enterSandbox(
  policy: SandboxPolicy,
  argv: readonly string[],
  warn: (line: string) => void,
  own: { readonly read: readonly string[]; readonly write: readonly string[] } = {
    read: [],
    write: [],
  },
): Promise<SandboxEntry> {
  const childLayer = sandboxedChildLayer();
  if (childLayer !== undefined) return childEntry(childLayer);
  if (!isSandboxed(policy)) return { kind: "run", policy, layer: "off", tempDirectory: undefined };
  const layer = availableLayer();
  if (layer === "duckdb-only") {
    const forced = Deno.env.get(FORCE_LAYER_ENV) === "duckdb-only";
    warn(
      forced
        ? `${FORCE_LAYER_ENV}=duckdb-only: no operating-system sandbox; DuckDB's own confinement and Noctra's checks apply, see docs/SECURITY.md`
        : `no operating-system sandbox on this system (${Deno.build.os}${
          Deno.build.os === "linux" ? ": Landlock unavailable" : ""
        }): DuckDB's own confinement and Noctra's checks apply, see docs/SECURITY.md`,
    );
    // The session makes (and removes) its own private temporary directory.
    return { kind: "run", policy, layer, tempDirectory: undefined };
  }
  const missing = missingPermissions();
  if (missing.length > 0) {
    warn(
      `the ${layer} sandbox needs Deno's ${
        missing.join(", ")
      } to start Noctra again inside it; running with DuckDB's own confinement only — run with -A and confine with --allow-read/--allow-write/--sandbox`,
    );
    return { kind: "run", policy, layer: "duckdb-only", tempDirectory: undefined };
  }
  const temp = makeTempDirectory();
  if (temp === undefined) {
    throw new NoctraError("cannot create a private temporary directory for DuckDB");
  }
  // Once confined, this process may no longer remove the directory it made: a helper started
  // before the restriction removes it when this process ends (its end of the pipe closes).
  const reaper = startReaper(temp);
  const env = {
    [SANDBOX_POLICY_ENV]: JSON.stringify(policy),
    [SANDBOX_TEMP_ENV]: temp,
  };
  try {
    if (layer === "landlock") {
      const code = await runSandboxedChild(argv, {
        read: [...policy.read, ...own.read],
        write: [...policy.write, ...own.write, temp],
        denyNetwork: policy.allowNetwork !== true,
      }, env);
      return { kind: "exited", code };
    }
    const widened = {
      ...policy,
      read: [...policy.read, ...own.read],
      write: [...policy.write, ...own.write],
    };
    return { kind: "exited", code: await runSeatbeltChild(widened, temp, argv, env) };
  } finally {
    await reaper?.close().catch(() => {});
  }
}

/**
 * Starts `/bin/sh` waiting on a pipe from this process and then removing `directory`; returns
 * the pipe's writer (closing it, or this process ending, triggers the removal), or undefined
 * where no shell can be started — the empty directory is then left in the system's temporary
 * directory.
 */
function startReaper(directory: string): WritableStreamDefaultWriter<Uint8Array> | undefined {
  try {
    const child = new Deno.Command("/bin/sh", {
      args: ["-c", 'cat >/dev/null; rm -rf -- "$0"', directory],
      stdin: "piped",
      stdout: "null",
      stderr: "null",
    }).spawn();
    child.unref();
    return child.stdin.getWriter();
  } catch {
    return undefined;
  }
}

/**
 * A fresh private directory for DuckDB's spill files, or undefined when Deno may not create one
 * (scoped permissions): DuckDB then does not spill.
 */
function makeTempDirectory(): string | undefined {
  try {
    return Deno.makeTempDirSync({ prefix: "noctra-duckdb-" });
  } catch {
    return undefined;
  }
}

/** Deno permissions that re-executing inside the kernel sandbox needs and this process lacks. */
function missingPermissions(): string[] {
  const needed: [string, Deno.PermissionDescriptor][] = [
    ["--allow-run", { name: "run" }],
    ["--allow-ffi", { name: "ffi" }],
    ["--allow-env", { name: "env" }],
    ["--allow-read", { name: "read" }],
    ["--allow-write", { name: "write" }],
  ];
  return needed.filter(([, descriptor]) => {
    try {
      return Deno.permissions.querySync(descriptor).state !== "granted";
    } catch {
      return true;
    }
  }).map(([flag]) => flag);
}

/** The child's side: the restriction must be in place; the policy comes from the parent. */
function childEntry(layer: string): SandboxEntry {
  if (layer !== "landlock" && layer !== "seatbelt") {
    throw new NoctraError(`${SANDBOX_CHILD_ENV}=${layer}: not a sandbox layer`);
  }
  if (layer === "landlock" && !noNewPrivileges()) {
    throw new NoctraError(
      `${SANDBOX_CHILD_ENV} says this process is sandboxed, but it is not (no_new_privs is off); start noctra without ${SANDBOX_CHILD_ENV}`,
    );
  }
  let policy: SandboxPolicy;
  try {
    policy = parsePolicy(Deno.env.get(SANDBOX_POLICY_ENV) ?? "");
  } catch (error) {
    throw new NoctraError(`${SANDBOX_POLICY_ENV}: ${(error as Error).message}`);
  }
  const temp = Deno.env.get(SANDBOX_TEMP_ENV);
  return { kind: "run", policy, layer, tempDirectory: temp === "" ? undefined : temp };
}

/** Parses the policy a parent passed; throws `Error` for anything but the expected shape. */
export function parsePolicy(text: string): SandboxPolicy {
  const value = JSON.parse(text) as Record<string, unknown>;
  const list = (key: string): string[] => {
    const items = value[key];
    if (!Array.isArray(items) || items.some((item) => typeof item !== "string" || item === "")) {
      throw new Error(`${key} must be a list of paths`);
    }
    return items as string[];
  };
  if (value.origin !== "flags" && value.origin !== "deno") throw new Error("bad origin");
  return {
    origin: value.origin,
    read: list("read"),
    write: list("write"),
    allowNetwork: value.allowNetwork === true,
  };
}

/** True when this process runs with `no_new_privs` (Landlock requires it; /proc/self/status). */
function noNewPrivileges(): boolean {
  try {
    return /^NoNewPrivs:\s*1$/m.test(Deno.readTextFileSync("/proc/self/status"));
  } catch {
    return false;
  }
}

/** Runs the program again through `sandbox-exec` with the Seatbelt profile; its exit code. */
async function runSeatbeltChild(
  policy: SandboxPolicy,
  temp: string,
  argv: readonly string[],
  env: Record<string, string>,
): Promise<number> {
  const [exe, ...args] = selfCommand(argv);
  const command = seatbeltCommand(
    {
      read: [...runtimeReadPaths(), ...policy.read],
      write: [...runtimeWritePaths(), ...policy.write, temp],
      allowNetwork: policy.allowNetwork === true,
    },
    exe,
    args,
  );
  const child = new Deno.Command(command.command, {
    args: command.args,
    env: { ...env, [SANDBOX_CHILD_ENV]: "seatbelt" },
    stdin: "inherit",
    stdout: "inherit",
    stderr: "inherit",
  }).spawn();
  const forward = (signal: Deno.Signal) => () => {
    try {
      child.kill(signal);
    } catch { /* already gone */ }
  };
  const listeners = (["SIGTERM", "SIGHUP"] as const).map((signal) => {
    const listener = forward(signal);
    Deno.addSignalListener(signal, listener);
    return [signal, listener] as const;
  });
  try {
    const status = await child.status;
    return status.code;
  } finally {
    for (const [signal, listener] of listeners) Deno.removeSignalListener(signal, listener);
  }
}
