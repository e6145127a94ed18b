/**
 * The `noctra` executable: runs the CLI and exits with its code.
 *
 * @module
 */
import { runCli } from "./src/cli/cli.ts";

if (import.meta.main) {
  Deno.exit(await runCli(Deno.args));
}
