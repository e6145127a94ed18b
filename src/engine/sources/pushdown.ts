/**
 * What a SELECT needs of one bridged table, read from DuckDB's parse tree: the columns it
 * references (projection) and the `column OP constant` conjuncts of its WHERE that can be
 * evaluated in SQLite first (pushdown).
 *
 * Pushdown only ever narrows what the bridge copies; DuckDB still evaluates the user's whole
 * WHERE on the copy, so a pushed filter must return a *superset* of the rows DuckDB keeps. It is
 * therefore limited to: a top-level SELECT whose FROM holds the table exactly once; conjuncts of
 * its WHERE; a column of that table (qualified by its alias/name, or unqualified when the table
 * is the only relation in FROM) whose SQLite affinity matches the constant — INTEGER/REAL
 * columns with numeric constants, TEXT columns with string constants (comparisons between
 * other storage classes differ between SQLite and DuckDB).
 *
 * @module
 */
import { duckdbTypeForSqlite } from "./type_mapping.ts";
import type { Cell } from "../result.ts";

type JsonObject = { readonly [key: string]: unknown };

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null;
}

/** Comparison operators that push down into the SQLite read. */
export type PushedOperator = "=" | "<>" | "<" | "<=" | ">" | ">=";

/** `column OP constant`, pushed into the SQLite `WHERE` with the constant bound as a parameter. */
export interface PushedFilter {
  readonly column: string;
  readonly operator: PushedOperator;
  readonly value: Cell;
}

/** A SQLite table referenced by a query, as the pushdown needs to know it. */
export interface BridgedTableRef {
  /** Schema-or-catalog part as written (`db` in `db.t`, or `db` in `db.main.t`). */
  readonly alias: string;
  readonly table: string;
  /** Column names with their SQLite declared types. */
  readonly columns: readonly { readonly name: string; readonly declaredType: string }[];
}

/** The columns a query references and the filters that can be pushed into SQLite. */
export interface TableUsage {
  readonly columns: readonly string[] | "all";
  readonly filters: readonly PushedFilter[];
}

const OPERATORS: Readonly<Record<string, PushedOperator>> = {
  COMPARE_EQUAL: "=",
  COMPARE_NOTEQUAL: "<>",
  COMPARE_LESSTHAN: "<",
  COMPARE_LESSTHANOREQUALTO: "<=",
  COMPARE_GREATERTHAN: ">",
  COMPARE_GREATERTHANOREQUALTO: ">=",
};

const FLIPPED: Readonly<Record<PushedOperator, PushedOperator>> = {
  "=": "=",
  "<>": "<>",
  "<": ">",
  "<=": ">=",
  ">": "<",
  ">=": "<=",
};

/**
 * Column names referenced anywhere in the statement, or "all" when the query may need every
 * column: a `*`, a NATURAL join, or a whole-row reference to the table (`SELECT a FROM t a`,
 * where `a` names the table). `USING (…)` columns count as referenced.
 */
export function referencedColumns(
  parseTree: unknown,
  tableNames: ReadonlySet<string> = new Set(),
): readonly string[] | "all" {
  const names = new Set<string>();
  let all = false;
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!isObject(node)) return;
    if (node.class === "STAR") all = true;
    if (node.type === "JOIN") {
      if (node.ref_type === "NATURAL") all = true;
      if (Array.isArray(node.using_columns)) {
        for (const column of node.using_columns) names.add(String(column).toLowerCase());
      }
    }
    if (node.class === "COLUMN_REF" && Array.isArray(node.column_names)) {
      const parts = node.column_names.map((part) => String(part).toLowerCase());
      if (parts.length === 1 && tableNames.has(parts[0]!)) all = true;
      const last = parts[parts.length - 1];
      if (last !== undefined) names.add(last);
    }
    Object.values(node).forEach(visit);
  };
  visit(parseTree);
  return all ? "all" : [...names];
}

/** The names a table goes by in a statement: its own name and every alias it is given. */
function namesOf(parseTree: unknown, table: BridgedTableRef): Set<string> {
  const names = new Set([table.table.toLowerCase()]);
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!isObject(node)) return;
    if (
      node.type === "BASE_TABLE" && refersTo(node, table) && typeof node.alias === "string" &&
      node.alias !== ""
    ) {
      names.add(node.alias.toLowerCase());
    }
    Object.values(node).forEach(visit);
  };
  visit(parseTree);
  return names;
}

/** Projection and pushdown for `table` in the statement `parseTree` (a json_serialize_sql result). */
export function tableUsage(parseTree: unknown, table: BridgedTableRef): TableUsage {
  const columns = referencedColumns(parseTree, namesOf(parseTree, table));
  return { columns, filters: pushableFilters(parseTree, table) };
}

