/**
 * `AttachmentRegistry`: the sources (`USE` file views and SQLite attachments) that outlive a
 * process, kept in `$XDG_STATE_HOME/noctra/sources.toml` (default
 * `~/.local/state/noctra/sources.toml`).
 *
 * The file is TOML (`npm:smol-toml`), written atomically: to a temporary file beside it, then
 * renamed over it, so a crash never leaves half a registry. A file that does not parse or does
 * not have the expected shape is moved aside (`sources.toml.corrupt-<time>`) and the session
 * starts empty, with one warning.
 *
 * @module
 */
// deno-lint-ignore-file no-import-prefix -- mod.ts imports without deno.json (tests/library_test.ts)
import { parse, stringify } from "npm:smol-toml@1.9.1";
import { dirname } from "node:path";
import { noctraPath } from "./xdg.ts";

/** Kinds of registered sources: file kinds, and `sqlite` for attachments. */
export type SourceKind = "csv" | "tsv" | "json" | "ndjson" | "parquet" | "arrow" | "sqlite";

const KINDS: ReadonlySet<string> = new Set([
  "csv",
  "tsv",
  "json",
  "ndjson",
  "parquet",
  "arrow",
  "sqlite",
]);

/** One registered source. */
export interface RegisteredSource {
  readonly alias: string;
  readonly kind: SourceKind;
  /** Absolute path (or glob, or remote URL) of the file or database. */
  readonly path: string;
  readonly readOnly: boolean;
  /** Reader options of a file view: option name → SQL value text. */
  readonly options: Readonly<Record<string, string>>;
}

/** What {@link AttachmentRegistry.load} found. */
export interface LoadedRegistry {
  readonly sources: RegisteredSource[];
  /** One line for stderr when the file was corrupt and moved aside. */
  readonly warning: string | undefined;
}

/** Reads and writes the registry file; `path` undefined = persistence off (`--no-restore`). */
export class AttachmentRegistry {
  /** The registry file, or undefined when sources are not persisted. */
  readonly path: string | undefined;

  constructor(path: string | undefined) {
    this.path = path;
  }

  /**
   * `$XDG_STATE_HOME/noctra/sources.toml`, default `~/.local/state/noctra/sources.toml`;
   * undefined when the environment may not be read or names no home directory.
   */
  static defaultPath(): string | undefined {
    return noctraPath("state", "sources.toml");
  }

  /** Reads the registered sources; a missing file is an empty registry. Never throws. */
  load(): LoadedRegistry {
    if (this.path === undefined) return { sources: [], warning: undefined };
    let text: string;
    try {
      // Opening a FIFO waits for a writer, possibly forever: only a regular file is read.
      if (!Deno.statSync(this.path).isFile) {
        return {
          sources: [],
          warning:
            `the source registry ${this.path} is not a regular file; starting with no saved sources`,
        };
      }
      text = Deno.readTextFileSync(this.path);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return { sources: [], warning: undefined };
      return {
        sources: [],
        warning: `cannot read the source registry ${this.path} (${
          (error as Error).message
        }); starting with no saved sources`,
      };
    }
    try {
      return { sources: parseRegistry(text), warning: undefined };
    } catch (error) {
      const aside = `${this.path}.corrupt-${Date.now()}`;
      let moved = "";
      try {
        Deno.renameSync(this.path, aside);
        moved = `; moved it to ${aside}`;
      } catch { /* leave it where it is */ }
      return {
        sources: [],
        warning: `the source registry ${this.path} is corrupt (${
          (error as Error).message.split("\n")[0]
        })${moved}; starting with no saved sources`,
      };
    }
  }

  /**
   * Writes `sources` atomically (temporary file + rename). Sources another session registered
   * meanwhile (in the file, not in `sources`, not in `forgotten`) are kept, so two sessions do
   * not erase each other's additions. Throws the file system's error when the state directory
   * cannot be written.
   */
  save(sources: readonly RegisteredSource[], forgotten: ReadonlySet<string> = new Set()): void {
    if (this.path === undefined) return;
    Deno.mkdirSync(dirname(this.path), { recursive: true });
    const known = new Set(sources.map((source) => source.alias.toLowerCase()));
    let others: RegisteredSource[] = [];
    try {
      if (!Deno.statSync(this.path).isFile) {
        throw new Error(`the source registry ${this.path} is not a regular file; not saved`);
      }
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
    try {
      others = parseRegistry(Deno.readTextFileSync(this.path)).filter((source) =>
        !known.has(source.alias.toLowerCase()) && !forgotten.has(source.alias.toLowerCase())
      );
    } catch { /* no file, or unreadable: nothing to keep */ }
    const document = {
      sources: [...sources, ...others].map((source) => ({
        alias: source.alias,
        kind: source.kind,
        path: source.path,
        read_only: source.readOnly,
        options: { ...source.options },
      })),
    };
    const text = "# Sources registered by Noctra (USE, ATTACH). Edit with care.\n" +
      stringify(document) +
      "\n";
    const temporary = `${this.path}.${Deno.pid}.tmp`;
    Deno.writeTextFileSync(temporary, text);
    Deno.renameSync(temporary, this.path);
  }
}

/** Parses and validates a registry document. Throws Error describing the first problem. */
export function parseRegistry(text: string): RegisteredSource[] {
  const document = parse(text) as Record<string, unknown>;
  const entries = document.sources ?? [];
  if (!Array.isArray(entries)) throw new Error("'sources' is not an array of tables");
  return entries.map((entry, index) => {
    const where = `sources[${index}]`;
    if (typeof entry !== "object" || entry === null) throw new Error(`${where} is not a table`);
    const record = entry as Record<string, unknown>;
    const { alias, kind, path } = record;
    if (typeof alias !== "string" || alias === "") throw new Error(`${where}.alias is missing`);
    if (typeof kind !== "string" || !KINDS.has(kind)) throw new Error(`${where}.kind is not known`);
    if (typeof path !== "string" || path === "") throw new Error(`${where}.path is missing`);
    const readOnly = record.read_only ?? false;
    if (typeof readOnly !== "boolean") throw new Error(`${where}.read_only is not a boolean`);
    const options = record.options ?? {};
    if (typeof options !== "object" || options === null || Array.isArray(options)) {
      throw new Error(`${where}.options is not a table`);
    }
    for (const value of Object.values(options)) {
      if (typeof value !== "string") throw new Error(`${where}.options values must be strings`);
    }
    return {
      alias,
      kind: kind as SourceKind,
      path,
      readOnly,
      options: options as Record<string, string>,
    };
  });
}
