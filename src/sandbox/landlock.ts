/**
 * Linux Landlock from Deno FFI: the operating-system layer of the file sandbox.
 *
 * No native build: `Deno.dlopen` of glibc (`libc.so.6`) for `syscall`, `prctl`, `open`, `close`
 * and `__errno_location`. Needs `--allow-ffi`; without it (or off Linux, or on a kernel without
 * Landlock) {@link landlockAbi} reports 0 and the caller falls back to the DuckDB layer.
 *
 * A Landlock domain binds only the thread that calls `landlock_restrict_self` and the processes
 * it starts afterwards. Deno runs other threads (V8 platform workers, the tokio runtime, DuckDB's
 * pool), so {@link restrictSelf} alone does not confine the running process: the caller must
 * then re-execute itself as a child (`runSandboxedChild` in `./reexec.ts`), which starts inside
 * the domain from its first instruction.
 *
 * Not used (yet): ABI 6 scopes (abstract Unix sockets, signals to processes outside the domain)
 * and ABI 7 audit-log flags. A future ABI that can restrict all threads at once would make the
 * re-execution unnecessary.
 *
 * @module
 */

/**
 * Syscall numbers. Landlock was added (Linux 5.13) after the syscall tables were unified, so the
 * numbers are the same on every architecture: `include/uapi/asm-generic/unistd.h`
 * (`__NR_landlock_create_ruleset 444`, `__NR_landlock_add_rule 445`,
 * `__NR_landlock_restrict_self 446`, used by aarch64) and
 * `arch/x86/entry/syscalls/syscall_64.tbl` (`444 common landlock_create_ruleset`, 445, 446).
 * Only x86-64 and aarch64 are enabled here because only they are built and tested.
 */
const SYS_LANDLOCK_CREATE_RULESET = 444n;
const SYS_LANDLOCK_ADD_RULE = 445n;
const SYS_LANDLOCK_RESTRICT_SELF = 446n;
const SUPPORTED_ARCHS: readonly string[] = ["x86_64", "aarch64"];

/** `landlock_create_ruleset(NULL, 0, LANDLOCK_CREATE_RULESET_VERSION)` returns the ABI. */
const LANDLOCK_CREATE_RULESET_VERSION = 1n;
const LANDLOCK_RULE_PATH_BENEATH = 1n;
/** `prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)`: required before restrict_self without CAP_SYS_ADMIN. */
const PR_SET_NO_NEW_PRIVS = 38;
/** `O_PATH | O_CLOEXEC` (asm-generic values, also x86-64's). */
const O_PATH = 0o10000000;
const O_CLOEXEC = 0o2000000;

/** errno values this module names in its messages. */
const ERRNO: Readonly<Record<number, string>> = {
  1: "EPERM",
  2: "ENOENT",
  7: "E2BIG",
  9: "EBADF",
  13: "EACCES",
  14: "EFAULT",
  22: "EINVAL",
  38: "ENOSYS",
  95: "EOPNOTSUPP",
};
const ENOSYS = 38;

/** Filesystem access rights (`LANDLOCK_ACCESS_FS_*`, `include/uapi/linux/landlock.h`). */
export const AccessFs = {
  EXECUTE: 1n << 0n,
  WRITE_FILE: 1n << 1n,
  READ_FILE: 1n << 2n,
  READ_DIR: 1n << 3n,
  REMOVE_DIR: 1n << 4n,
  REMOVE_FILE: 1n << 5n,
  MAKE_CHAR: 1n << 6n,
  MAKE_DIR: 1n << 7n,
  MAKE_REG: 1n << 8n,
  MAKE_SOCK: 1n << 9n,
  MAKE_FIFO: 1n << 10n,
  MAKE_BLOCK: 1n << 11n,
  MAKE_SYM: 1n << 12n,
  /** ABI 2: link or rename a file into another directory. */
  REFER: 1n << 13n,
  /** ABI 3: `truncate`, `ftruncate`, `open(O_TRUNC)`. */
  TRUNCATE: 1n << 14n,
  /** ABI 5: `ioctl` on character and block devices. */
  IOCTL_DEV: 1n << 15n,
} as const;