function pushableFilters(parseTree: unknown, table: BridgedTableRef): PushedFilter[] {
  if (!isObject(parseTree) || !Array.isArray(parseTree.statements)) return [];
  const statement: unknown = parseTree.statements[0];
  if (parseTree.statements.length !== 1 || !isObject(statement)) return [];
  const node = statement.node;
  if (!isObject(node) || node.type !== "SELECT_NODE" || !isObject(node.where_clause)) return [];
  const fromRefs: JsonObject[] = [];
  collectFromRefs(node.from_table, fromRefs);
  const matching = fromRefs.filter((ref) => refersTo(ref, table));
  const allRefs = countTableRefs(parseTree, table);
  if (matching.length !== 1 || allRefs !== 1) return [];
  const ref = matching[0]!;
  const names = new Set([table.table.toLowerCase()]);
  if (typeof ref.alias === "string" && ref.alias !== "") {
    names.clear();
    names.add(ref.alias.toLowerCase());
  }
  const onlyRelation = fromRefs.length === 1 && !hasJoinOrSubquery(node.from_table);
  const filters: PushedFilter[] = [];
  for (const conjunct of conjuncts(node.where_clause)) {
    const operator = OPERATORS[String(conjunct.type)];
    if (operator === undefined) continue;
    let column = columnOf(conjunct.left, names, onlyRelation);
    let constant = constantOf(conjunct.right);
    let op = operator;
    if (column === undefined) {
      column = columnOf(conjunct.right, names, onlyRelation);
      constant = constantOf(conjunct.left);
      op = FLIPPED[operator];
    }
    if (column === undefined || constant === undefined) continue;
    const declared = table.columns.find((candidate) => candidate.name.toLowerCase() === column);
    if (declared === undefined || !affinityMatches(declared.declaredType, constant)) continue;
    filters.push({ column: declared.name, operator: op, value: constant });
  }
  return filters;
}

function refersTo(ref: JsonObject, table: BridgedTableRef): boolean {
  if (
    ref.type !== "BASE_TABLE" || String(ref.table_name).toLowerCase() !== table.table.toLowerCase()
  ) {
    return false;
  }
  const catalog = String(ref.catalog_name ?? "").toLowerCase();
  const schema = String(ref.schema_name ?? "").toLowerCase();
  const alias = table.alias.toLowerCase();
  return catalog === alias || (catalog === "" && schema === alias);
}

function countTableRefs(tree: unknown, table: BridgedTableRef): number {
  let count = 0;
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!isObject(node)) return;
    if (node.type === "BASE_TABLE" && refersTo(node, table)) count++;
    Object.values(node).forEach(visit);
  };
  visit(tree);
  return count;
}

function collectFromRefs(from: unknown, into: JsonObject[]): void {
  if (!isObject(from)) return;
  if (from.type === "JOIN") {
    collectFromRefs(from.left, into);
    collectFromRefs(from.right, into);
    return;
  }
  into.push(from);
}

function hasJoinOrSubquery(from: unknown): boolean {
  return isObject(from) && from.type !== "BASE_TABLE";
}

function conjuncts(expression: JsonObject): JsonObject[] {
  if (expression.type === "CONJUNCTION_AND" && Array.isArray(expression.children)) {
    return expression.children.filter(isObject).flatMap(conjuncts);
  }
  return [expression];
}

function columnOf(
  expression: unknown,
  names: Set<string>,
  onlyRelation: boolean,
): string | undefined {
  if (!isObject(expression) || expression.class !== "COLUMN_REF") return undefined;
  const parts = Array.isArray(expression.column_names) ? expression.column_names.map(String) : [];
  if (parts.length === 1 && onlyRelation) return parts[0]!.toLowerCase();
  if (parts.length === 2 && names.has(parts[0]!.toLowerCase())) return parts[1]!.toLowerCase();
  return undefined;
}

function constantOf(expression: unknown): Cell | undefined {
  if (
    !isObject(expression) || expression.type !== "VALUE_CONSTANT" || !isObject(expression.value)
  ) {
    return undefined;
  }
  const value = expression.value;
  if (value.is_null !== false || !isObject(value.type)) return undefined;
  const id = String(value.type.id);
  if (id === "VARCHAR" && typeof value.value === "string") return value.value;
  if ((id === "INTEGER" || id === "BIGINT" || id === "DOUBLE") && typeof value.value === "number") {
    return value.value;
  }
  if (id === "DECIMAL" && typeof value.value === "number" && isObject(value.type.type_info)) {
    const scale = Number(value.type.type_info.scale ?? 0);
    return value.value / 10 ** scale;
  }
  return undefined;
}

function affinityMatches(declaredType: string, constant: Cell): boolean {
  const mapped = duckdbTypeForSqlite(declaredType);
  if (typeof constant === "number") return mapped === "BIGINT" || mapped === "DOUBLE";
  if (typeof constant === "string") {
    const upper = declaredType.toUpperCase();
    return mapped === "VARCHAR" &&
      (upper.includes("CHAR") || upper.includes("CLOB") || upper.includes("TEXT"));
  }
  return false;
}
