/**
 * One command run as a fresh process and measured: wall time, peak resident set size, and its
 * stdout drained while counting bytes and newlines. The benches time every process they compare
 * through {@link runMeasured}.
 *
 * Peak RSS comes from GNU `time -f %M` when `/usr/bin/time` is GNU time: the kernel's
 * `ru_maxrss` for the child, reported by `wait4`, so it is exact (KiB). Without GNU time the
 * helper polls `/proc/<pid>/status` `VmHWM` (the kernel's own resident high-water mark) every
 * 20 ms until the child exits and keeps the last value read; a spike in the last interval
 * before exit can then be missed.
 *
 * Wall time is measured here, from just before the spawn until the child has exited and its
 * stdout is fully drained, so it includes process start-up and writing every output byte.
 *
 * @module
 */

/** How peak RSS is read; see the module documentation. */
export type RssMethod = "gnu-time" | "proc-vmhwm" | "none";

/** What to do with the child's stdout, which is always a pipe the bench drains. */
export type StdoutMode =
  /** Count bytes and newlines and keep only the first line (for large outputs). */
  | "count"
  /** Count, and also keep the whole text (for small outputs that are checked). */
  | "capture";

/** One command to run. */
export interface RunSpec {
  /** Executable, e.g. `Deno.execPath()`. */
  readonly command: string;
  /** Arguments after the executable. */
  readonly args: readonly string[];
  /** Working directory of the child. */
  readonly cwd: string;
  /** What to keep of the child's stdout. */
  readonly stdout: StdoutMode;
  /** Variables added to (or overriding) the inherited environment. */
  readonly env?: Readonly<Record<string, string>>;
}

/** What one run measured. */
export interface RunResult {
  /** Wall time from spawn until exit and end of stdout, in milliseconds. */
  readonly wallMs: number;
  /** Peak resident set size in KiB, or null when no method is available. */
  readonly peakRssKiB: number | null;
  /** User + system CPU seconds of the child (GNU time only), else null. */
  readonly cpuSeconds: number | null;
  /** The child's exit code. */
  readonly exitCode: number;
  /** Bytes written to stdout. */
  readonly stdoutBytes: number;
  /** Newline (0x0A) bytes seen on stdout. */
  readonly stdoutLines: number;
  /** Stdout up to its first newline (at most 4 KiB). */
  readonly firstLine: string;
  /** The whole stdout as text in `capture` mode, else null. */
  readonly stdoutText: string | null;
  /** The whole stderr as text. */
  readonly stderr: string;
}

const GNU_TIME = "/usr/bin/time";
const POLL_INTERVAL_MS = 20;
const FIRST_LINE_LIMIT = 4096;

let cachedMethod: Promise<RssMethod> | undefined;

/**
 * Picks how peak RSS is measured on this machine: GNU time if `/usr/bin/time --version` says so,
 * else `/proc` polling if `/proc/self/status` has `VmHWM`, else none. Cached after the first call.
 */
export function rssMethod(): Promise<RssMethod> {
  cachedMethod ??= detectRssMethod();
  return cachedMethod;
}

