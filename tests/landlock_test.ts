/**
 * The operating-system layer of the sandbox on Linux: Landlock applied from Deno FFI, then the
 * program re-executed as a child that inherits the domain. Every test runs real processes
 * (`deno run -A tests/_landlock_*.ts`) on this kernel; they are skipped, visibly, only where
 * `landlockAbi()` is 0.
 *
 * Tree (fresh per run): a/ (read: data.csv, db.sqlite), b/ (write), c/ (not granted, except
 * the file rules c/allowed.txt read and c/writable.txt write; secret.txt stays closed).
 */
import { DatabaseSync } from "node:sqlite";
import { fileURLToPath } from "node:url";
import { deepStrictEqual, match, ok, strictEqual } from "node:assert/strict";
import {
  AccessFs,
  denoDir,
  handledAccessFs,
  landlockAbi,
  projectDir,
  runtimeReadPaths,
  runtimeWritePaths,
} from "../src/sandbox/landlock.ts";
import { selfCommand } from "../src/sandbox/reexec.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url)).replace(/\/$/, "");
const ABI = landlockAbi();
const ignore = ABI === 0;

/** Runs `deno run -A tests/<script> …args` from the project root. */
async function deno(
  script: string,
  args: readonly string[],
  env: Record<string, string> = {},
  flags: readonly string[] = ["-A"],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", ...flags, `tests/${script}`, ...args],
    cwd: ROOT,
    env,
    stdin: "null",
  }).output();
  const text = new TextDecoder();
  return { code: out.code, stdout: text.decode(out.stdout), stderr: text.decode(out.stderr) };
}

const tree = Deno.realPathSync(await Deno.makeTempDir({ prefix: "noctra-landlock-" }));
const A = `${tree}/a`, B = `${tree}/b`, C = `${tree}/c`;
for (const dir of [A, B, C]) await Deno.mkdir(dir);
await Deno.writeTextFile(`${A}/data.csv`, "id,name\n1,alpha\n2,beta\n3,gamma\n");
await Deno.writeTextFile(`${C}/secret.txt`, "TOPSECRET-42\n");
await Deno.writeTextFile(`${C}/allowed.txt`, "allowed\n");
await Deno.writeTextFile(`${C}/writable.txt`, "before\n");
{
  const db = new DatabaseSync(`${A}/db.sqlite`);
  db.exec("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1), (2)");
  db.close();
}

/** A process outside the sandbox whose environment holds a secret. */
const outsider = new Deno.Command("sleep", {
  args: ["600"],
  env: { OUTSIDER_SECRET: "ENV-SECRET-7" },
  stdout: "null",
}).spawn();
/** A TCP listener outside the sandbox. */
const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
const accepting = (async () => {
  for await (const conn of listener) conn.close();
})();

type Probe = Record<string, string>;
const probes = new Map<string, Promise<Probe>>();
/** The probe's JSON report, run once per network setting. */
function probe(denyNet: boolean): Promise<Probe> {
  const key = String(denyNet);
  if (!probes.has(key)) {
    const args = [A, B, C, String(outsider.pid), String(listener.addr.port)];
    probes.set(
      key,
      deno("_landlock_probe.ts", denyNet ? [...args, "deny-net"] : args).then((run) => {
        strictEqual(run.code, 0, run.stderr);
        return JSON.parse(run.stdout.trim().split("\n").at(-1)!) as Probe;
      }),
    );
  }
  return probes.get(key)!;
}

function denied(result: string | undefined, pattern = /Permission denied|os error 13/): void {
  ok(result?.startsWith("error: "), `expected a refusal, got ${result}`);
  match(result!, pattern);
}

Deno.test("landlockAbi reports this kernel's Landlock ABI, and 0 without --allow-ffi", async () => {
  ok(Number.isInteger(ABI) && ABI >= 0);
  if (Deno.build.os === "linux") console.log(`Landlock ABI ${ABI}`);
  const run = await deno("_landlock_abi.ts", [], {}, ["--allow-read", "--allow-env"]);
  strictEqual(run.code, 0, run.stderr);
  strictEqual(run.stdout.trim(), "0");
});

