/**
 * `deno task compile [--target T]…`: builds `dist/noctra-<target>[.exe]` with `deno compile`, one
 * self-contained executable per target, each carrying only its own DuckDB binding.
 *
 * - Targets: {@link TARGETS}; none given = all five. `deno compile` cross-compiles the
 *   JavaScript, but the DuckDB binding (`duckdb.node` and its sibling `libduckdb`) comes from the
 *   npm package of the target's platform, which is installed only on that platform (Deno
 *   installs the optional `@duckdb/node-bindings-*` package of the host): a target whose binding
 *   package is not in `node_modules/.deno/` is refused with a message saying to build it on that
 *   platform (the release workflow builds each target on its own runner).
 * - `--self-extracting`: `deno compile` embeds `duckdb.node` but not `libduckdb.so/.dylib/.dll`
 *   beside it (denoland/deno#29203); a self-extracting binary unpacks its whole file tree on first
 *   run, so the library is found next to the addon. docs/INSTALL.md says where and what happens
 *   when that place is read-only or full.
 * - What is embedded: the module graph of main.ts, the two modules main.ts loads by a computed
 *   specifier (`--include`, see main.ts), and the project's `node_modules/` minus every package the
 *   target does not run: other platforms' bindings (the glibc target must not carry the musl
 *   `libduckdb.so`, 70 MB) and build- or check-time tools (esbuild, the workflow validator) —
 *   {@link excludedPackages}.
 * - Permissions: `-A`. DuckDB runs as native code through Node-API: Deno's permission checks
 *   never see its file or network access, so a narrower Deno permission set would confine only
 *   Noctra's own TypeScript and promise a boundary that is not there. Noctra's own confinement
 *   (`--sandbox`, `--allow-read`, `--allow-write`: Landlock on Linux, Seatbelt on macOS, plus
 *   DuckDB's own settings) is the boundary, as docs/SECURITY.md describes; it needs `run` (to
 *   start itself confined), `ffi` (Landlock system calls), `env`, `sys`, `read`, `write`.
 * - `denort`: `deno compile` downloads Deno's runtime for the target unless `DENORT_BIN` names a
 *   local copy. When neither works, the task says so in one line and exits 1.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

/** The five release targets, as `deno compile --target` names them. */
export const TARGETS = [
  "x86_64-unknown-linux-gnu",
  "aarch64-unknown-linux-gnu",
  "x86_64-apple-darwin",
  "aarch64-apple-darwin",
  "x86_64-pc-windows-msvc",
] as const;

/** One of {@link TARGETS}. */
export type Target = typeof TARGETS[number];

/** Modules main.ts imports by a computed specifier, which `deno compile` must be told about. */
export const LAZY_MODULES: readonly string[] = ["src/cli/launch.ts", "src/cli/help.ts"];

/** npm packages needed only to build (never imported when Noctra runs). */
const BUILD_ONLY_PACKAGES = [
  /^esbuild@/,
  /^@esbuild\+/,
  /^@types\+/,
  /^undici-types@/,
  /^@action-validator\+/,
  /^chalk@/,
];

/**
 * The `@duckdb/node-bindings-*` package a target runs, e.g. `node-bindings-linux-x64` for
 * `x86_64-unknown-linux-gnu` (glibc; the `-musl` package is for musl systems such as Alpine).
 */
export function bindingPackageFor(target: Target): string {
  const cpu = target.startsWith("aarch64-") ? "arm64" : "x64";
  const platform = target.includes("-linux-")
    ? "linux"
    : target.includes("-darwin")
    ? "darwin"
    : "win32";
  return `@duckdb/node-bindings-${platform}-${cpu}`;
}

/**
 * The directories of `node_modules/.deno/` to leave out of `target`'s executable: every
 * platform's DuckDB binding but the target's own, and the build-time packages.
 *
 * @param installed the entry names of `node_modules/.deno/` (e.g.
 *   `@duckdb+node-bindings-linux-x64-musl@1.5.5-r.5`).
 * @returns the entries to exclude, in the order given.
 */
