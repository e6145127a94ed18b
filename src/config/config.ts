/**
 * `Config`: Noctra's settings from defaults, the TOML file, the environment, flags and `SET`,
 * with the source of every effective value.
 *
 * Search order for the file: `--config PATH`, else `$XDG_CONFIG_HOME/noctra/config.toml`
 * (default `~/.config/noctra/config.toml`); a missing default file is an empty configuration.
 * Precedence of a key's value: `SET` in the session > flag > environment (`NOCTRA_THREADS`,
 * `NOCTRA_MEMORY_LIMIT`) > file > default. Parsed with `npm:smol-toml`.
 *
 * @module
 */
// deno-lint-ignore-file no-import-prefix -- mod.ts imports without deno.json (tests/library_test.ts)
import { parse, TomlError } from "npm:smol-toml@1.9.1";
import { noctraPath } from "../session/xdg.ts";
import { EXIT_USAGE, NoctraError } from "../errors.ts";
import { closestKey, type ConfigValue, KEYS, type KeySpec, keySpec } from "./schema.ts";

/** Where an effective value came from. */
export type ConfigSource = "default" | "file" | "env" | "flag" | "SET";

/** A bad configuration: exit code 2, message names the file, key and allowed values. */
export class ConfigError extends NoctraError {
  /**
   * A configuration error with exit code 2.
   *
   * @param message one line naming the file, key and allowed values.
   */
  constructor(message: string) {
    super(message, EXIT_USAGE);
    this.name = "ConfigError";
  }
}

/** Options of {@link Config.load}. */
export interface ConfigLoadOptions {
  /** `--config PATH`: this file must exist. */
  readonly path?: string | undefined;
  /** Values from flags, by full key, as text or typed values. */
  readonly flags?: Readonly<Record<string, ConfigValue>>;
  /** Environment to read `NOCTRA_THREADS`/`NOCTRA_MEMORY_LIMIT` from (default: the process's). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** One effective setting, as `SHOW CONFIG` lists it. */
export interface ConfigEntry {
  /** Fully qualified key, e.g. `duckdb.performance.base_threads`. */
  readonly key: string;
  /** The value in force. */
  readonly value: ConfigValue;
  /** Where it came from: default, file, environment, flag or `SET`. */
  readonly source: ConfigSource;
}

const ENVIRONMENT: Readonly<Record<string, string>> = {
  NOCTRA_THREADS: "duckdb.performance.base_threads",
  NOCTRA_MEMORY_LIMIT: "duckdb.performance.memory_limit",
};

/** The effective configuration of a session. */
export class Config {
  /** The file that was read, or undefined when none. */
  readonly path: string | undefined;
  readonly #layers: Layers;
  readonly #listeners: ((key: string, value: ConfigValue) => void | Promise<void>)[] = [];

  private constructor(path: string | undefined, layers: Layers) {
    this.path = path;
    this.#layers = layers;
  }

  /** Defaults only (the library's default; nothing is read). */
  static defaults(): Config {
    return new Config(undefined, emptyLayers());
  }

  /**
   * Reads the file, environment and flags. Throws {@link ConfigError} (exit 2) for malformed TOML
   * (with line and column), an unknown key (with the closest known key), a wrong type or an
   * out-of-range value, or an unreadable file.
   */
  static load(options: ConfigLoadOptions = {}): Config {
    const layers = emptyLayers();
    const path = options.path ?? defaultConfigPath();
    if (path !== undefined) {
      let text: string | undefined;
      try {
        // Opening a FIFO waits for a writer, possibly forever: only regular files are read.
        // /dev/null (an empty configuration) is a character device and fine.
        const info = Deno.statSync(path);
        if (info.isFifo || info.isSocket) {
          throw new ConfigError(
            `config ${path}: a FIFO or socket, not a file; pass a regular TOML file (or /dev/null for none)`,
          );
        }
        text = Deno.readTextFileSync(path);
      } catch (error) {
        if (error instanceof ConfigError) throw error;
        // The default file may be absent — or, under scoped Deno permissions, unreadable.
        const absent = error instanceof Deno.errors.NotFound ||
          (options.path === undefined && error instanceof Deno.errors.NotCapable);
        if (!absent || options.path !== undefined) {
          const reason = error instanceof Deno.errors.NotFound
            ? "no such file"
            : error instanceof Deno.errors.IsADirectory
            ? "is a directory"
            : error instanceof Deno.errors.PermissionDenied ||
                error instanceof Deno.errors.NotCapable
            ? "permission denied"
            : (error as Error).message;
          throw new ConfigError(`config ${path}: cannot read it (${reason})`);
        }
      }
      if (text !== undefined) {
        for (const [key, value] of parseConfigText(text, path)) layers.file.set(key, value);
      }
    }
    const env = options.env ?? readEnvironment();
    for (const [name, key] of Object.entries(ENVIRONMENT)) {
      const raw = env[name];
      if (raw !== undefined && raw !== "") {
        layers.env.set(key, validate(keySpec(key)!, raw, `environment ${name}`));
      }
    }
    for (const [key, value] of Object.entries(options.flags ?? {})) {
      const spec = keySpec(key);
      if (spec === undefined) throw new ConfigError(`unknown configuration key ${key}`);
      layers.flag.set(spec.key, validate(spec, value, "flag"));
    }
    return new Config(path !== undefined && existsSync(path) ? path : undefined, layers);
  }

