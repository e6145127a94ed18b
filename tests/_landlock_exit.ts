/**
 * Exit codes and signals through the re-exec, for tests/landlock_test.ts. The parent confines
 * itself (runtime paths only) and re-executes; the child, given `exit N`, exits with N; given
 * `wait`, prints `ready` and waits to be stopped by a signal (its default action).
 */
import { runSandboxedChild, sandboxedChildLayer } from "../src/sandbox/reexec.ts";

if (sandboxedChildLayer() === undefined) {
  Deno.exit(await runSandboxedChild(Deno.args, { read: [], write: [] }));
}
const [mode, code] = Deno.args;
if (mode === "exit") Deno.exit(Number(code));
console.log("ready");
await new Promise((resolve) => setTimeout(resolve, 60_000));
Deno.exit(99);