export function excludedPackages(target: Target, installed: readonly string[]): string[] {
  const own = bindingPackageFor(target).replace("/", "+");
  return installed.filter((entry) => {
    if (BUILD_ONLY_PACKAGES.some((pattern) => pattern.test(entry))) return true;
    const binding = /^(@duckdb\+node-bindings-[^@]+)@/.exec(entry);
    return binding !== null && binding[1] !== own;
  });
}

/** The `dist/` file name of a target's executable. */
export function outputName(target: Target): string {
  return `noctra-${target}${target.includes("windows") ? ".exe" : ""}`;
}

/**
 * The `deno compile` arguments for `target`, paths relative to the project root.
 *
 * @param installed the entry names of `node_modules/.deno/`.
 */
export function compileArgs(target: Target, installed: readonly string[]): string[] {
  return [
    "compile",
    "-A",
    "--self-extracting",
    "--target",
    target,
    ...LAZY_MODULES.flatMap((module) => ["--include", module]),
    ...excludedPackages(target, installed).flatMap((entry) => [
      "--exclude",
      `node_modules/.deno/${entry}`,
    ]),
    "--output",
    `dist/${outputName(target)}`,
    "main.ts",
  ];
}

/**
 * Why `deno compile` failed, in one line, when the cause is the runtime it embeds (`denort`), or
 * null for any other failure.
 *
 * @param stderr what `deno compile` printed.
 * @param denortBin the `DENORT_BIN` in force, if any.
 */
export function denortProblem(stderr: string, denortBin: string | undefined): string | null {
  if (denortBin !== undefined && denortBin !== "" && /denort/i.test(stderr)) {
    return `DENORT_BIN=${denortBin} is not a usable denort (${
      /Could not find denort/i.test(stderr) ? "no such file" : "deno compile refused it"
    }); point DENORT_BIN at a denort of Deno ${Deno.version.deno} for the target`;
  }
  if (/dl\.deno\.land|denort-|dns error|error sending request/i.test(stderr)) {
    return `deno compile could not download denort (Deno's runtime for compiled programs) from dl.deno.land; set DENORT_BIN=/path/to/denort (Deno ${Deno.version.deno}, for the target) and run again`;
  }
  return null;
}

if (import.meta.main) {
  const root = fileURLToPath(new URL("../", import.meta.url));
  const { values } = parseArgs({
    args: Deno.args,
    options: { target: { type: "string", multiple: true } },
  });
  const wanted = (values.target ?? [...TARGETS]) as string[];
  const unknown = wanted.filter((target) => !(TARGETS as readonly string[]).includes(target));
  if (unknown.length > 0) {
    console.error(
      `compile: unknown target ${unknown.join(", ")}; the targets: ${TARGETS.join(", ")}`,
    );
    Deno.exit(2);
  }
  const installed: string[] = [];
  try {
    for await (const entry of Deno.readDir(`${root}node_modules/.deno`)) installed.push(entry.name);
  } catch {
    console.error("compile: no node_modules/.deno: run `deno install` first");
    Deno.exit(1);
  }
  installed.sort();
  await Deno.mkdir(`${root}dist`, { recursive: true });
  let failed = false;
  for (const target of wanted as Target[]) {
    const binding = bindingPackageFor(target).replace("/", "+");
    if (!installed.some((entry) => entry.startsWith(`${binding}@`))) {
      console.error(
        `compile: ${target}: its DuckDB binding (${
          bindingPackageFor(target)
        }) is not installed here; build this target on its own platform (the release workflow does)`,
      );
      failed = true;
      continue;
    }
    const output = await new Deno.Command(Deno.execPath(), {
      args: compileArgs(target, installed),
      cwd: root,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(output.stderr);
    if (!output.success) {
      const denort = denortProblem(stderr, Deno.env.get("DENORT_BIN"));
      console.error(`compile: ${target}: ${denort ?? stderr.trim().split("\n").at(-1)}`);
      failed = true;
      continue;
    }
    const size = (await Deno.stat(`${root}dist/${outputName(target)}`)).size;
    console.log(`compile: dist/${outputName(target)} (${(size / 1e6).toFixed(1)} MB)`);
  }
  Deno.exit(failed ? 1 : 0);
}
