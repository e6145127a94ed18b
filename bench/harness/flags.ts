/**
 * The flags the benches share: `--reps N`, `--only NAME[,NAME…]` (repeatable) and
 * `--no-write`, plus any string options a bench adds for itself.
 *
 * @module
 */
import { parseArgs } from "node:util";

/** What {@link parseBenchFlags} accepts. */
export interface BenchFlagSpec {
  /** `--reps` when it is not given. */
  readonly defaultReps: number;
  /**
   * The scenario names `--only` may choose from, or `any` to take any name unchecked; without
   * it, `--only` is not accepted.
   */
  readonly scenarios?: readonly string[] | "any";
  /** Names of further string options (`--NAME VALUE`) the bench takes. */
  readonly extraStrings?: readonly string[];
}

/** The parsed flags. */
export interface BenchFlags {
  /** `--reps`: a whole number ≥ 1. */
  readonly reps: number;
  /** The names given with `--only`, in order; empty when every scenario runs. */
  readonly only: readonly string[];
  /** False with `--no-write`: print only, leave docs/BENCHMARKS.md alone. */
  readonly write: boolean;
  /** The values of the `extraStrings` options, undefined where not given. */
  readonly strings: Readonly<Record<string, string | undefined>>;
}

/**
 * Parses `argv` (no positional arguments). On a bad flag, a `--reps` that is not a whole
 * number ≥ 1 or an unknown scenario, prints `bench: …` to stderr and returns null: the bench
 * then exits with code 2.
 */
export function parseBenchFlags(argv: readonly string[], spec: BenchFlagSpec): BenchFlags | null {
  let values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  try {
    values = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        reps: { type: "string" },
        "no-write": { type: "boolean" },
        ...(spec.scenarios === undefined ? {} : { only: { type: "string", multiple: true } }),
        ...Object.fromEntries(
          (spec.extraStrings ?? []).map((name) => [name, { type: "string" as const }]),
        ),
      },
    }).values;
  } catch (error) {
    console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
    return null;
  }
  const reps = values.reps === undefined ? spec.defaultReps : Number(values.reps);
  if (!Number.isSafeInteger(reps) || reps < 1) {
    console.error(`bench: --reps ${values.reps}: expected a whole number ≥ 1`);
    return null;
  }
  const only = ((values.only ?? []) as string[]).flatMap((names) => names.split(","))
    .map((name) => name.trim());
  if (Array.isArray(spec.scenarios)) {
    const known: readonly string[] = spec.scenarios;
    const unknown = only.filter((name) => !known.includes(name));
    if (unknown.length > 0) {
      console.error(
        `bench: unknown scenario ${unknown.join(", ")}; choose from ${known.join(", ")}`,
      );
      return null;
    }
  }
  return {
    reps,
    only,
    write: values["no-write"] !== true,
    strings: Object.fromEntries(
      (spec.extraStrings ?? []).map((name) => [name, values[name] as string | undefined]),
    ),
  };
}

/** Whether `name` is among the scenarios chosen by {@link BenchFlags.only} (all when empty). */
export function chosen(flags: BenchFlags, name: string): boolean {
  return flags.only.length === 0 || flags.only.includes(name);
}
