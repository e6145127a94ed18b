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
  /**
   * Paths whose Deno grants are looked for when no flag sets the sandbox: the working directory,
   * the program's directory, paths named on the command line.
   */
  readonly candidates?: readonly string[] | undefined;
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
  return fromDenoPermissions(flags.candidates ?? [Deno.cwd()]) ?? NO_SANDBOX;
}

/** True when Deno grants reading everything (then Deno's grants impose no sandbox). */
export function readsUnrestricted(): boolean {
  try {
    return Deno.permissions.querySync({ name: "read" }).state === "granted";
  } catch {
    return true;
  }
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
 * Deno's scoped read/write grants. Deno cannot list them (and lets only `--allow-all` read
 * `/proc/self/cmdline`), so they are discovered: each candidate path (the working directory,
 * the program's directory, paths on the command line) that Deno grants is widened to its
 * outermost granted ancestor (`Deno.permissions.querySync`). Undefined when reading is not
 * scoped.
 */
function fromDenoPermissions(candidates: readonly string[]): SandboxPolicy | undefined {
  if (readsUnrestricted()) return undefined;
  const granted = (name: "read" | "write", path: string) => {
    try {
      return Deno.permissions.querySync({ name, path }).state === "granted";
    } catch {
      return false;
    }
  };
  const roots = (name: "read" | "write") => {
    const found: string[] = [];
    for (const candidate of candidates) {
      let path = resolve(candidate);
      if (!granted(name, path)) continue;
      while (dirname(path) !== path && granted(name, dirname(path))) path = dirname(path);
      try {
        path = Deno.realPathSync(path);
      } catch { /* keep it as granted */ }
      found.push(path);
    }
    return found;
  };
  const writable = unique(roots("write"));
  return { origin: "deno", read: unique([...roots("read"), ...writable]), write: writable };
}

/** True when the sandbox is on. */
export function isSandboxed(policy: SandboxPolicy): boolean {
  return policy.origin !== "off";
}

/**
 * The real path of `path`: symlinks and `..` resolved. For a path that does not exist yet, the
 * real path of its nearest existing ancestor joined with the rest — and a dangling symlink is
 * followed to where it points, since writing through it would create the file there.
 */
export function realPathOf(path: string, depth = 0): string {
  const absolute = isAbsolute(path) ? path : resolve(path);
  try {
    return Deno.realPathSync(absolute);
  } catch { /* does not exist (yet), or a dangling link */ }
  if (depth < 40) {
    try {
      if (Deno.lstatSync(absolute).isSymlink) {
        return realPathOf(resolve(dirname(absolute), Deno.readLinkSync(absolute)), depth + 1);
      }
    } catch { /* not there at all */ }
  }
  const parent = dirname(absolute);
  if (parent === absolute) return absolute;
  const rest = absolute.slice(parent.length).replace(/^[\\/]+/, "");
  const base = realPathOf(parent, depth + 1);
  return base.endsWith(sep) ? base + rest : base + sep + rest;
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
