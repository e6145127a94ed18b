/**
 * The file sandbox: the directories Noctra may read and write, enforced inside DuckDB.
 *
 * DuckDB is native code and does not see Deno's permissions (with only `--allow-ffi` it reads
 * `/etc/passwd`). So before any user statement Noctra runs `SET allowed_directories = [...]`
 * and then `SET enable_external_access = false`; from then on DuckDB itself refuses every other
 * path — resolving `..` and symlinks — and refuses to turn access back on, to change the list
 * or `temp_directory`, and to install or load extensions (measured on DuckDB 1.5.5).
 * `lock_configuration` is not set: it would also freeze `threads`, which the performance layer
 * changes per statement, and `memory_limit`; the settings that could reopen files are already
 * frozen by the two above. DuckDB does not tell reading from writing, so Noctra checks write
 * targets itself (EXPORT, COPY … TO, EXPORT DATABASE, writable attachments, `-o`).
 *
 * @module
 */
import { dirname, isAbsolute, resolve, sep } from "node:path";
import { NoctraError, UsageError } from "../errors.ts";

/** Where the policy came from. */
export type SandboxOrigin = "off" | "flags" | "deno";

/** The directories a session may read and write (absolute, symlinks resolved). */
export interface SandboxPolicy {
  readonly origin: SandboxOrigin;
  readonly read: readonly string[];
  readonly write: readonly string[];
}

/** No sandbox: full access, as a plain DuckDB. */
export const NO_SANDBOX: SandboxPolicy = { origin: "off", read: [], write: [] };

/** Options from the command line. */
export interface SandboxFlags {
  readonly allowRead?: readonly string[] | undefined;
  readonly allowWrite?: readonly string[] | undefined;
  /** `--sandbox`: confine to the current directory. */
  readonly sandbox?: boolean;
}

/**
 * The policy from Noctra's flags, else from Deno's own scoped `--allow-read/--allow-write` (when
 * the process does not have full read access), else none. Throws {@link UsageError} (exit 2)
 * for a directory that does not exist.
 */
export function sandboxPolicy(flags: SandboxFlags): SandboxPolicy {
  const read = [...(flags.allowRead ?? [])];
  const write = [...(flags.allowWrite ?? [])];
  if (flags.sandbox) {
    read.push(Deno.cwd());
    write.push(Deno.cwd());
  }
  if (read.length > 0 || write.length > 0) {
    const writable = write.map((path) => realDirectory(path, "--allow-write"));
    const readable = [...read.map((path) => realDirectory(path, "--allow-read")), ...writable];
    return { origin: "flags", read: unique(readable), write: unique(writable) };
  }
  return fromDenoPermissions() ?? NO_SANDBOX;
}

function unique(paths: string[]): string[] {
  return [...new Set(paths)];
}

function realDirectory(path: string, flag: string): string {
  let real: string;
  try {
    real = Deno.realPathSync(path);
  } catch {
    throw new UsageError(`${flag}=${path}: no such directory`);
  }
  if (!Deno.statSync(real).isDirectory) throw new UsageError(`${flag}=${path}: not a directory`);
  return real;
}

/**
 * Deno's scoped read/write grants, read from this process's command line (`/proc/self/cmdline`,
 * Linux) and confirmed with `Deno.permissions.querySync`. Undefined when reading is not scoped.
 */
function fromDenoPermissions(): SandboxPolicy | undefined {
  try {
    if (Deno.permissions.querySync({ name: "read" }).state === "granted") return undefined;
  } catch {
    return undefined;
  }
  const read: string[] = [];
  const write: string[] = [];
  let args: string[] = [];
  try {
    args = Deno.readTextFileSync("/proc/self/cmdline").split("\0");
  } catch { /* not Linux, or not readable: confine to what can be confirmed below */ }
  for (const arg of args) {
    const match = /^--allow-(read|write)=(.+)$/.exec(arg) ?? /^-([RW])=(.+)$/.exec(arg);
    if (!match) continue;
    const into = match[1] === "read" || match[1] === "R" ? read : write;
    for (const path of match[2]!.split(",")) if (path !== "") into.push(resolve(path));
  }
  const granted = (name: "read" | "write", path: string) => {
    try {
      return Deno.permissions.querySync({ name, path }).state === "granted";
    } catch {
      return false;
    }
  };
  const real = (path: string) => {
    try {
      return Deno.realPathSync(path);
    } catch {
      return path;
    }
  };
  const writable = write.filter((path) => granted("write", path)).map(real);
  const readable = [...read.filter((path) => granted("read", path)).map(real), ...writable];
  return { origin: "deno", read: unique(readable), write: unique(writable) };
}

/** True when the sandbox is on. */
export function isSandboxed(policy: SandboxPolicy): boolean {
  return policy.origin !== "off";
}

/** The real path of `path`, or of its nearest existing ancestor joined with the rest. */
function realPathOf(path: string): string {
  const absolute = isAbsolute(path) ? path : resolve(path);
  try {
    return Deno.realPathSync(absolute);
  } catch {
    const parent = dirname(absolute);
    if (parent === absolute) return absolute;
    return realPathOf(parent) + sep +
      absolute.slice(parent.length + (parent.endsWith(sep) ? 0 : 1));
  }
}

function inside(path: string, directories: readonly string[]): boolean {
  const real = realPathOf(path);
  return directories.some((directory) => real === directory || real.startsWith(directory + sep));
}

/** Throws {@link NoctraError} when the sandbox forbids reading `path`. */
export function checkRead(policy: SandboxPolicy, path: string, context: string): void {
  if (!isSandboxed(policy) || /^[a-z][a-z0-9+.-]*:\/\//i.test(path)) return;
  if (!inside(path, policy.read)) {
    throw new NoctraError(
      `${context}: permission denied: ${
        realPathOf(path)
      } is outside the directories Noctra may read (${
        policy.read.join(", ") || "none"
      }); allow it with --allow-read`,
    );
  }
}

/** Throws {@link NoctraError} when the sandbox forbids writing `path`. */
export function checkWrite(policy: SandboxPolicy, path: string, context: string): void {
  if (!isSandboxed(policy)) return;
  if (!inside(path, policy.write)) {
    throw new NoctraError(
      `${context}: permission denied: ${
        realPathOf(path)
      } is outside the directories Noctra may write (${
        policy.write.join(", ") || "none"
      }); allow it with --allow-write`,
    );
  }
}
