/**
 * What a SELECT reads, from DuckDB's own parse tree (`json_serialize_sql`): base-table
 * references with their catalog/schema/table names, and table-function calls with their first
 * constant argument. CTE names are subtracted, so `WITH t AS (…) SELECT * FROM t` reads nothing
 * named `t`.
 *
 * @module
 */

/** A `FROM name` reference: `catalog.schema.table`, parts empty when not written. */
export interface TableReference {
  readonly catalog: string;
  readonly schema: string;
  /** Table, view, or replacement-scan name (a file path for `FROM 'a.csv'`). */
  readonly table: string;
}

/** A table-function call in FROM, e.g. `read_csv('a.csv', header = true)`. */
export interface TableFunctionReference {
  /** Function name in lower case. */
  readonly name: string;
  /** The first argument when it is a constant string (the path for readers), else undefined. */
  readonly firstArgument: string | undefined;
  /**
   * The strings of a first argument that is a list of constant strings (`read_json(['a.json',
   * 'b.json'])`), parameters resolved as for {@link firstArgument}; absent otherwise.
   */
  readonly listArgument?: readonly string[];
}

/** Everything a statement reads, as far as the parse tree shows. */
export interface StatementRelations {
  readonly tables: readonly TableReference[];
  readonly tableFunctions: readonly TableFunctionReference[];
}

type JsonObject = { readonly [key: string]: unknown };

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null;
}

/**
 * Collects relations from a `json_serialize_sql` result. Returns `null` when DuckDB reported
 * `"error": true` (the statement is not a SELECT, or does not parse). A table function's first
 * argument that is a parameter (`read_json($noctra_p)`, from `#p`) is read through
 * `parameterValue` (by name, without `$`), so a path given by a variable is checked as a
 * written one is.
 */
export function relationsOf(
  parseTree: unknown,
  parameterValue: (name: string) => unknown = () => undefined,
): StatementRelations | null {
  if (!isObject(parseTree) || parseTree.error !== false) return null;
  const tables: TableReference[] = [];
  const tableFunctions: TableFunctionReference[] = [];
  const cteNames = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node) visit(item);
      return;
    }
    if (!isObject(node)) return;
    if (node.type === "BASE_TABLE" && typeof node.table_name === "string") {
      tables.push({
        catalog: String(node.catalog_name ?? ""),
        schema: String(node.schema_name ?? ""),
        table: node.table_name,
      });
    }
    if (node.type === "TABLE_FUNCTION" && isObject(node.function)) {
      const fn = node.function;
      const children = Array.isArray(fn.children) ? fn.children : [];
      const first: unknown = children[0];
      const constant = (node: unknown): string | undefined => {
        if (!isObject(node)) return undefined;
        if (node.type === "VALUE_PARAMETER") {
          const value = parameterValue(String(node.identifier ?? ""));
          return typeof value === "string" ? value : undefined;
        }
        if (node.type !== "VALUE_CONSTANT" || !isObject(node.value)) return undefined;
        const value = node.value;
        return value.is_null === false && typeof value.value === "string" ? value.value : undefined;
      };
      const firstArgument = constant(first);
      const name = String(fn.function_name ?? "").toLowerCase();
      const items = isObject(first) && first.type === "FUNCTION" &&
          first.function_name === "list_value" && Array.isArray(first.children)
        ? first.children.map(constant)
        : undefined;
      if (items !== undefined && items.every((item) => item !== undefined)) {
        tableFunctions.push({ name, firstArgument, listArgument: items as string[] });
      } else {
        tableFunctions.push({ name, firstArgument });
      }
    }
    if (isObject(node.cte_map) && Array.isArray(node.cte_map.map)) {
      for (const entry of node.cte_map.map) {
        if (isObject(entry) && typeof entry.key === "string") cteNames.add(entry.key.toLowerCase());
      }
    }
    for (const value of Object.values(node)) visit(value);
  };
  visit(parseTree.statements);
  return {
    tables: tables.filter((ref) =>
      ref.catalog !== "" || ref.schema !== "" || !cteNames.has(ref.table.toLowerCase())
    ),
    tableFunctions,
  };
}

/** Table functions whose first argument is a file path or glob. */
export const FILE_READING_FUNCTIONS: ReadonlySet<string> = new Set([
  "read_csv",
  "read_csv_auto",
  "read_parquet",
  "parquet_scan",
  "read_json",
  "read_json_auto",
  "read_ndjson",
  "read_ndjson_auto",
  "read_json_objects",
  "read_text",
  "read_blob",
]);