async function detectRssMethod(): Promise<RssMethod> {
  try {
    const out = await new Deno.Command(GNU_TIME, {
      args: ["--version"],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
    if (out.success && text.includes("GNU")) return "gnu-time";
  } catch {
    // Not installed: fall through.
  }
  try {
    if (/^VmHWM:/m.test(await Deno.readTextFile("/proc/self/status"))) return "proc-vmhwm";
  } catch {
    // No /proc: fall through.
  }
  return "none";
}

/** Reads `VmHWM` (KiB) from `/proc/<pid>/status`, or null if the process is gone. */
async function readVmHwm(pid: number): Promise<number | null> {
  try {
    const status = await Deno.readTextFile(`/proc/${pid}/status`);
    const match = /^VmHWM:\s+(\d+)\s+kB/m.exec(status);
    return match?.[1] === undefined ? null : Number(match[1]);
  } catch {
    return null;
  }
}

interface Drained {
  bytes: number;
  lines: number;
  firstLine: string;
  text: string | null;
}

/** Reads a stream to its end, counting bytes and newlines; keeps the text if asked. */
async function drain(stream: ReadableStream<Uint8Array>, keepText: boolean): Promise<Drained> {
  let bytes = 0;
  let lines = 0;
  const head: Uint8Array[] = [];
  let headBytes = 0;
  let headDone = false;
  const kept: Uint8Array[] = [];
  for await (const chunk of stream) {
    bytes += chunk.length;
    let at = chunk.indexOf(10);
    if (!headDone) {
      const end = at === -1 ? chunk.length : at;
      const room = FIRST_LINE_LIMIT - headBytes;
      head.push(chunk.subarray(0, Math.min(end, room)));
      headBytes += Math.min(end, room);
      headDone = at !== -1 || headBytes >= FIRST_LINE_LIMIT;
    }
    while (at !== -1) {
      lines++;
      at = chunk.indexOf(10, at + 1);
    }
    if (keepText) kept.push(chunk);
  }
  const decoder = new TextDecoder();
  return {
    bytes,
    lines,
    firstLine: decoder.decode(concat(head)),
    text: keepText ? decoder.decode(concat(kept)) : null,
  };
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const total = parts.reduce((sum, part) => sum + part.length, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/**
 * Runs `spec` as a fresh process with stdout and stderr piped to this process, drains both, and
 * returns wall time, peak RSS and what came out. Never throws for a failing child: check
 * `exitCode`.
 */
export async function runMeasured(spec: RunSpec): Promise<RunResult> {
  const method = await rssMethod();
  let command = spec.command;
  let args = [...spec.args];
  let timeFile: string | undefined;
  if (method === "gnu-time") {
    timeFile = await Deno.makeTempFile({ prefix: "noctra-bench-rss-" });
    args = ["-f", "%M %U %S", "-o", timeFile, command, ...args];
    command = GNU_TIME;
  }

  const started = performance.now();
  const child = new Deno.Command(command, {
    args,
    cwd: spec.cwd,
    ...(spec.env === undefined ? {} : { env: { ...spec.env } }),
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();

  let polledKiB: number | null = null;
  let polling: ReturnType<typeof setInterval> | undefined;
  if (method === "proc-vmhwm") {
    let inFlight = false;
    polling = setInterval(() => {
      if (inFlight) return;
      inFlight = true;
      readVmHwm(child.pid).then((value) => {
        if (value !== null) polledKiB = value;
        inFlight = false;
      });
    }, POLL_INTERVAL_MS);
  }

  const [status, out, err] = await Promise.all([
    child.status,
    drain(child.stdout, spec.stdout === "capture"),
    drain(child.stderr, true),
  ]);
  const wallMs = performance.now() - started;
  if (polling !== undefined) clearInterval(polling);

  let peakRssKiB: number | null = method === "proc-vmhwm" ? polledKiB : null;
  let cpuSeconds: number | null = null;
  if (timeFile !== undefined) {
    // GNU time writes "Command exited with non-zero status N" before the values on failure.
    const lines = (await Deno.readTextFile(timeFile)).trim().split("\n");
    const [rss, user, system] = (lines.at(-1) ?? "").split(" ").map(Number);
    peakRssKiB = rss !== undefined && Number.isFinite(rss) ? rss : null;
    if (user !== undefined && system !== undefined && Number.isFinite(user + system)) {
      cpuSeconds = user + system;
    }
    await Deno.remove(timeFile);
  }

  return {
    wallMs,
    peakRssKiB,
    cpuSeconds,
    exitCode: status.code,
    stdoutBytes: out.bytes,
    stdoutLines: out.lines,
    firstLine: out.firstLine,
    stdoutText: out.text,
    stderr: err.text ?? "",
  };
}
