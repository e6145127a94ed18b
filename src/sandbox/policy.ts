/**
 * The file sandbox's policy: the directories Noctra may read and write, and whether it may
 * reach the network — from Noctra's flags (`--allow-read`, `--allow-write`, `--sandbox`,
 * `--allow-net`) or from Deno's own scoped grants.
 *
 * Three layers enforce it (docs/SECURITY.md):
 * 1. **The operating system** — the boundary. On Linux, Landlock (landlock.ts): Noctra restricts
 *    itself and re-executes as a child inside the restriction (reexec.ts); on macOS, Seatbelt
 *    (seatbelt.ts) through `sandbox-exec`. The kernel then refuses every other path to DuckDB,
 *    SQLite and Noctra alike, whatever the SQL says.
 * 2. **DuckDB** — defence in depth: `SET allowed_directories = [...]` and then
 *    `SET enable_external_access = false` before any user statement; DuckDB then refuses other
 *    paths (resolving `..` and symlinks), refuses to turn access back on or change the list,
 *    and to install or load extensions (measured on DuckDB 1.5.5). It does not tell reading from
 *    writing.
 * 3. **Noctra** — messages only: {@link checkRead} and {@link checkWrite} name the path and the
 *    flag to use before the kernel answers "Permission denied"; they are not the boundary.
 *
 * Where no operating-system layer is available (Windows, kernels before 5.13) the sandbox is
 * DuckDB's and Noctra's alone (`duckdb-only`), with a warning.
 *
 * @module
 */