/** Network access rights (`LANDLOCK_ACCESS_NET_*`, ABI 4). */
export const AccessNet = {
  BIND_TCP: 1n << 0n,
  CONNECT_TCP: 1n << 1n,
} as const;

/** The rights of ABI 1 (everything up to MAKE_SYM). */
const FS_ABI1 = (1n << 13n) - 1n;
/** Rights the kernel accepts on a rule whose parent is a file, not a directory. */
const FS_FILE_RIGHTS = AccessFs.EXECUTE | AccessFs.WRITE_FILE | AccessFs.READ_FILE |
  AccessFs.TRUNCATE | AccessFs.IOCTL_DEV;
/** What a read-only path gets. */
const FS_READ_RIGHTS = AccessFs.EXECUTE | AccessFs.READ_FILE | AccessFs.READ_DIR;

/**
 * What the sandbox allows. Paths are absolute or relative to the current directory; a rule
 * covers the path and everything beneath it. Paths that do not exist are skipped.
 */
export interface LandlockPolicy {
  /** Readable (and executable) paths: READ_FILE, READ_DIR, EXECUTE. */
  read: readonly string[];
  /** Writable paths: every right the ruleset handles (create, remove, write, truncate, …). */
  write: readonly string[];
  /**
   * Deny TCP `connect` and `bind` (ABI ≥ 4). On an older ABI the network is not restricted;
   * {@link landlockDeniesNetwork} tells which.
   */
  denyNetwork?: boolean;
}

const SYMBOLS = {
  syscall: { parameters: ["i64", "i64", "i64", "i64", "i64"], result: "i64" },
  prctl: { parameters: ["i32", "u64", "u64", "u64", "u64"], result: "i32" },
  open: { parameters: ["buffer", "i32"], result: "i32" },
  close: { parameters: ["i32"], result: "i32" },
  __errno_location: { parameters: [], result: "pointer" },
} as const;

type Libc = Deno.DynamicLibrary<typeof SYMBOLS>["symbols"];

let libc: Libc | null | undefined;

/** glibc through FFI, or null where that is impossible (not Linux, no `--allow-ffi`, musl). */
function openLibc(): Libc | null {
  if (libc !== undefined) return libc;
  libc = null;
  if (Deno.build.os !== "linux" || !SUPPORTED_ARCHS.includes(Deno.build.arch)) return libc;
  try {
    libc = Deno.dlopen("libc.so.6", SYMBOLS).symbols;
  } catch {
    // NotCapable (no --allow-ffi) or no glibc: the OS layer is unavailable.
  }
  return libc;
}

function errno(c: Libc): number {
  const p = c.__errno_location();
  return p === null ? 0 : new Deno.UnsafePointerView(p).getInt32();
}

function errnoName(n: number): string {
  return ERRNO[n] ?? `errno ${n}`;
}

/** A pointer to `buf` as the i64 the variadic `syscall` takes. */
function addr(buf: Uint8Array<ArrayBuffer>): bigint {
  return BigInt(Deno.UnsafePointer.value(Deno.UnsafePointer.of(buf)));
}

/**
 * The Landlock ABI version of the running kernel: 0 when Landlock cannot be used (not Linux or
 * not x86-64/aarch64, FFI not permitted, no glibc, kernel without Landlock — `ENOSYS` — or
 * Landlock disabled at boot — `EOPNOTSUPP`), else 1, 2, … (7 on Linux 6.15+). Never throws.
 *
 * @example
 * ```ts
 * import { landlockAbi } from "./landlock.ts";
 * const abi = landlockAbi();
 * console.log(abi === 0 ? "no Landlock" : `Landlock ABI ${abi}`);
 * ```
 */
export function landlockAbi(): number {
  const c = openLibc();
  if (c === null) return 0;
  const r = c.syscall(SYS_LANDLOCK_CREATE_RULESET, 0n, 0n, LANDLOCK_CREATE_RULESET_VERSION, 0n);
  return r < 0n ? 0 : Number(r);
}

