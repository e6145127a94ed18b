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
 * Nothing read from the file is trusted as SQL: an entry must have a non-empty alias without
 * control characters (Noctra always quotes it as an identifier), a known kind, a non-empty path
 * string (always quoted as a literal), a boolean `read_only`, and options whose names are plain
 * identifiers and whose values, stored as SQL text, parse as plain values (string, number,
 * boolean, list or struct of those — see `parseOptionValueSql`). An entry that fails is dropped,
 * never executed, with one warning line naming its alias and the reason; the other entries are
 * restored. Options are handed on re-rendered from their parsed values, not as the file's text.
 *
 * @module
 */
// deno-lint-ignore-file no-import-prefix -- mod.ts imports without deno.json (tests/library_test.ts)
import { parse, stringify } from "npm:smol-toml@1.9.1";
import { dirname } from "node:path";
import { noctraPath } from "./xdg.ts";
import { isOptionName, parseOptionValueSql, renderOptionValue } from "../engine/file_readers.ts";

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
  /**
   * Reader options of a file view: option name (a plain identifier) → value as SQL literal text,
   * written by Noctra (`renderOptionValue`), e.g. `header` → `true`, `delim` → `';'`.
   */
  readonly options: Readonly<Record<string, string>>;
}

/** What {@link AttachmentRegistry.load} found. */
export interface LoadedRegistry {
  /** The valid entries, in file order. */
  readonly sources: RegisteredSource[];
  /**
   * One line for stderr when the file was corrupt and moved aside or unreadable, or when entries
   * were dropped (the file, then each dropped entry's reason, joined with `; `); undefined when
   * all was well.
   */
  readonly warning: string | undefined;
  /** The same problems one line each: one per dropped entry, or the one about the file. */
  readonly warnings: readonly string[];
}

