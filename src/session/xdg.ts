/**
 * XDG base directories (specifications.freedesktop.org/basedir-spec): where Noctra keeps its
 * state (history, source registry) and reads its configuration.
 *
 * @module
 */
import { join } from "node:path";

/**
 * `$XDG_STATE_HOME/noctra/<name>` (default `~/.local/state/noctra/<name>`) for `"state"`,
 * `$XDG_CONFIG_HOME/noctra/<name>` (default `~/.config/noctra/<name>`) for `"config"`.
 * Undefined when the environment may not be read (no `--allow-env`: asking would prompt) or names
 * no home directory.
 */
export function noctraPath(kind: "state" | "config", name: string): string | undefined {
  try {
    if (Deno.permissions.querySync({ name: "env" }).state !== "granted") return undefined;
    const home = Deno.env.get("HOME") ?? Deno.env.get("USERPROFILE");
    const base = kind === "state"
      ? Deno.env.get("XDG_STATE_HOME") ||
        (home === undefined ? undefined : join(home, ".local", "state"))
      : Deno.env.get("XDG_CONFIG_HOME") || (home === undefined ? undefined : join(home, ".config"));
    return base === undefined ? undefined : join(base, "noctra", name);
  } catch {
    return undefined;
  }
}