/** Whether {@link restrictSelf} with `denyNetwork` confines TCP here (ABI ≥ 4). */
export function landlockDeniesNetwork(): boolean {
  return landlockAbi() >= 4;
}

/** The filesystem rights a ruleset handles on `abi`: all the rights that ABI knows. */
export function handledAccessFs(abi: number): bigint {
  let rights = FS_ABI1;
  if (abi >= 2) rights |= AccessFs.REFER;
  if (abi >= 3) rights |= AccessFs.TRUNCATE;
  if (abi >= 5) rights |= AccessFs.IOCTL_DEV;
  return rights;
}

/** A Landlock call failed: `errno` is the kernel's error number, `call` the failing step. */
export class LandlockError extends Error {
  /** The errno of the failed call (e.g. 22 for EINVAL). */
  readonly errno: number;
  constructor(message: string, errno: number) {
    super(message);
    this.name = "LandlockError";
    this.errno = errno;
  }
}

/**
 * Confines the calling thread, and every process it starts from now on, to `policy`: a new
 * Landlock domain that handles every filesystem right the running ABI knows (and TCP bind and
 * connect when `denyNetwork` and ABI ≥ 4), with one path-beneath rule per existing path:
 * read-only rights for `policy.read`, all handled rights for `policy.write` (a file path gets
 * only the file rights among them). A path in both lists gets the write rights. Nonexistent
 * paths are skipped. Then sets `no_new_privs` and calls `landlock_restrict_self`.
 *
 * Irreversible. Only the calling thread is confined — Deno's other threads are not — so call it
 * from the main thread right before re-executing (see `runSandboxedChild`), and do nothing else
 * in this process.
 *
 * @throws {LandlockError} when Landlock is unavailable ({@link landlockAbi} is 0; errno ENOSYS)
 *   or a step fails (create_ruleset, add_rule — naming the path —, prctl, restrict_self), with
 *   the errno's name in the message.
 * @throws {Deno.errors.NotCapable} when a path cannot be inspected (no `--allow-read`).
 */
export function restrictSelf(policy: LandlockPolicy): void {
  const c = openLibc();
  const abi = landlockAbi();
  if (c === null || abi === 0) {
    throw new LandlockError("Landlock is not available on this system", ENOSYS);
  }
  const fsRights = handledAccessFs(abi);
  const netRights = policy.denyNetwork && abi >= 4
    ? AccessNet.BIND_TCP | AccessNet.CONNECT_TCP
    : 0n;

  // struct landlock_ruleset_attr { u64 handled_access_fs; u64 handled_access_net; u64 scoped; }
  // The kernel takes a prefix of the struct: 8 bytes before ABI 4, 16 after (no `scoped`).
  const attr = new Uint8Array(16);
  const attrView = new DataView(attr.buffer);
  attrView.setBigUint64(0, fsRights, true);
  attrView.setBigUint64(8, netRights, true);
  const attrSize = abi >= 4 ? 16n : 8n;
  const rulesetFd = c.syscall(SYS_LANDLOCK_CREATE_RULESET, addr(attr), attrSize, 0n, 0n);
  if (rulesetFd < 0n) {
    const e = errno(c);
    throw new LandlockError(`landlock_create_ruleset failed: ${errnoName(e)}`, e);
  }
  try {
    const rules = new Map<string, bigint>();
    for (const p of policy.read) rules.set(p, (rules.get(p) ?? 0n) | FS_READ_RIGHTS);
    for (const p of policy.write) rules.set(p, fsRights);
    for (const [path, rights] of rules) addPathRule(c, rulesetFd, path, rights & fsRights);
    if (c.prctl(PR_SET_NO_NEW_PRIVS, 1n, 0n, 0n, 0n) !== 0) {
      const e = errno(c);
      throw new LandlockError(`prctl(PR_SET_NO_NEW_PRIVS) failed: ${errnoName(e)}`, e);
    }
    if (c.syscall(SYS_LANDLOCK_RESTRICT_SELF, rulesetFd, 0n, 0n, 0n) < 0n) {
      const e = errno(c);
      throw new LandlockError(`landlock_restrict_self failed: ${errnoName(e)}`, e);
    }
  } finally {
    c.close(Number(rulesetFd));
  }
}

