/**
 * The atomic swap by which an export's output takes its target's place, whatever stops it.
 *
 * The rows go to a temporary sibling of the target (`.<name>.noctra-export-<pid>-<id>`, a file
 * or, for partitioned output, a directory). Only when every row was written does it take the
 * target's place: a file is renamed over a file (one atomic rename); otherwise the old target is
 * first renamed aside (`.<name>.noctra-aside-<pid>-<id>`), the new output renamed into place, and
 * the aside copy deleted last. Both renames are synchronous, so a SIGINT/SIGTERM handler never
 * runs between them. A failed or interrupted export (error, Ctrl-C, SIGINT/SIGTERM at any moment)
 * therefore leaves the old target whole or the new one whole, never a mix or nothing, and removes
 * its temporary and aside siblings. A process killed outright (SIGKILL, power loss) can leave
 * siblings behind; the next export to the same target deletes them, and restores the aside copy
 * when the target itself is missing.
 *
 * @module
 */
import { basename, dirname, join } from "node:path";

/**
 * One export under way: its target and the siblings it may leave (absolute paths). `aside` is
 * where the old target goes during the swap; `duckdbTemporary` is the `tmp_…` file DuckDB writes
 * first when the user passes `use_tmp_file`.
 */
export interface Swap {
  /** The file or directory the export replaces (or creates). */
  readonly target: string;
  /** Where the writer puts the new output. */
  readonly temporary: string;
  /** `tmp_<temporary>`, which DuckDB writes first with `use_tmp_file`. */
  readonly duckdbTemporary: string;
  /** Where the old target waits while the new output is renamed into place. */
  readonly aside: string;
  /** `.<name>.noctra-lock-<id>`: locked (flock) while the export runs, deleted last. */
  readonly lock: string;
  /** The open, locked lock file; null once released or where locks are unsupported. */
  lockFile: Deno.FsFile | null;
  /** True while DuckDB (or the Arrow writer) writes the temporary output. */
  writing: boolean;
  /** Asks DuckDB to stop the statement writing the output. */
  readonly interrupt: () => void;
  /** Stops listening for SIGINT/SIGTERM on this export's behalf. */
  stopListening: () => void;
}

/** Exports under way; settled (see {@link settle}) if the process is told to stop. */
const pending = new Set<Swap>();

/** Exit code (130/143) once SIGINT/SIGTERM arrived during an export; null before. */
let stopping: number | null = null;

/** How long a stop signal waits for an interrupted writer before the process ends anyway (ms). */
const STOP_GRACE_MS = 2_000;

/**
 * Starts the swap of an export to `target` (absolute): names its siblings, holds its lock file
 * and, until {@link endSwap}, settles it if SIGINT/SIGTERM arrives (`interrupt` then stops the
 * writer). Never throws.
 */
export function beginSwap(target: string, interrupt: () => void): Swap {
  const directory = dirname(target);
  const id = `${Deno.pid}-${crypto.randomUUID().slice(0, 8)}`;
  const temporary = join(directory, `.${basename(target)}.noctra-export-${id}`);
  const lock = join(directory, `.${basename(target)}.noctra-lock-${id}`);
  const swap: Swap = {
    target,
    temporary,
    duckdbTemporary: join(directory, `tmp_${basename(temporary)}`),
    aside: join(directory, `.${basename(target)}.noctra-aside-${id}`),
    lock,
    lockFile: null,
    writing: false,
    interrupt,
    stopListening: () => {},
  };
  pending.add(swap);
  swap.lockFile = holdLock(swap.lock);
  swap.stopListening = listenForStop();
  return swap;
}

/** Ends the swap, whatever happened: settles its siblings ({@link settle}). Never throws. */
export function endSwap(swap: Swap): void {
  settle(swap);
  pending.delete(swap);
  swap.stopListening();
}

/** Deletes the old target, put aside by {@link putInPlace}; a stop signal meanwhile settles it. */
export async function removeAside(swap: Swap): Promise<void> {
  await removeAsync(swap.aside);
}

/**
 * Replaces the target with the temporary output. A file over a file (or over nothing) is one
 * rename. Otherwise the old target is renamed aside, then the output into place; if that second
 * rename fails the old target is renamed back. Synchronous on purpose: no signal handler can run
 * between the two renames. Throws the operating system's error.
 */
