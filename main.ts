/**
 * The `noctra` executable: runs the launcher (arguments, sandbox, then the session) and exits
 * with its code. `noctra --version` or `--help` alone is answered here, before the rest loads.
 *
 * @module
 */
import { versionText } from "./src/version.ts";

/**
 * Imports a module of this program by a specifier Deno cannot read before running: Deno walks
 * every statically written `import("…")` when it starts, which cost `--version` 4–5 ms; now it
 * starts as an empty script does (bench/startup.ts: 18 ms vs 17 ms). `deno compile` must then be
 * told to embed these modules (`--include`).
 */
function load<Module>(path: string): Promise<Module> {
  return import(new URL(path, import.meta.url).href);
}

if (import.meta.main) {
  const args = Deno.args;
  if (args.length === 1 && (args[0] === "--version" || args[0] === "-V")) {
    Deno.stdout.writeSync(new TextEncoder().encode(versionText()));
    Deno.exit(0);
  }
  if (args.length === 1 && (args[0] === "--help" || args[0] === "-h")) {
    const { helpOutput } = await load<typeof import("./src/cli/help.ts")>("./src/cli/help.ts");
    Deno.stdout.writeSync(new TextEncoder().encode(await helpOutput()));
    Deno.exit(0);
  }
  const { launch } = await load<typeof import("./src/cli/launch.ts")>("./src/cli/launch.ts");
  Deno.exit(await launch(args));
}
