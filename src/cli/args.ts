/**
 * Command-line arguments, parsed with `node:util` `parseArgs` (strict: unknown flags are usage
 * errors, exit code 2).
 *
 * @module
 */
import { parseArgs } from "node:util";
import { UsageError } from "../errors.ts";
import { type RoutingStrategy, strategyFromName } from "../engine/routing.ts";
import { isOutputFormat, OUTPUT_FORMATS, type OutputFormat } from "../render/formats.ts";

export { HELP_TEXT } from "./help.ts";

/** Everything the command line can ask for. */
export interface CliOptions {
  /** `-c/--command`: statements to run, in order (repeatable). */
  readonly commands: readonly string[];
  /** `-f/--file`: script to run. */
  readonly scriptFile: string | undefined;
  /** Positional arguments: files registered as views before the first statement. */
  readonly files: readonly string[];
  /** `--format`, or undefined for `repl.format` from the configuration. */
  readonly format: OutputFormat | undefined;
  /** `--config PATH`. */
  readonly configPath: string | undefined;
  /** `--threads N` (duckdb.performance.base_threads). */
  readonly threads: string | undefined;
  /** `--memory-limit SIZE` (duckdb.performance.memory_limit). */
  readonly memoryLimit: string | undefined;
  /** `--allow-read=DIR[,DIR…]` (repeatable). */
  readonly allowRead: readonly string[] | undefined;
  /** `--allow-write=DIR[,DIR…]` (repeatable). */
  readonly allowWrite: readonly string[] | undefined;
  /** `--sandbox`: confine reads and writes to the current directory. */
  readonly sandbox: boolean;
  /** `--allow-net`: let a sandboxed session reach the network (remote sources). */
  readonly allowNet: boolean;
  /** `-o/--output`: write results to this file instead of stdout. */
  readonly outputFile: string | undefined;
  /** `--max-rows`: rows a table displays at most (0 = all); undefined = the mode's default. */
  readonly maxRows: number | undefined;
  readonly continueOnError: boolean;
  /** `--no-restore`: start without the saved sources and save none. */
  readonly noRestore: boolean;
  /** `--var name[:TYPE]=value` (repeatable): variables set before the first statement. */
  readonly variables: readonly { name: string; type: string | undefined; text: string }[];
  /** `--force`: EXPORT replaces existing targets. */
  readonly force: boolean;
  /** `--engine`: which engine runs statements. */
  readonly strategy: RoutingStrategy;
  readonly help: boolean;
  readonly version: boolean;
}

/** The flags `parseArgs` knows; `value` names what a flag that takes one expects, for messages. */
const FLAGS = {
  command: { type: "string", short: "c", multiple: true, value: "SQL" },
  file: { type: "string", short: "f", value: "a script PATH" },
  format: { type: "string", value: `a FORMAT (${OUTPUT_FORMATS.join(", ")})` },
  output: { type: "string", short: "o", value: "a FILE to write results to" },
  "max-rows": { type: "string", value: "a whole number ≥ 0 (0 shows all rows)" },
  "continue-on-error": { type: "boolean" },
  engine: { type: "string", value: "an ENGINE (hybrid, duckdb, sqlite)" },
  var: { type: "string", multiple: true, value: "NAME=VALUE or NAME:TYPE=VALUE" },
  config: { type: "string", value: "a configuration file PATH" },
  threads: { type: "string", value: "a number of threads N" },
  "memory-limit": { type: "string", value: "a SIZE such as 8GB or 50%" },
  "allow-read": { type: "string", multiple: true, value: "DIR[,DIR…]" },
  "allow-write": { type: "string", multiple: true, value: "DIR[,DIR…]" },
  sandbox: { type: "boolean" },
  "allow-net": { type: "boolean" },
  force: { type: "boolean" },
  "no-restore": { type: "boolean" },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean", short: "V" },
} as const;

const OPTIONS = Object.fromEntries(
  Object.entries(FLAGS).map(([name, flag]) => {
    const { value: _value, ...option } = flag as typeof flag & { value?: string };
    return [name, option];
  }),
) as { [Name in keyof typeof FLAGS]: Omit<(typeof FLAGS)[Name], "value"> };

/** Long names of the flags that take a value, by their spelling on the command line. */
const VALUE_FLAGS: ReadonlyMap<string, string> = new Map(
  Object.entries(FLAGS).flatMap(([name, flag]) => {
    if (flag.type !== "string") return [];
    const short = "short" in flag ? [[`-${flag.short}`, name] as const] : [];
    return [[`--${name}`, name] as const, ...short];
  }),
);

/**
 * True when `arg` is one of Noctra's flags (`--format`, `--format=csv`, `-c`, `-cSQL`, `-Vh`,
 * `--`) rather than a value that happens to start with `-` (`-- a comment`, `-5`, `-data.csv`).
 */
function isFlag(arg: string): boolean {
  if (arg === "--") return true;
  if (arg.startsWith("--")) {
    const name = arg.slice(2).split("=", 1)[0]!;
    return Object.hasOwn(FLAGS, name);
  }
  if (/^-[A-Za-z]/.test(arg)) {
    const letter = arg[1]!;
    return Object.values(FLAGS).some((flag) => "short" in flag && flag.short === letter);
  }
  return false;
}

/**
 * Rewrites `FLAG VALUE` as `--name=VALUE` for every flag that takes a value, so a value that
 * starts with `-` (SQL beginning with a `--` comment, `--max-rows -5`) reaches the flag instead
 * of being refused as "ambiguous" by `parseArgs`. Arguments after `--` are left as they are.
 * Throws {@link UsageError} naming the flag and what it expects when the value is missing (the
 * flag is last, or another flag follows it).
 */