function addPathRule(c: Libc, rulesetFd: bigint, path: string, rights: bigint): void {
  let info: Deno.FileInfo;
  try {
    info = Deno.statSync(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return;
    throw e;
  }
  const allowed = info.isDirectory ? rights : rights & FS_FILE_RIGHTS;
  if (allowed === 0n) return;
  const fd = c.open(new TextEncoder().encode(path + "\0"), O_PATH | O_CLOEXEC);
  if (fd < 0) {
    const e = errno(c);
    if (e === 2) return; // removed since the stat
    throw new LandlockError(`cannot open ${path} for a Landlock rule: ${errnoName(e)}`, e);
  }
  try {
    // struct landlock_path_beneath_attr { u64 allowed_access; s32 parent_fd; } __packed (12 bytes)
    const rule = new Uint8Array(12);
    const view = new DataView(rule.buffer);
    view.setBigUint64(0, allowed, true);
    view.setInt32(8, fd, true);
    const r = c.syscall(
      SYS_LANDLOCK_ADD_RULE,
      rulesetFd,
      LANDLOCK_RULE_PATH_BENEATH,
      addr(rule),
      0n,
    );
    if (r < 0n) {
      const e = errno(c);
      throw new LandlockError(`landlock_add_rule for ${path} failed: ${errnoName(e)}`, e);
    }
  } finally {
    c.close(fd);
  }
}

/** The current environment variable `name`, or undefined (also without `--allow-env`). */
function env(name: string): string | undefined {
  try {
    return Deno.env.get(name) || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Deno's cache directory, as `deno info --json` reports it (`denoDir`): `$DENO_DIR`, else
 * `$XDG_CACHE_HOME/deno`, else `$HOME/.cache/deno`. Undefined when none can be known.
 */
export function denoDir(): string | undefined {
  const explicit = env("DENO_DIR");
  if (explicit !== undefined) return explicit;
  const xdg = env("XDG_CACHE_HOME");
  if (xdg !== undefined) return `${xdg}/deno`;
  const home = env("HOME");
  return home === undefined ? undefined : `${home}/.cache/deno`;
}

/**
 * The directory of the running project: the nearest ancestor of the main module's directory
 * holding `deno.json`, `deno.jsonc` or `package.json`, else the main module's directory itself.
 * Undefined for a main module that is not a local file (remote, `deno eval`, stdin).
 */
export function projectDir(): string | undefined {
  if (!Deno.mainModule.startsWith("file:")) return undefined;
  let dir = new URL(".", Deno.mainModule).pathname.replace(/\/$/, "") || "/";
  const start = dir;
  for (;;) {
    for (const name of ["deno.json", "deno.jsonc", "package.json"]) {
      try {
        if (Deno.statSync(`${dir}/${name}`).isFile) return dir;
      } catch {
        // not here
      }
    }
    if (dir === "/") return start;
    dir = dir.slice(0, dir.lastIndexOf("/")) || "/";
  }
}

/** The terminal devices behind stdin, stdout and stderr (e.g. `/dev/pts/3`), if any. */
function terminalDevices(): string[] {
  const found = new Set<string>();
  for (const fd of [0, 1, 2]) {
    try {
      const target = Deno.readLinkSync(`/proc/self/fd/${fd}`);
      if (/^\/dev\/(pts\/\d+|tty\w*|console)$/.test(target)) found.add(target);
    } catch {
      // not a link (closed fd) or /proc not readable
    }
  }
  return [...found];
}

/**
 * What the Deno runtime and embedded DuckDB read in a sandboxed child, measured with `strace -f`
 * on `deno run -A` of Noctra and of a DuckDB script (then checked by running under the sandbox
 * without each entry). Absolute paths; some may not exist (they are skipped by
 * {@link restrictSelf}). Needs `--allow-env` and `--allow-read` for an exact answer.
 *
 * - `Deno.execPath()`: the `deno` executable (or the compiled binary): executed by the re-exec,
 *   and read again by Deno itself at start.
 * - `denoDir()` (`~/.cache/deno`): the npm cache (`registry.json` of each package), the emitted
 *   JavaScript (`gen/`) and Deno's SQLite caches (code cache, dependency analysis).
 * - `projectDir()`: `deno.json`, `deno.lock`, `node_modules/` (DuckDB's JavaScript,
 *   `duckdb.node` and `libduckdb.so`) and the sources the main module imports.
 * - `/usr`, `/lib`, `/lib64`: shared libraries (`libc`, `libstdc++`, `libgcc_s` for libduckdb)
 *   and `/usr/share/zoneinfo` behind `/etc/localtime`.
 * - `/etc/ld.so.cache`: the dynamic loader's index (dlopen of `libduckdb.so`, `libc.so.6`).
 * - `/etc/localtime`: the local time zone (Deno's `Date`, DuckDB's ICU `TIMESTAMPTZ`).
 * - `/etc/ssl`, `/etc/ca-certificates`, `/etc/resolv.conf`, `/etc/hosts`, `/etc/host.conf`,
 *   `/etc/nsswitch.conf`, `/etc/gai.conf`: TLS roots and name resolution, read by Deno at start
 *   and by remote sources. The rest of `/etc` (`passwd`, `hostname`, …) stays unreadable.
 * - `/proc`: Deno and DuckDB read `/proc/self/{exe,maps,mountinfo,cgroup,status}`,
 *   `/proc/sys/vm/overcommit_memory`, `/proc/meminfo`; a rule on `/proc/self` would name the
 *   parent's pid, so all of `/proc` is granted. Other processes' `environ`, `mem` and `fd` stay
 *   closed: Landlock refuses ptrace-mode access from inside a domain to processes outside it.
 * - `/sys/fs/cgroup`, `/sys/devices/system/cpu`: DuckDB reads the cgroup CPU quota and memory
 *   limit and the online CPUs to size its thread pool and memory limit; without them it stops
 *   with an internal error.
 * - `/dev/null`, `/dev/urandom`, `/dev/random`: Deno's and DuckDB's randomness, child stdio.
 * - `/dev/tty`, `/dev/pts` and the terminal behind stdin/stdout/stderr: the REPL's terminal.
 */
export function runtimeReadPaths(): string[] {
  const paths = [Deno.execPath()];
  const cache = denoDir();
  if (cache !== undefined) paths.push(cache);
  const project = projectDir();
  if (project !== undefined) paths.push(project);
  paths.push(
    "/usr",
    "/lib",
    "/lib64",
    "/etc/ld.so.cache",
    "/etc/localtime",
    "/etc/ssl",
    "/etc/ca-certificates",
    "/etc/resolv.conf",
    "/etc/hosts",
    "/etc/host.conf",
    "/etc/nsswitch.conf",
    "/etc/gai.conf",
    "/proc",
    "/sys/fs/cgroup",
    "/sys/devices/system/cpu",
    "/dev/null",
    "/dev/urandom",
    "/dev/random",
    "/dev/tty",
    "/dev/pts",
    ...terminalDevices(),
  );
  return [...new Set(paths)];
}

/**
 * What the Deno runtime needs to write in a sandboxed child (measured like
 * {@link runtimeReadPaths}). Deliberately not Deno's caches or `node_modules`: a sandboxed
 * statement able to write there could plant code that a later, unsandboxed run executes.
 *
 * - `/dev/null`: opened for writing by Deno and DuckDB (discarded output).
 * - `/dev/tty`, `/dev/pts` and the terminal behind stdio: the REPL writes prompts and sets raw
 *   mode (an `ioctl` on the device, a write right from ABI 5).
 */
export function runtimeWritePaths(): string[] {
  return [...new Set(["/dev/null", "/dev/tty", "/dev/pts", ...terminalDevices()])];
}