  /** The effective value of `key`. Throws {@link ConfigError} for an unknown key. */
  get(key: string): ConfigValue {
    return this.entry(key).value;
  }

  /** Effective value and source of `key`. */
  entry(key: string): ConfigEntry {
    const spec = requireSpec(key);
    for (const source of ["SET", "flag", "env", "file"] as const) {
      const value = this.#layers[source].get(spec.key);
      if (value !== undefined) return { key: spec.key, value, source };
    }
    const value = typeof spec.defaultValue === "function" ? spec.defaultValue() : spec.defaultValue;
    return { key: spec.key, value, source: "default" };
  }

  /** Every key with its effective value and source, in documentation order. */
  entries(): ConfigEntry[] {
    return KEYS.map((spec) => this.entry(spec.key));
  }

  /** True when `key` names a Noctra setting (so `SET key = …` is Noctra's, not DuckDB's). */
  static isKey(key: string): boolean {
    return keySpec(key) !== undefined;
  }

  /** `SET key = value` in a session: validates, then tells the listeners. */
  async set(key: string, value: ConfigValue): Promise<ConfigEntry> {
    const spec = requireSpec(key);
    this.#layers.SET.set(spec.key, validate(spec, value, "SET"));
    await this.#notify(spec.key);
    return this.entry(spec.key);
  }

  /** `RESET key`: drops the session's value; the flag/env/file/default value applies again. */
  async reset(key: string): Promise<ConfigEntry> {
    const spec = requireSpec(key);
    this.#layers.SET.delete(spec.key);
    await this.#notify(spec.key);
    return this.entry(spec.key);
  }

  /** Calls `listener(key, value)` whenever `SET`/`RESET` changes a key. */
  onChange(listener: (key: string, value: ConfigValue) => void | Promise<void>): void {
    this.#listeners.push(listener);
  }

