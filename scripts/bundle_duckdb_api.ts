/**
 * Builds `vendor/duckdb-node-api.mjs`: `@duckdb/node-api` (about 120 CommonJS files) bundled by
 * esbuild into one ES module, because Deno's loader pays per CommonJS file: a script running
 * `SELECT 1` on the bundle starts ~35 ms sooner than on the package (`bench/startup.ts`,
 * docs/BENCHMARKS.md).
 * The native binding (`@duckdb/node-bindings`) stays a package import of the pinned version.
 *
 * `deno run -A scripts/bundle_duckdb_api.ts` rewrites the file; `--check` exits 1 when the
 * committed file differs from a fresh build (a test runs this, so the bundle cannot drift from
 * the pin in deno.json).
 *
 * @module
 */
// deno-lint-ignore-file no-import-prefix -- a build script; esbuild is not a runtime dependency
import * as esbuild from "npm:esbuild@0.25.0";
import { fileURLToPath } from "node:url";

/** The `@duckdb/node-api` version bundled; must equal the pin in deno.json. */
export const NODE_API_VERSION = "1.5.5-r.5";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const OUTPUT = `${ROOT}vendor/duckdb-node-api.mjs`;

const BANNER = [
  `// @duckdb/node-api ${NODE_API_VERSION} (MIT licence, DuckDB Labs), bundled into one module by`,
  "// scripts/bundle_duckdb_api.ts with esbuild. Generated: do not edit.",
  `import __duckdbBindings from "npm:@duckdb/node-bindings@${NODE_API_VERSION}";`,
  'import { createRequire as __createRequire } from "node:module";',
  "const __nodeRequire = __createRequire(import.meta.url);",
  'const require = (name) => name === "@duckdb/node-bindings" ? __duckdbBindings : __nodeRequire(name);',
].join("\n");

/** The bundle's text, built from the package in Deno's npm cache. */
export async function buildBundle(): Promise<string> {
  const entry = fileURLToPath(
    import.meta.resolve(`npm:@duckdb/node-api@${NODE_API_VERSION}`),
  );
  const result = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    platform: "node",
    format: "esm",
    external: ["@duckdb/node-bindings"],
    banner: { js: BANNER },
    write: false,
    legalComments: "inline",
    logLevel: "silent",
  });
  await esbuild.stop();
  const text = result.outputFiles[0]!.text;
  // esbuild names modules by their path, which depends on where Deno keeps npm packages:
  // keep only the part inside the package, so every machine builds the same text.
  return text.replaceAll(
    /[^"\s]*node_modules\/(?:[^"\s]*\/)?@duckdb\/node-api\//g,
    "@duckdb/node-api/",
  );
}

if (import.meta.main) {
  const fresh = await buildBundle();
  if (Deno.args.includes("--check")) {
    let committed = "";
    try {
      committed = await Deno.readTextFile(OUTPUT);
    } catch { /* missing */ }
    if (committed !== fresh) {
      console.error(
        `${OUTPUT} differs from a fresh build: run deno run -A scripts/bundle_duckdb_api.ts`,
      );
      Deno.exit(1);
    }
    console.log("vendor/duckdb-node-api.mjs matches a fresh build");
  } else {
    await Deno.writeTextFile(OUTPUT, fresh);
    console.log(`wrote ${OUTPUT} (${fresh.length} characters)`);
  }
}
