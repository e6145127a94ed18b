/**
 * The macOS operating-system layer of the sandbox: a Seatbelt profile (Apple's sandbox profile
 * language, SBPL) run through `/usr/bin/sandbox-exec`, which applies it to the program it starts
 * and everything that program starts — the same shape as Linux's Landlock layer, where Noctra
 * re-executes itself inside the restriction.
 *
 * The profile denies by default and then allows: process and system-information operations the
 * runtime needs; reading the runtime's own files (system libraries, the Deno executable and its
 * cache, the program's directory) and the readable directories; writing the writable
 * directories, the private temporary directory and the terminal devices; and, unless network is
 * allowed, no network. It follows the shape of the Seatbelt profiles command-line agents use
 * (deny default, explicit `subpath` allowances).
 *
 * Not testable on Linux: the profile text is unit-tested here, and the release workflow runs the
 * smoke test on macOS.
 *
 * @module
 */

/** What the profile allows. Paths are absolute, symlinks resolved. */
export interface SeatbeltPolicy {
  /** Directories (or files) that may be read. */
  readonly read: readonly string[];
  /** Directories (or files) that may be read and written. */
  readonly write: readonly string[];
  /** Allow outgoing network connections (remote sources). */
  readonly allowNetwork: boolean;
}

/** An SBPL string literal: `"…"` with backslashes and quotes escaped. */
export function sbplString(text: string): string {
  return `"${text.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;
}

/**
 * The SBPL profile for `policy`, as text for `sandbox-exec -p`.
 *
 * @example
 * ```ts
 * import { seatbeltProfile } from "./seatbelt.ts";
 * import { ok } from "node:assert/strict";
 *
 * const profile = seatbeltProfile({ read: ["/data"], write: ["/out"], allowNetwork: false });
 * ok(profile.includes('(allow file-read* (subpath "/data"))'));
 * ok(profile.includes('(allow file-read* file-write* (subpath "/out"))'));
 * ok(!profile.includes("(allow network"));
 * ```
 */
export function seatbeltProfile(policy: SeatbeltPolicy): string {
  const lines = [
    "(version 1)",
    "(deny default)",
    // The runtime: start itself, threads, signals to itself, system information.
    "(allow process-exec process-fork)",
    "(allow signal (target self))",
    "(allow process-info* (target self))",
    "(allow sysctl-read)",
    "(allow mach-lookup)",
    "(allow ipc-posix-shm)",
    // Listing and stat-ing paths reveals names, not contents; dyld and Deno need it widely.
    "(allow file-read-metadata)",
    // The system itself: frameworks, libraries, the dyld cache, time zones, certificates.
    '(allow file-read* (subpath "/System") (subpath "/usr") (subpath "/private/etc") ' +
    '(subpath "/private/var/db/timezone") (subpath "/Library/Apple"))',
    '(allow file-read* file-write-data (literal "/dev/null") (literal "/dev/zero"))',
    '(allow file-read* (literal "/dev/urandom") (literal "/dev/random"))',
    '(allow file-read* file-write* file-ioctl (literal "/dev/tty") (regex #"^/dev/ttys[0-9]+$"))',
  ];
  for (const path of policy.read) lines.push(`(allow file-read* (subpath ${sbplString(path)}))`);
  for (const path of policy.write) {
    lines.push(`(allow file-read* file-write* (subpath ${sbplString(path)}))`);
  }
  if (policy.allowNetwork) {
    lines.push("(allow network-outbound)", "(allow system-socket)");
  }
  return lines.join("\n") + "\n";
}

/** `sandbox-exec`, present on every macOS release Noctra supports. */
export const SANDBOX_EXEC = "/usr/bin/sandbox-exec";

/** True on macOS when `sandbox-exec` is present. */
export function seatbeltAvailable(): boolean {
  if (Deno.build.os !== "darwin") return false;
  try {
    return Deno.statSync(SANDBOX_EXEC).isFile;
  } catch {
    return false;
  }
}

/**
 * The command that runs `program args…` inside `policy`: `sandbox-exec -p <profile> program
 * args…` (arrays for `Deno.Command`).
 */
export function seatbeltCommand(
  policy: SeatbeltPolicy,
  program: string,
  args: readonly string[],
): { command: string; args: string[] } {
  return { command: SANDBOX_EXEC, args: ["-p", seatbeltProfile(policy), program, ...args] };
}
