/**
 * Writes `src/cli/rql_commands_help.ts`: the RQL commands' help text (`rqlCommandsHelpText`, from
 * `RQL_COMMANDS`) as a constant, so that `noctra --help` prints it without loading the command
 * parsers (about 15 ms of module loading). Run after changing a command's syntax or summary;
 * `tests/rql_docs_test.ts` fails while the file is out of date.
 *
 * Usage: `deno run -A scripts/generate_rql_help.ts`
 *
 * @module
 */
import { rqlCommandsHelpText } from "../src/rql/commands/registry.ts";

/** The generated module's text for `help` (the commands' help text). */
export function rqlHelpModule(help: string): string {
  return `/**
 * The RQL commands as \`--help\` and the REPL's \`help\` list them. Generated from \`RQL_COMMANDS\`
 * (src/rql/commands/registry.ts) by scripts/generate_rql_help.ts — do not edit; run it again.
 *
 * @module
 */

/** Each family's syntax lines (indented by two spaces) and summary (by six); lines end with \\n. */
export const RQL_COMMANDS_HELP: string = [
${help.split("\n").slice(0, -1).map((line) => `  ${JSON.stringify(line)},`).join("\n")}
].map((line) => \`\${line}\\n\`).join("");
`;
}

if (import.meta.main) {
  const path = new URL("../src/cli/rql_commands_help.ts", import.meta.url);
  await Deno.writeTextFile(path, rqlHelpModule(rqlCommandsHelpText()));
  const format = await new Deno.Command(Deno.execPath(), { args: ["fmt", path.pathname] }).output();
  if (!format.success) throw new Error(new TextDecoder().decode(format.stderr));
  console.log(`wrote ${path.pathname}`);
}
