/**
 * The DuckDB CLI's dot-commands (its `.help` list, v1.5.5) that Noctra does not offer, each with
 * the one line that says why and what to use instead, so that a DuckDB habit gets an answer
 * rather than "unknown meta-command".
 *
 * @module
 */

/** The command's name (without the dot) → why it is not offered and what to use instead. */
const REFUSED: Readonly<Record<string, string>> = {
  binary:
    "not needed: Noctra writes output bytes as they are and never translates line ends, so there is nothing to switch",
  columns: "column-wise tables are not available; .mode line shows each row as one value per line",
  rows: "row-wise tables are what Noctra always draws; .mode line shows one value per line",
  display_colors: "Noctra's colours are fixed (NO_COLOR=1 turns them off)",
  highlight_colors:
    "Noctra's colours are fixed (NO_COLOR=1 turns them off); .highlight on|off switches input highlighting",
  highlight_errors: "Noctra's colours are fixed (NO_COLOR=1 turns them off)",
  highlight_mode: "Noctra's colours are fixed (NO_COLOR=1 turns them off)",
  highlight_results: "Noctra's colours are fixed (NO_COLOR=1 turns them off)",
  edit: "opens $VISUAL/$EDITOR on the last statement: only in the REPL",
  excel:
    "not available (it would start a spreadsheet program); write the next result to a file with .mode csv and .once FILE.csv, then open that file",
  large_number_rendering:
    "not available: tables show numbers whole; .thousand_sep , groups their digits",
  log:
    "not available: errors go to stderr (redirect it with 2>FILE), and .echo on prints each statement before it runs",
  multiline: "not available; .mode line shows long values whole, one per line",
  singleline: "not available; tables show each value on one line already",
  open:
    "not available: Noctra's session stays open in memory; add a database with ATTACH 'FILE' AS name (SQLite: ATTACH 'FILE.db' AS name (TYPE SQLITE))",
  read_line_version: "not needed: Noctra has one line editor",
  render_completion: "not needed: Noctra's completion shows on Tab",
  render_errors: "not needed: Noctra prints each error as one line",
  safe_mode:
    "confinement is chosen when Noctra starts: run noctra --sandbox (or --allow-read=DIRS / --allow-write=DIRS)",
  startup_text: "not available: the REPL's one start-up line is fixed",
  ui_command: "not available: Noctra has no web UI",
};

/** The names {@link refusal} answers, for "did you mean". */
export const REFUSED_COMMANDS: readonly string[] = Object.keys(REFUSED);

/**
 * The one-line refusal of `name` (a DuckDB dot-command Noctra does not offer) typed as `word`:
 * `.open: not available: …`; undefined when `name` is not one of them.
 */
export function refusal(word: string, name: string): string | undefined {
  const reason = Object.hasOwn(REFUSED, name) ? REFUSED[name] : undefined;
  return reason === undefined ? undefined : `${word}: ${reason}`;
}