function attachValues(argv: readonly string[]): string[] {
  const args: string[] = [];
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index]!;
    if (arg === "--") {
      args.push(...argv.slice(index));
      break;
    }
    const name = VALUE_FLAGS.get(arg);
    if (name === undefined) {
      args.push(arg);
      continue;
    }
    const value = argv[index + 1];
    if (value === undefined || isFlag(value)) {
      const expected = (FLAGS[name as keyof typeof FLAGS] as { value: string }).value;
      const where = value === undefined ? "" : ` before ${value}`;
      throw new UsageError(`${arg}: missing value${where}; expected ${expected}`);
    }
    args.push(`--${name}=${value}`);
    index++;
  }
  return args;
}

/**
 * Parses `argv` (without the program name). A flag's value is the next argument even when it
 * starts with `-` (`-c "-- note↵SELECT 1"`, `--max-rows -5`), unless that argument is itself one
 * of Noctra's flags. Throws {@link UsageError} (exit 2), naming the flag and what it expects, for
 * unknown flags, missing or empty values, an unknown format or engine, a `--max-rows` that is
 * not a whole number ≥ 0, or a malformed `--var`.
 */
export function parseCliArgs(argv: readonly string[]): CliOptions {
  const args = attachValues(argv);
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: OPTIONS,
    });
  } catch (error) {
    const message = error instanceof Error ? error.message.split("\n")[0] : String(error);
    throw new UsageError(`${message}; see noctra --help`);
  }
  const { values, positionals } = parsed;
  for (
    const [name, spelling] of [["file", "-f/--file"], ["output", "-o/--output"], [
      "config",
      "--config",
    ]] as const
  ) {
    if (values[name] === "") {
      throw new UsageError(`${spelling}: empty value; expected ${FLAGS[name].value}`);
    }
  }
  const format = values.format;
  if (format !== undefined && !isOutputFormat(format)) {
    throw new UsageError(
      `--format ${format}: unknown format; choose one of ${OUTPUT_FORMATS.join(", ")}`,
    );
  }
  let maxRows: number | undefined;
  if (values["max-rows"] !== undefined) {
    const text = values["max-rows"];
    maxRows = Number(text);
    if (!/^\d+$/.test(text) || !Number.isSafeInteger(maxRows)) {
      throw new UsageError(`--max-rows ${text}: expected a whole number ≥ 0 (0 shows all rows)`);
    }
  }
  const engine = values.engine ?? "hybrid";
  const strategy = strategyFromName(engine);
  if (strategy === undefined) {
    throw new UsageError(
      `--engine ${engine}: unknown engine; choose one of hybrid, duckdb, sqlite`,
    );
  }
  if (values.command !== undefined && values.file !== undefined) {
    throw new UsageError("-c/--command and -f/--file cannot be combined; use one of them");
  }
  const variables = (values.var ?? []).map(parseVariableFlag);
  return {
    commands: values.command ?? [],
    scriptFile: values.file,
    files: positionals,
    format,
    outputFile: values.output,
    maxRows,
    continueOnError: values["continue-on-error"] ?? false,
    noRestore: values["no-restore"] ?? false,
    variables,
    force: values.force ?? false,
    configPath: values.config,
    threads: values.threads,
    memoryLimit: values["memory-limit"],
    allowRead: splitDirectories("--allow-read", values["allow-read"]),
    allowWrite: splitDirectories("--allow-write", values["allow-write"]),
    sandbox: values.sandbox ?? false,
    allowNet: values["allow-net"] ?? false,
    strategy,
    help: values.help ?? false,
    version: values.version ?? false,
  };
}

/** Parses `name=value` or `name:TYPE=value`. Throws {@link UsageError} naming the flag. */
function parseVariableFlag(flag: string): { name: string; type: string | undefined; text: string } {
  const equals = flag.indexOf("=");
  const head = equals < 0 ? "" : flag.slice(0, equals);
  const colon = head.indexOf(":");
  const name = colon < 0 ? head : head.slice(0, colon);
  const type = colon < 0 ? undefined : head.slice(colon + 1).trim();
  if (equals < 0 || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || type === "") {
    throw new UsageError(
      `--var ${flag}: expected NAME=VALUE or NAME:TYPE=VALUE, NAME a letter or _ followed by letters, digits or _`,
    );
  }
  if (
    type !== undefined && !/^[A-Za-z][A-Za-z0-9_ ]*(\(\s*\d+(\s*,\s*\d+)?\s*\))?(\[\])?$/.test(type)
  ) {
    throw new UsageError(
      `--var ${flag}: ${type} is not a type name (e.g. INTEGER, DECIMAL(10,2), DATE)`,
    );
  }
  return { name, type, text: flag.slice(equals + 1) };
}

/**
 * The directories of `--allow-read=A,B` (repeatable). An empty list or an empty item (`=`,
 * `a,,b`, a pipeline's unset variable) is a {@link UsageError}: it must never mean "no sandbox".
 */
function splitDirectories(flag: string, values: string[] | undefined): string[] | undefined {
  if (values === undefined) return undefined;
  const paths = values.flatMap((value) => value.split(",")).map((path) => path.trim());
  if (paths.some((path) => path === "")) {
    throw new UsageError(
      `${flag}=${
        values.join(",")
      }: empty directory name; name the directories (${flag}=DIR[,DIR…]), or leave the flag out`,
    );
  }
  return paths;
}