Deno.test("handledAccessFs grows with the ABI: REFER at 2, TRUNCATE at 3, IOCTL_DEV at 5", () => {
  strictEqual(handledAccessFs(1), (1n << 13n) - 1n);
  strictEqual(handledAccessFs(2) & AccessFs.REFER, AccessFs.REFER);
  strictEqual(handledAccessFs(2) & AccessFs.TRUNCATE, 0n);
  strictEqual(handledAccessFs(3) & AccessFs.TRUNCATE, AccessFs.TRUNCATE);
  strictEqual(handledAccessFs(4), handledAccessFs(3));
  strictEqual(handledAccessFs(5), (1n << 16n) - 1n);
  strictEqual(handledAccessFs(7), handledAccessFs(5));
});

Deno.test("runtime paths: the Deno executable, DENO_DIR as deno info reports it, the project", async () => {
  const read = runtimeReadPaths();
  const info = await new Deno.Command(Deno.execPath(), { args: ["info", "--json"], cwd: ROOT })
    .output();
  const reported = JSON.parse(new TextDecoder().decode(info.stdout)).denoDir as string;
  strictEqual(denoDir()?.replace(/\/$/, ""), reported.replace(/\/$/, ""));
  strictEqual(projectDir(), ROOT);
  for (const p of [Deno.execPath(), reported.replace(/\/$/, ""), ROOT, "/usr", "/proc"]) {
    ok(read.includes(p), `${p} in ${read}`);
  }
  ok(!read.includes("/etc") && !read.includes("/sys") && !read.includes("/"), String(read));
  const write = runtimeWritePaths();
  ok(write.includes("/dev/null"));
  ok(write.every((p) => p.startsWith("/dev/")), `writes only devices: ${write}`);
});

Deno.test("selfCommand re-runs this deno invocation with its own flags and script", () => {
  const [exe, ...argv] = selfCommand(["x", "--y"]);
  strictEqual(exe, Deno.execPath());
  deepStrictEqual(argv.slice(-2), ["x", "--y"]);
  ok(argv.includes("test") || argv.includes("run"), String(argv));
});

Deno.test({
  name: "sandboxed child: Deno reads a/, cannot write it; writes b/; c/, /etc/hostname closed",
  ignore,
  async fn() {
    const r = await probe(false);
    strictEqual(r["layer"], "ok: landlock");
    strictEqual(r["deno read A"], `ok: ${"id,name\n1,alpha\n2,beta\n3,gamma\n".length}`);
    denied(r["deno write A"], /PermissionDenied/);
    strictEqual(r["deno write B"], "ok: undefined");
    strictEqual(await Deno.readTextFile(`${B}/new.txt`), "x");
    denied(r["deno read /etc/hostname"], /PermissionDenied/);
    denied(r["deno read C"], /PermissionDenied/);
    denied(r["deno list C"], /PermissionDenied/);
    denied(r["deno create in C"], /PermissionDenied/);
    deepStrictEqual(JSON.parse(r["child arguments"]!.slice(4)), [
      A,
      B,
      C,
      String(outsider.pid),
      String(listener.addr.port),
    ]);
  },
});

Deno.test({
  name: "sandboxed child: a rule on a file grants only that file (read or write), none beside it",
  ignore,
  async fn() {
    const r = await probe(false);
    strictEqual(r["deno read file rule"], "ok: allowed\n");
    strictEqual(r["deno write file rule"], "ok: undefined");
    strictEqual(await Deno.readTextFile(`${C}/writable.txt`), "w");
    denied(r["deno read C"]);
  },
});

Deno.test({
  name: "sandboxed child: embedded DuckDB reads a/, COPY TO a/ is refused by the kernel, b/ works",
  ignore,
  async fn() {
    const r = await probe(false);
    strictEqual(r["duckdb count A"], "ok: [[3]]");
    denied(r["duckdb copy to A"], /Cannot open file .*\/a\/x\.csv.*Permission denied/);
    strictEqual(r["duckdb copy to B"], "ok: [[1]]");
    deepStrictEqual((await Deno.readTextFile(`${B}/x.csv`)).trim().split("\n").at(-1), "1");
    ok(!(await exists(`${A}/x.csv`)));
    denied(r["duckdb read /etc/passwd"], /\/etc\/passwd.*Permission denied/);
    denied(r["duckdb read C"], /secret\.txt.*Permission denied/);
  },
});