export function putInPlace(swap: Swap, outputIsDirectory: boolean): void {
  const old = lstatOrNull(swap.target);
  if (old === null || (!outputIsDirectory && !old.isDirectory)) {
    Deno.renameSync(swap.temporary, swap.target);
    return;
  }
  Deno.renameSync(swap.target, swap.aside);
  try {
    Deno.renameSync(swap.temporary, swap.target);
  } catch (error) {
    Deno.renameSync(swap.aside, swap.target);
    throw error;
  }
}

/**
 * Brings an export's siblings to a whole state, whatever moment it was stopped at: if the target
 * is missing and the aside copy exists, the old target is renamed back; then the temporary output
 * and, once a target is in place, the aside copy are deleted. Never throws.
 */
function settle(swap: Swap): void {
  if (lstatOrNull(swap.target) === null && lstatOrNull(swap.aside) !== null) {
    try {
      Deno.renameSync(swap.aside, swap.target);
    } catch { /* left for the next export to restore */ }
  }
  removeQuietly(swap.temporary);
  removeQuietly(swap.duckdbTemporary);
  if (lstatOrNull(swap.target) !== null) removeQuietly(swap.aside);
  // The lock file goes last; it stays (unlocked) beside an aside copy that could not be put back,
  // so the next export to the target recovers that copy.
  if (lstatOrNull(swap.aside) === null) removeQuietly(swap.lock);
  try {
    swap.lockFile?.close();
  } catch { /* closed already */ }
  swap.lockFile = null;
}

/**
 * Creates and locks (exclusive flock) the lock file that tells other processes this export is
 * alive. Returns the open file, or null when it cannot be created or locked (the export still
 * runs; its siblings then count as stale only after {@link STALE_AFTER_MS}).
 */
function holdLock(path: string): Deno.FsFile | null {
  let file: Deno.FsFile;
  try {
    file = Deno.openSync(path, { write: true, createNew: true });
  } catch {
    return null;
  }
  try {
    file.lockSync(true);
  } catch { /* no locks on this file system: the file alone marks the export */ }
  return file;
}

/** A sibling an export of `target` leaves while it runs: its base name, kind and export id. */
const SIBLING = /^(tmp_)?\.(.+)\.noctra-(export|aside|lock)-((\d+)-[0-9a-f]{8})$/;

/** A sibling whose export has a lock file that cannot be tested counts as stale after this long. */
const STALE_AFTER_MS = 10 * 60_000;

/**
 * Cleans up after exports to `target` that were killed outright (SIGKILL, power loss): their
 * temporary outputs are deleted; an aside copy is renamed back when the target is missing (the
 * export was killed between its two renames), else deleted; then their lock files. Exports still
 * running — pending in this process, or another process holding its lock file — are left alone.
 * Never throws; does nothing where the directory cannot be read and written without asking.
 */
export function recoverInterrupted(target: string): void {
  const directory = dirname(target);
  const name = basename(target);
  if (!granted({ name: "read", path: directory }) || !granted({ name: "write", path: directory })) {
    return;
  }
  const ours = new Set<string>();
  for (const swap of pending) ours.add(basename(swap.lock).slice(`.${name}.noctra-lock-`.length));
  let entries: Deno.DirEntry[];
  try {
    entries = [...Deno.readDirSync(directory)];
  } catch {
    return;
  }
  const exports = new Map<string, { kind: string; path: string }[]>();
  for (const entry of entries) {
    const match = SIBLING.exec(entry.name);
    if (match === null || match[2] !== name || ours.has(match[4]!)) continue;
    const kind = match[1] === undefined ? match[3]! : "export";
    const siblings = exports.get(match[4]!) ?? [];
    siblings.push({ kind, path: join(directory, entry.name) });
    exports.set(match[4]!, siblings);
  }
  for (const [id, siblings] of exports) {
    const lock = join(directory, `.${name}.noctra-lock-${id}`);
    if (!exportEnded(Number(id.split("-")[0]), lock, siblings[0]!.path)) continue;
    for (const sibling of siblings) {
      if (sibling.kind === "export") removeQuietly(sibling.path);
    }
    let kept = false;
    for (const sibling of siblings) {
      if (sibling.kind !== "aside") continue;
      if (lstatOrNull(target) === null) {
        try {
          Deno.renameSync(sibling.path, target);
          continue;
        } catch { /* keep it rather than lose it */ }
      }
      if (lstatOrNull(target) !== null) removeQuietly(sibling.path);
      else kept = true;
    }
    if (!kept) removeQuietly(lock);
  }
}

