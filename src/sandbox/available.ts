/**
 * Which operating-system sandbox layer this system offers — in a module without Node built-ins,
 * so that `noctra --help` can name it without loading the rest of the sandbox code.
 *
 * @module
 */
import { landlockAbi } from "./landlock.ts";
import { seatbeltAvailable } from "./seatbelt.ts";

/** The layers that can enforce a sandbox (policy.ts documents them). */
type Layer = "landlock" | "seatbelt" | "duckdb-only";

/** Environment variable that forces the `duckdb-only` layer (tests compare the layers). */
export const FORCE_LAYER_ENV = "NOCTRA_SANDBOX_LAYER";

/**
 * The operating-system layer available on this machine, or `duckdb-only` — also when
 * `NOCTRA_SANDBOX_LAYER=duckdb-only` asks for it (to compare the layers, or where the kernel
 * layer misbehaves).
 */
export function availableLayer(): Layer {
  try {
    if (Deno.env.get(FORCE_LAYER_ENV) === "duckdb-only") return "duckdb-only";
  } catch { /* no env access: no override */ }
  if (landlockAbi() > 0) return "landlock";
  if (seatbeltAvailable()) return "seatbelt";
  return "duckdb-only";
}
