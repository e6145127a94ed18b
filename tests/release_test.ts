/**
 * What the release builds on: the smoke script (run here against `deno run -A main.ts`, in the
 * release workflow against each compiled binary), the per-target include/exclude list of
 * `deno task compile`, its one-line message without `denort`, and the versions `--version` names.
 */
import { deepStrictEqual, match, strictEqual } from "node:assert/strict";
import { fileURLToPath } from "node:url";
import {
  bindingPackageFor,
  compileArgs,
  denortProblem,
  excludedPackages,
  outputName,
  TARGETS,
} from "../scripts/compile.ts";
import { DUCKDB_VERSION, VERSION } from "../src/version.ts";
import { DuckDBInstance } from "../src/engine/duckdb_api.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));

async function run(command: string, args: string[], env: Record<string, string> = {}) {
  const output = await new Deno.Command(command, {
    args,
    cwd: ROOT,
    env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

Deno.test("the smoke script passes against deno run -A main.ts", async () => {
  const result = await run("bash", ["scripts/smoke.sh", Deno.execPath(), "run", "-A", "main.ts"]);
  strictEqual(result.code, 0, result.stdout + result.stderr);
  strictEqual(result.stdout.includes("FAIL"), false, result.stdout);
  // Every check ran here (Linux has util-linux `script` for the pseudo-terminal).
  match(result.stdout, /^# 10 passed, 0 failed, 0 skipped$/m);
});

Deno.test("the smoke script fails when the program does not work", async () => {
  const result = await run("bash", ["scripts/smoke.sh", "false"]);
  strictEqual(result.code, 1);
  match(result.stdout, /^FAIL - version: exit 1, expected 0/m);
  match(result.stdout, /^# 0 passed, 10 failed, 0 skipped$/m);
});

Deno.test("each target embeds only its own DuckDB binding and no build tools", () => {
  const installed = [
    "@action-validator+cli@0.6.0",
    "@duckdb+node-api@1.5.5-r.5",
    "@duckdb+node-bindings-linux-x64-musl@1.5.5-r.5",
    "@duckdb+node-bindings-linux-x64@1.5.5-r.5",
    "@duckdb+node-bindings-linux-arm64@1.5.5-r.5",
    "@duckdb+node-bindings-darwin-arm64@1.5.5-r.5",
    "@duckdb+node-bindings@1.5.5-r.5",
    "@esbuild+linux-x64@0.25.0",
    "@types+node@25.9.9",
    "apache-arrow@21.2.0",
    "esbuild@0.25.0",
    "smol-toml@1.9.1",
    "undici-types@7.24.6",
  ];
  const buildOnly = [
    "@action-validator+cli@0.6.0",
    "@esbuild+linux-x64@0.25.0",
    "@types+node@25.9.9",
    "esbuild@0.25.0",
    "undici-types@7.24.6",
  ];
  deepStrictEqual(
    excludedPackages("x86_64-unknown-linux-gnu", installed).sort(),
    [
      "@duckdb+node-bindings-darwin-arm64@1.5.5-r.5",
      "@duckdb+node-bindings-linux-arm64@1.5.5-r.5",
      "@duckdb+node-bindings-linux-x64-musl@1.5.5-r.5",
      ...buildOnly,
    ].sort(),
  );
  deepStrictEqual(
    excludedPackages("aarch64-apple-darwin", installed).sort(),
    [
      "@duckdb+node-bindings-linux-arm64@1.5.5-r.5",
      "@duckdb+node-bindings-linux-x64-musl@1.5.5-r.5",
      "@duckdb+node-bindings-linux-x64@1.5.5-r.5",
      ...buildOnly,
    ].sort(),
  );
  deepStrictEqual(TARGETS.map(bindingPackageFor), [
    "@duckdb/node-bindings-linux-x64",
    "@duckdb/node-bindings-linux-arm64",
    "@duckdb/node-bindings-darwin-x64",
    "@duckdb/node-bindings-darwin-arm64",
    "@duckdb/node-bindings-win32-x64",
  ]);
  strictEqual(outputName("x86_64-pc-windows-msvc"), "noctra-x86_64-pc-windows-msvc.exe");
  const args = compileArgs("x86_64-unknown-linux-gnu", installed);
  for (const flag of ["-A", "--self-extracting", "main.ts"]) strictEqual(args.includes(flag), true);
  strictEqual(args.join(" ").includes("--include src/cli/launch.ts"), true);
  strictEqual(
    args.join(" ").includes("--exclude node_modules/.deno/@duckdb+node-bindings-linux-x64-musl@"),
    true,
  );
});

Deno.test("deno task compile without denort says so in one line and exits 1", async () => {
  const result = await run(Deno.execPath(), [
    "run",
    "-A",
    "scripts/compile.ts",
    "--target",
    "x86_64-unknown-linux-gnu",
  ], { DENORT_BIN: `${ROOT}no-such-denort` });
  strictEqual(result.code, 1);
  deepStrictEqual(result.stderr.trim().split("\n"), [
    `compile: x86_64-unknown-linux-gnu: DENORT_BIN=${ROOT}no-such-denort is not a usable denort (no such file); point DENORT_BIN at a denort of Deno ${Deno.version.deno} for the target`,
  ]);
  match(
    denortProblem("error sending request for url (https://dl.deno.land/…): dns error", undefined)!,
    /^deno compile could not download denort .* set DENORT_BIN=/,
  );
  strictEqual(denortProblem("error: Module not found", undefined), null);
});

Deno.test("the workflow files pass GitHub's schema, and the validator catches a broken one", async () => {
  const validate = (path: string) =>
    run(Deno.execPath(), ["run", "-A", "npm:@action-validator/cli@0.6.0", path]);
  for (const workflow of [".github/workflows/ci.yml", ".github/workflows/release.yml"]) {
    const result = await validate(workflow);
    strictEqual(result.code, 0, `${workflow}: ${result.stdout}${result.stderr}`);
  }
  const broken = await Deno.makeTempFile({ suffix: ".yml" });
  const ci = await Deno.readTextFile(`${ROOT}.github/workflows/ci.yml`);
  await Deno.writeTextFile(broken, ci.replace("steps:", "stepz:"));
  const result = await validate(broken);
  await Deno.remove(broken);
  strictEqual(result.code, 1);
  match(result.stdout + result.stderr, /"errors"/);
});

Deno.test("deno install --global gives a noctra that runs with the network cut off", async () => {
  const root = await Deno.makeTempDir({ prefix: "noctra-install-" });
  try {
    const install = await run(Deno.execPath(), [
      "install",
      "--global",
      "-A",
      "-n",
      "noctra",
      "--root",
      root,
      "main.ts",
    ]);
    strictEqual(install.code, 0, install.stderr);
    const shim = `${root}/bin/noctra`;
    // Any attempt to reach the npm registry or the web fails: every request goes to a dead proxy.
    const offline = {
      HTTPS_PROXY: "http://127.0.0.1:9",
      HTTP_PROXY: "http://127.0.0.1:9",
      XDG_STATE_HOME: root,
      XDG_CONFIG_HOME: root,
    };
    const result = await run(shim, [
      "--no-restore",
      "--format",
      "csv",
      "-c",
      "SELECT count(*) AS n FROM 'fixtures/penguins.parquet'",
    ], offline);
    deepStrictEqual({ code: result.code, stdout: result.stdout }, { code: 0, stdout: "n\n344\n" });
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("--version names the versions that really run", async () => {
  const config = await Deno.readTextFile(`${ROOT}deno.json`);
  strictEqual(/"version":\s*"([^"]+)"/.exec(config)?.[1], VERSION);
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  const reader = await connection.runAndReadAll("SELECT version()");
  strictEqual(String(reader.getRows()[0]![0]), `v${DUCKDB_VERSION}`);
  connection.closeSync();
  instance.closeSync();
});