/**
 * Whether the export that left a sibling has ended: it ran in this process (and is not pending),
 * its lock file is gone (it is created before and deleted after every other sibling), or no
 * process holds the lock any more. Where the lock cannot be tested, a sibling untouched for
 * {@link STALE_AFTER_MS} counts as ended.
 */
function exportEnded(pid: number, lock: string, sibling: string): boolean {
  if (pid === Deno.pid) return true;
  let file: Deno.FsFile;
  try {
    file = Deno.openSync(lock, { read: true });
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return true;
    return untouchedFor(sibling, STALE_AFTER_MS);
  }
  try {
    if (!file.tryLockSync(true)) return false;
    file.unlockSync();
    return true;
  } catch {
    return untouchedFor(sibling, STALE_AFTER_MS);
  } finally {
    file.close();
  }
}

function untouchedFor(path: string, milliseconds: number): boolean {
  const modified = lstatOrNull(path)?.mtime?.getTime();
  return modified !== undefined && Date.now() - modified > milliseconds;
}

/** Whether Deno already grants `permission` (asking never prompts the user). */
function granted(permission: Deno.PermissionDescriptor): boolean {
  try {
    return Deno.permissions.querySync(permission).state === "granted";
  } catch {
    return false;
  }
}

/** `Deno.statSync(path)`, or null when there is nothing there (or it cannot be read). */
export function statOrNull(path: string): Deno.FileInfo | null {
  try {
    return Deno.statSync(path);
  } catch {
    return null;
  }
}

/** Size in bytes of a file, or of all files under a directory. */
export function sizeOf(path: string): number {
  const info = statOrNull(path);
  if (info === null) return 0;
  if (!info.isDirectory) return info.size;
  let total = 0;
  for (const entry of Deno.readDirSync(path)) total += sizeOf(join(path, entry.name));
  return total;
}

function lstatOrNull(path: string): Deno.FileInfo | null {
  try {
    return Deno.lstatSync(path);
  } catch {
    return null;
  }
}

function removeQuietly(path: string): void {
  try {
    Deno.removeSync(path, { recursive: true });
  } catch { /* not there */ }
}

async function removeAsync(path: string): Promise<void> {
  try {
    await Deno.remove(path, { recursive: true });
  } catch { /* not there, or settled by a stop signal meanwhile */ }
}

/** How many exports currently listen for stop signals (one set of listeners serves them all). */
let listening = 0;

const stopHandlers: readonly [Deno.Signal, () => void][] = [
  ["SIGINT", () => stop(130)],
  ["SIGTERM", () => stop(143)],
];

/**
 * While an export runs, SIGINT/SIGTERM settle it (see {@link settle}: old or new target whole,
 * siblings removed) before the process ends (exit 130/143). Returns the function that stops
 * listening; no-op on Windows.
 */
function listenForStop(): () => void {
  if (Deno.build.os === "windows") return () => {};
  if (listening++ === 0) {
    for (const [signal, handler] of stopHandlers) Deno.addSignalListener(signal, handler);
  }
  let done = false;
  return () => {
    if (done) return;
    done = true;
    if (--listening === 0) {
      for (const [signal, handler] of stopHandlers) Deno.removeSignalListener(signal, handler);
    }
  };
}

/**
 * Settles every pending export at once (the old target stays, or the new one, whole). An export
 * whose writer is still running is interrupted: DuckDB may otherwise create files in the removed
 * temporary directory, so the process ends when the writer has stopped ({@link exitIfStopping}),
 * or after {@link STOP_GRACE_MS}. A second signal ends the process at once.
 */
function stop(code: number): void {
  const again = stopping !== null;
  stopping ??= code;
  let writing = false;
  for (const swap of pending) {
    settle(swap);
    if (swap.writing && !again) {
      writing = true;
      swap.interrupt();
    }
  }
  if (!writing) Deno.exit(stopping);
  setTimeout(() => {
    for (const swap of pending) settle(swap);
    Deno.exit(code);
  }, STOP_GRACE_MS);
}

/**
 * After the writer stopped: if a stop signal came meanwhile, settle and end the process (exit
 * 130/143); else return.
 */
export function exitIfStopping(swap: Swap): void {
  if (stopping === null) return;
  settle(swap);
  Deno.exit(stopping);
}
