/**
 * The `noctra` executable: runs the launcher (arguments, sandbox, then the session) and exits
 * with its code. `noctra --version` or `--help` alone is answered here, before the rest loads.
 *
 * @module
 */
import { VERSION } from "./src/version.ts";

if (import.meta.main) {
  const args = Deno.args;
  if (args.length === 1 && (args[0] === "--version" || args[0] === "-V")) {
    Deno.stdout.writeSync(new TextEncoder().encode(`noctra ${VERSION}\n`));
    Deno.exit(0);
  }
  if (args.length === 1 && (args[0] === "--help" || args[0] === "-h")) {
    const { helpOutput } = await import("./src/cli/help.ts");
    Deno.stdout.writeSync(new TextEncoder().encode(await helpOutput()));
    Deno.exit(0);
  }
  const { launch } = await import("./src/cli/launch.ts");
  Deno.exit(await launch(args));
}