import { dirname, isAbsolute, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { NoctraError, UsageError } from "../errors.ts";

/** Where the policy came from. */
export type SandboxOrigin = "off" | "flags" | "deno";

/**
 * The layer that enforces the sandbox: the kernel (`landlock` on Linux, `seatbelt` on macOS),
 * DuckDB's own confinement alone (`duckdb-only`), or none (`off`).
 */
export type SandboxLayer = "landlock" | "seatbelt" | "duckdb-only" | "off";

/** The directories a session may read and write (absolute, symlinks resolved). */
export interface SandboxPolicy {
  /** What asked for the confinement (a flag, the config, or nothing). */
  readonly origin: SandboxOrigin;
  /** Readable directories (the writable ones included). */
  readonly read: readonly string[];
  /** Writable directories. */
  readonly write: readonly string[];
  /** Outgoing network allowed (remote sources); false by default under a sandbox. */
  readonly allowNetwork?: boolean;
}

/** No sandbox: full access, as a plain DuckDB. */
export const NO_SANDBOX: SandboxPolicy = { origin: "off", read: [], write: [], allowNetwork: true };

/** Options from the command line. */
export interface SandboxFlags {
  /** `--allow-read` directories (as given; made absolute by {@link sandboxPolicy}). */
  readonly allowRead?: readonly string[] | undefined;
  /** `--allow-write` directories (as given; made absolute by {@link sandboxPolicy}). */
  readonly allowWrite?: readonly string[] | undefined;
  /** `--sandbox`: confine to the current directory. */
  readonly sandbox?: boolean;
  /** `--allow-net`: let a sandboxed session reach the network. */
  readonly allowNet?: boolean;
  /**
   * Paths whose Deno grants are looked for when no flag sets the sandbox: the working directory,
   * the program's directory, paths named on the command line.
   */
  readonly candidates?: readonly string[] | undefined;
}

/**
 * The policy from Noctra's flags, else from Deno's own scoped `--allow-read/--allow-write`
 * (each scoped separately: `--allow-read --allow-write=out` confines writes to `out` and reads
 * nothing), else none. Throws {@link UsageError} (exit 2) for a directory that does not exist
 * or is not a directory.
 */
export function sandboxPolicy(flags: SandboxFlags): SandboxPolicy {
  const read = [...(flags.allowRead ?? [])];
  const write = [...(flags.allowWrite ?? [])];
  if (flags.sandbox) {
    read.push(Deno.cwd());
    write.push(Deno.cwd());
  }
  if (read.length > 0 || write.length > 0 || flags.sandbox) {
    const writable = write.map((path) => realDirectory(path, "--allow-write"));
    const readable = [...read.map((path) => realDirectory(path, "--allow-read")), ...writable];
    return {
      origin: "flags",
      read: unique(readable),
      write: unique(writable),
      allowNetwork: flags.allowNet === true,
    };
  }
  return fromDenoPermissions(flags.candidates ?? [Deno.cwd()]) ?? NO_SANDBOX;
}

/** True when Deno grants `name` (read, write, net) for everything. */
function grantedEverywhere(name: "read" | "write" | "net"): boolean {
  try {
    return Deno.permissions.querySync({ name }).state === "granted";
  } catch {
    return true;
  }
}

/** True when Deno grants reading everything (then Deno's grants impose no read confinement). */
export function readsUnrestricted(): boolean {
  return grantedEverywhere("read");
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
 * outermost granted ancestor (`Deno.permissions.querySync`). Reading and writing are scoped
 * separately: an unscoped grant stands for `/`. Undefined when neither is scoped.
 */
function fromDenoPermissions(candidates: readonly string[]): SandboxPolicy | undefined {
  const readAll = grantedEverywhere("read");
  const writeAll = grantedEverywhere("write");
  if (readAll && writeAll) return undefined;
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
  const root = resolve("/");
  const writable = writeAll ? [root] : unique(roots("write"));
  const readable = readAll ? [root] : unique([...roots("read"), ...writable]);
  return {
    origin: "deno",
    read: readable,
    write: writable,
    allowNetwork: grantedEverywhere("net"),
  };
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
export function checkRead(policy: SandboxPolicy, rawPath: string, context: string): void {
  if (!isSandboxed(policy) || skipChecks()) return;
  const path = localPathOf(rawPath);
  // Other schemes (s3://, https://) are not files: the network rule and DuckDB govern them.
  if (path === undefined) return;
  if (!inside(path, policy.read)) throw outsideError(context, path, policy.read, "read");
}

/** The refusal of `path`, outside `allowed` (the policy's directories for `access`). */
function outsideError(
  context: string,
  path: string,
  allowed: readonly string[],
  access: "read" | "write",
): NoctraError {
  return new NoctraError(
    `${context}: permission denied: ${
      realPathOf(path)
    } is outside the directories Noctra may ${access} (${
      allowed.join(", ") || "none"
    }); allow it with --allow-${access}`,
  );
}

/** Throws {@link NoctraError} when the sandbox forbids writing `path`. */
export function checkWrite(policy: SandboxPolicy, rawPath: string, context: string): void {
  if (!isSandboxed(policy) || skipChecks()) return;
  // A remote target (s3://…) is checked as what it is not: a local path, which is refused.
  const path = localPathOf(rawPath) ?? resolve(rawPath);
  try {
    const info = Deno.statSync(path);
    if (info.isFile && (info.nlink ?? 1) > 1) {
      // A path-based sandbox cannot see that the same file is also reachable elsewhere.
      throw new NoctraError(
        `${context}: permission denied: ${path} has ${info.nlink} hard links, so writing it would change a file that may lie outside the directories Noctra may write; remove the link first`,
      );
    }
  } catch (error) {
    if (error instanceof NoctraError) throw error;
  }
  if (!inside(path, policy.write)) throw outsideError(context, path, policy.write, "write");
}

/**
 * The local path a file name stands for: `file:` URIs (`file:///x`, `file:x`) as paths, `~`
 * expanded as DuckDB and SQLite expand it, plain paths unchanged; undefined for other URI
 * schemes (`s3://`, `https://`).
 */
export function localPathOf(path: string): string | undefined {
  if (/^file:/i.test(path)) {
    // SQLite and DuckDB URI forms: file:///abs, file://host/abs, file:/abs, file:relative —
    // with ?query and #fragment (mode=ro, …) not part of the path.
    const bare = path.replace(/[?#].*$/s, "");
    if (/^file:\/\//i.test(bare)) {
      try {
        return fileURLToPath(new URL(bare));
      } catch {
        return bare.replace(/^file:\/\/[^/]*/i, "");
      }
    }
    const rest = decodeURIComponentSafe(bare.slice("file:".length));
    return isAbsolute(rest) ? rest : resolve(rest);
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path)) return undefined;
  if (path === "~" || path.startsWith("~/")) {
    let home: string | undefined;
    try {
      home = Deno.env.get("HOME");
    } catch {
      home = undefined;
    }
    if (home !== undefined && home !== "") return home + path.slice(1);
  }
  return path;
}

/** `decodeURIComponent`, or the text unchanged when it is not valid percent-encoding. */
function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * Noctra's own checks are messages in front of the kernel's boundary; a test proves that by
 * switching them off (`NOCTRA_TEST_SKIP_CHECKS=1`), which takes effect only where the operating
 * system enforces the sandbox (`NOCTRA_SANDBOX_CHILD` set by the re-executing parent), so it can
 * never weaken a sandbox that has no kernel layer.
 */
function skipChecks(): boolean {
  try {
    return Deno.env.get("NOCTRA_TEST_SKIP_CHECKS") === "1" &&
      (Deno.env.get("NOCTRA_SANDBOX_CHILD") ?? "") !== "";
  } catch {
    return false;
  }
}
