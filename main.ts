/**
 * The `noctra` executable: runs the launcher (arguments, sandbox, then the session) and exits
 * with its code.
 *
 * @module
 */
import { launch } from "./src/cli/launch.ts";

if (import.meta.main) {
  Deno.exit(await launch(Deno.args));
}