  async #notify(key: string): Promise<void> {
    const value = this.get(key);
    for (const listener of this.#listeners) await listener(key, value);
  }
}

type Layers = Record<Exclude<ConfigSource, "default">, Map<string, ConfigValue>>;

function emptyLayers(): Layers {
  return { SET: new Map(), flag: new Map(), env: new Map(), file: new Map() };
}

function requireSpec(key: string): KeySpec {
  const spec = keySpec(key);
  if (spec === undefined) {
    throw new ConfigError(`unknown configuration key ${key}; did you mean ${closestKey(key)}?`);
  }
  return spec;
}

/** `$XDG_CONFIG_HOME/noctra/config.toml`, default `~/.config/noctra/config.toml`. */
export function defaultConfigPath(): string | undefined {
  return noctraPath("config", "config.toml");
}

function readEnvironment(): Record<string, string | undefined> {
  try {
    if (Deno.permissions.querySync({ name: "env" }).state !== "granted") return {};
    return Object.fromEntries(Object.keys(ENVIRONMENT).map((name) => [name, Deno.env.get(name)]));
  } catch {
    return {};
  }
}

function existsSync(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Parses and validates a config file's text. Returns `[full key, value]` pairs. Throws
 * {@link ConfigError} naming `path`, the line and column of a syntax error, or the key.
 */
export function parseConfigText(text: string, path: string): [string, ConfigValue][] {
  let document: Record<string, unknown>;
  try {
    document = parse(text) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof TomlError) {
      const reason = error.message.split("\n")[0]!.replace(/^Invalid TOML document: /, "");
      throw new ConfigError(
        `config ${path}:${error.line}:${error.column}: malformed TOML: ${reason}`,
      );
    }
    throw new ConfigError(`config ${path}: malformed TOML: ${(error as Error).message}`);
  }
  const found: [string, ConfigValue][] = [];
  const walk = (node: Record<string, unknown>, prefix: string) => {
    for (const [name, value] of Object.entries(node)) {
      const key = prefix === "" ? name : `${prefix}.${name}`;
      if (
        typeof value === "object" && value !== null && !Array.isArray(value) &&
        !(value instanceof Date)
      ) {
        if (!KEYS.some((spec) => spec.key.startsWith(key + "."))) {
          throw new ConfigError(
            `config ${path}: unknown section [${key}]; did you mean ${closestKey(key)}?`,
          );
        }
        walk(value as Record<string, unknown>, key);
        continue;
      }
      const spec = keySpec(key);
      if (spec === undefined) {
        throw new ConfigError(
          `config ${path}: unknown key ${key}; did you mean ${closestKey(key)}?`,
        );
      }
      found.push([spec.key, validate(spec, value, `config ${path}`)]);
    }
  };
  walk(document, "");
  return found;
}

/** Checks and converts a value for `spec`; `origin` names where it came from for the message. */
export function validate(spec: KeySpec, value: unknown, origin: string): ConfigValue {
  const fail = (expected: string): never => {
    throw new ConfigError(
      `${origin}: ${spec.key} = ${JSON.stringify(value)}: expected ${expected}`,
    );
  };
  const text = typeof value === "string" ? value.trim() : value;
  switch (spec.type) {
    case "integer":
    case "number": {
      const number = typeof text === "number"
        ? text
        : typeof text === "bigint"
        ? Number(text)
        : typeof text === "string" && /^[-+]?\d+(\.\d+)?$/.test(text)
        ? Number(text)
        : Number.NaN;
      const range = `${
        spec.type === "integer" ? "a whole number" : "a number"
      } from ${spec.min} to ${spec.max}`;
      if (!Number.isFinite(number) || (spec.type === "integer" && !Number.isInteger(number))) {
        fail(range);
      }
      if (
        (spec.min !== undefined && number < spec.min) ||
        (spec.max !== undefined && number > spec.max)
      ) fail(range);
      return number;
    }
    case "boolean":
      if (typeof text === "boolean") return text;
      if (text === "true" || text === "false") return text === "true";
      return fail("true or false");
    case "enum":
      if (typeof text === "string" && spec.values!.includes(text.toLowerCase())) {
        return text.toLowerCase();
      }
      return fail(`one of ${spec.values!.join(", ")}`);
    case "memory":
      if (typeof text === "string" && parseMemory(text) !== undefined) return text;
      return fail('a size like "16GB" or "512MB", or a share of physical memory like "80%"');
    case "string":
      if (typeof text === "string") return text;
      return fail("a string");
  }
}

const UNITS: Readonly<Record<string, number>> = {
  B: 1,
  KB: 1e3,
  MB: 1e6,
  GB: 1e9,
  TB: 1e12,
  KIB: 2 ** 10,
  MIB: 2 ** 20,
  GIB: 2 ** 30,
  TIB: 2 ** 40,
};

/**
 * A memory setting: `{ percent }` for "80%", `{ bytes }` for "16GB"/"512 MiB"; undefined when
 * it is neither.
 */
export function parseMemory(text: string): { percent: number } | { bytes: number } | undefined {
  const percent = /^(\d+(?:\.\d+)?)\s*%$/.exec(text);
  if (percent) {
    const value = Number(percent[1]);
    return value > 0 && value <= 100 ? { percent: value } : undefined;
  }
  const size = /^(\d+(?:\.\d+)?)\s*([A-Za-z]+)$/.exec(text);
  const unit = size ? UNITS[size[2]!.toUpperCase()] : undefined;
  if (!size || unit === undefined) return undefined;
  const bytes = Number(size[1]) * unit;
  return bytes >= 1e6 ? { bytes } : undefined;
}

/**
 * The `memory_limit` DuckDB accepts for a setting: percentages are converted to megabytes of
 * physical memory (DuckDB rejects "80%"). `totalBytes` is the machine's physical memory.
 */
export function duckdbMemoryLimit(text: string, totalBytes: number): string {
  const parsed = parseMemory(text);
  if (parsed === undefined) throw new ConfigError(`memory_limit ${text}: not a size or a share`);
  const bytes = "percent" in parsed ? totalBytes * parsed.percent / 100 : parsed.bytes;
  return `${Math.max(1, Math.floor(bytes / 1e6))}MB`;
}

/** Physical memory in bytes (Deno.systemMemoryInfo, else /proc/meminfo), or undefined. */
export function physicalMemoryBytes(): number | undefined {
  try {
    if (Deno.permissions.querySync({ name: "sys", kind: "systemMemoryInfo" }).state === "granted") {
      return Deno.systemMemoryInfo().total;
    }
  } catch { /* fall through */ }
  try {
    const line = /MemTotal:\s+(\d+) kB/.exec(Deno.readTextFileSync("/proc/meminfo"));
    if (line) return Number(line[1]) * 1024;
  } catch { /* unknown */ }
  return undefined;
}