/** What {@link readRegistry} found: the valid entries and one reason per dropped entry. */
export interface RegistryContents {
  readonly sources: RegisteredSource[];
  /** `saved source <alias>: <reason>; it was dropped and is not restored`, one per entry. */
  readonly dropped: string[];
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
    if (this.path === undefined) return { sources: [], warning: undefined, warnings: [] };
    let text: string;
    try {
      // Opening a FIFO waits for a writer, possibly forever: only a regular file is read.
      if (!Deno.statSync(this.path).isFile) {
        return failed(
          `the source registry ${this.path} is not a regular file; starting with no saved sources`,
        );
      }
      text = Deno.readTextFileSync(this.path);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) {
        return { sources: [], warning: undefined, warnings: [] };
      }
      return failed(
        `cannot read the source registry ${this.path} (${
          (error as Error).message
        }); starting with no saved sources`,
      );
    }
    try {
      const { sources, dropped } = readRegistry(text);
      const warnings = dropped.map((reason) => `the source registry ${this.path}: ${reason}`);
      return {
        sources,
        warning: dropped.length === 0
          ? undefined
          : `the source registry ${this.path}: ${dropped.join("; ")}`,
        warnings,
      };
    } catch (error) {
      const aside = `${this.path}.corrupt-${Date.now()}`;
      let moved = "";
      try {
        Deno.renameSync(this.path, aside);
        moved = `; moved it to ${aside}`;
      } catch { /* leave it where it is */ }
      return failed(
        `the source registry ${this.path} is corrupt (${
          (error as Error).message.split("\n")[0]
        })${moved}; starting with no saved sources`,
      );
    }
  }

  /**
   * Writes `sources` atomically (temporary file + rename). Sources another session registered
   * meanwhile (in the file, not in `sources`, not in `forgotten`) are kept, so two sessions do
   * not erase each other's additions; entries of the file that fail validation are not kept.
   * Throws the file system's error when the state directory
   * cannot be written.
   */
  save(sources: readonly RegisteredSource[], forgotten: ReadonlySet<string> = new Set()): void {
    if (this.path === undefined) return;
    Deno.mkdirSync(dirname(this.path), { recursive: true });
    const known = new Set(sources.map((source) => source.alias.toLowerCase()));
    let others: RegisteredSource[] = [];
    try {
      // A FIFO or device in the registry's place: loading warned once; sources are not saved,
      // as with --no-restore.
      if (!Deno.statSync(this.path).isFile) return;
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

/** A load that found no sources, with one warning line. */
function failed(warning: string): LoadedRegistry {
  return { sources: [], warning, warnings: [warning] };
}

/**
 * Parses a registry document and returns its valid entries (see {@link readRegistry}; dropped
 * entries are left out). Throws Error describing the problem when the document is not TOML or
 * not of the registry's shape.
 */
export function parseRegistry(text: string): RegisteredSource[] {
  return readRegistry(text).sources;
}

/**
 * Parses a registry document and validates each entry (module docs): valid entries are
 * returned with their options re-rendered from parsed values; an invalid entry is dropped with a
 * reason naming its alias. Throws Error when the document is not TOML, `sources` is not an
 * array of tables, or an entry has no alias string (such a file is treated as corrupt).
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { readRegistry } from "./attachment_registry.ts";
 *
 * const { sources, dropped } = readRegistry(
 *   '[[sources]]\nalias = "v"\nkind = "csv"\npath = "/d/v.csv"\n' +
 *     '[sources.options]\nheader = "true); SELECT (1"\n',
 * );
 * deepStrictEqual(sources, []);
 * deepStrictEqual(dropped.length, 1);
 * ```
 */
export function readRegistry(text: string): RegistryContents {
  const document = parse(text) as Record<string, unknown>;
  const entries = document.sources ?? [];
  if (!Array.isArray(entries)) throw new Error("'sources' is not an array of tables");
  const sources: RegisteredSource[] = [];
  const dropped: string[] = [];
  entries.forEach((entry, index) => {
    const where = `sources[${index}]`;
    if (typeof entry !== "object" || entry === null) throw new Error(`${where} is not a table`);
    const record = entry as Record<string, unknown>;
    const alias = record.alias;
    if (typeof alias !== "string" || alias === "") throw new Error(`${where}.alias is missing`);
    try {
      sources.push(validEntry(alias, record));
    } catch (error) {
      dropped.push(
        `saved source ${JSON.stringify(alias)} (${where}) was dropped, not restored: ${
          (error as Error).message
        }`,
      );
    }
  });
  return { sources, dropped };
}

/** Aliases are quoted wherever Noctra writes them; control characters are still refused. */
// deno-lint-ignore no-control-regex -- control characters are what this matches
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

/** The entry as a source, or Error with the reason it is not valid. */
function validEntry(alias: string, record: Record<string, unknown>): RegisteredSource {
  if (CONTROL_CHARACTERS.test(alias) || alias.length > 255) {
    throw new Error("the alias holds control characters or is longer than 255 characters");
  }
  const { kind, path } = record;
  if (typeof kind !== "string" || !KINDS.has(kind)) {
    throw new Error(
      `kind ${JSON.stringify(kind ?? null)} is not one of ${[...KINDS].join(", ")}`,
    );
  }
  if (typeof path !== "string" || path === "") throw new Error("path is not a non-empty string");
  if (path.includes("\0")) throw new Error("path holds a NUL character");
  const readOnly = record.read_only ?? false;
  if (typeof readOnly !== "boolean") throw new Error("read_only is not a boolean");
  const raw = record.options ?? {};
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new Error("options is not a table");
  }
  const options: Record<string, string> = {};
  const seen = new Set<string>();
  for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
    if (!isOptionName(name)) {
      throw new Error(
        `option name ${JSON.stringify(name)} is not a plain identifier (letters, digits and _)`,
      );
    }
    if (seen.has(name.toLowerCase())) throw new Error(`option ${name} is given twice`);
    seen.add(name.toLowerCase());
    if (typeof value !== "string") throw new Error(`option ${name} is not a string`);
    let parsed;
    try {
      parsed = parseOptionValueSql(value, `option ${name}`);
    } catch {
      throw new Error(
        `option ${name} = ${
          JSON.stringify(value)
        } is not a plain value (a 'string', a number, true or false, a [list] or {'key': value} struct)`,
      );
    }
    options[name] = renderOptionValue(parsed);
  }
  if (kind === "sqlite" && Object.keys(options).length > 0) {
    throw new Error("a sqlite source takes no options");
  }
  return { alias, kind: kind as SourceKind, path, readOnly, options };
}