Deno.test({
  name: "sandboxed child: node:sqlite opens a/db.sqlite read-only, cannot create in a/, can in b/",
  ignore,
  async fn() {
    const r = await probe(false);
    strictEqual(r["sqlite read-only A"], `ok: {"n":2}`);
    denied(r["sqlite create in A"], /unable to open database file/);
    ok(!(await exists(`${A}/created.sqlite`)));
    strictEqual(r["sqlite create in B"], "ok: undefined");
  },
});

Deno.test({
  name: "sandboxed child: TCP connect works by default and is refused with denyNetwork (ABI ≥ 4)",
  ignore: ignore || ABI < 4,
  async fn() {
    strictEqual((await probe(false))["deno connect tcp"], "ok: connected");
    denied((await probe(true))["deno connect tcp"], /PermissionDenied|os error 13/);
  },
});

Deno.test({
  // Measured, not wished: /proc must be readable whole (DuckDB aborts without
  // /proc/self/cgroup, and a rule on /proc/self would name the parent), and Landlock's ptrace
  // rule does not cover /proc/<pid>/environ of same-user processes. Only the DuckDB layer
  // keeps SQL out of /proc. If this starts failing, the kernel closed the gap: update
  // docs/SECURITY.md.
  name: "sandboxed child: another process's /proc/<pid>/environ stays readable (known gap)",
  ignore,
  async fn() {
    match((await probe(false))["deno read environ of unsandboxed process"]!, /^ok: \d+$/);
  },
});

Deno.test({
  name: "re-exec passes the child's exit code through",
  ignore,
  async fn() {
    for (const code of [0, 1, 2, 7]) {
      strictEqual((await deno("_landlock_exit.ts", ["exit", String(code)])).code, code);
    }
  },
});

for (const [signal, code] of [["SIGTERM", 143], ["SIGINT", 130]] as const) {
  Deno.test({
    name: `re-exec forwards ${signal} to the child (no terminal) and exits ${code}`,
    ignore,
    async fn() {
      const parent = new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", "tests/_landlock_exit.ts", "wait"],
        cwd: ROOT,
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      const reader = parent.stdout.pipeThrough(new TextDecoderStream()).getReader();
      let seen = "";
      while (!seen.includes("ready")) {
        const { value, done } = await reader.read();
        if (done) break;
        seen += value;
      }
      strictEqual(seen.trim(), "ready");
      const start = performance.now();
      parent.kill(signal);
      const status = await parent.status;
      await parent.stderr.cancel();
      await reader.cancel();
      strictEqual(status.code, code);
      ok(performance.now() - start < 10_000, "the child stopped at once, not at its timeout");
    },
  });
}

Deno.test({
  name:
    "start-up cost: deno run -A of a DuckDB SELECT 1, plain vs Landlock + re-exec (median of 10)",
  ignore,
  async fn() {
    const median = async (mode: string): Promise<number> => {
      const times: number[] = [];
      for (let i = 0; i < 10; i++) {
        const start = performance.now();
        const run = await deno("_landlock_select1.ts", [], { NOCTRA_BENCH_SANDBOX: mode });
        times.push(performance.now() - start);
        strictEqual(run.code, 0, run.stderr);
        strictEqual(run.stdout.trim(), "1");
      }
      times.sort((x, y) => x - y);
      return (times[4]! + times[5]!) / 2;
    };
    await median(""); // warm Deno's caches
    const plain = await median("");
    const reexec = await median("reexec");
    const sandboxed = await median("landlock");
    console.log(
      `SELECT 1 start-up, median of 10: plain ${plain.toFixed(0)} ms, ` +
        `re-exec without Landlock ${reexec.toFixed(0)} ms, ` +
        `Landlock + re-exec ${sandboxed.toFixed(0)} ms (+${(sandboxed - plain).toFixed(0)} ms)`,
    );
    ok(sandboxed > 0);
  },
});

Deno.test("teardown", async () => {
  outsider.kill("SIGKILL");
  await outsider.status;
  listener.close();
  await accepting.catch(() => {});
  await Deno.remove(tree, { recursive: true });
});

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch {
    return false;
  }
}
