/**
 * `SessionTransaction`: the transaction a session has open, and the one-engine rule that keeps
 * it whole.
 *
 * `BEGIN` opens a transaction in DuckDB; the first write to a SQLite attachment inside it opens
 * one there too (`BEGIN` on that database), and `COMMIT`/`ROLLBACK` ends every one of them.
 * DuckDB and SQLite — and two SQLite files, each on its own connection — commit separately, so
 * no commit could make a write to both atomic: a transaction writes to one engine only, and a
 * statement that would make it write to a second one is refused before anything is written.
 * The bridge writes its copies of SQLite tables into DuckDB, and DuckDB allows writes to one
 * database per transaction, so a query that needs the bridge is refused once the transaction
 * wrote to DuckDB, and a DuckDB write once the bridge copied tables in it.
 *
 * @module
 */
import { StatementType } from "./duckdb_api.ts";
import type { DuckDBSource } from "./sources/duckdb_source.ts";
import type { SQLiteSource } from "./sources/sqlite_source.ts";
import type { Bridge } from "./sources/bridge.ts";
import type { MessageResult } from "./result.ts";
import { significantTokens } from "../rql/lexer.ts";
import { NoctraError } from "../errors.ts";

/** A statement that starts, commits or rolls back a transaction. */
export type TransactionVerb = "begin" | "commit" | "rollback";

/** What an open transaction has touched. */
interface OpenTransaction {
  /** SQLite databases written in the transaction (each has its own BEGIN). */
  readonly sqlite: Set<SQLiteSource>;
  /** A DuckDB statement that may write ran in the transaction. */
  wroteDuckDB: boolean;
  /** The bridge copied SQLite tables into DuckDB in the transaction. */
  bridged: boolean;
}

/** DuckDB statement types that write no data and so do not tie a transaction to DuckDB. */
const DUCKDB_READ_STATEMENTS: ReadonlySet<StatementType> = new Set([
  StatementType.SELECT,
  StatementType.EXPLAIN,
  StatementType.SET,
  StatementType.VARIABLE_SET,
  StatementType.PRAGMA,
  StatementType.CALL,
  StatementType.RELATION,
  StatementType.PREPARE,
  StatementType.TRANSACTION,
]);

/** The session's transaction and its one-engine rule (see the module). */
export class SessionTransaction {
  readonly #duckdb: DuckDBSource;
  readonly #bridge: Bridge;
  /** What the open transaction has touched; null outside a transaction. */
  #open: OpenTransaction | null = null;

  /** Transactions of `duckdb` and the SQLite attachments that `bridge` shadows. */
  constructor(duckdb: DuckDBSource, bridge: Bridge) {
    this.#duckdb = duckdb;
    this.#bridge = bridge;
  }

  /**
   * The transaction verb of `statement` — `BEGIN`/`START` (begin), `COMMIT`/`END` (commit),
   * `ROLLBACK`/`ABORT` (rollback) — when DuckDB prepares it as one transaction statement, else
   * null. Never throws.
   */
  async verbOf(statement: string): Promise<TransactionVerb | null> {
    let first: string;
    try {
      first = significantTokens(statement)[0]?.value.toUpperCase() ?? "";
    } catch {
      return null;
    }
    if (!["BEGIN", "START", "COMMIT", "END", "ROLLBACK", "ABORT"].includes(first)) return null;
    let types: StatementType[];
    try {
      types = await this.#duckdb.statementTypes(statement);
    } catch {
      return null;
    }
    if (types.length !== 1 || types[0] !== StatementType.TRANSACTION) return null;
    if (first === "BEGIN" || first === "START") return "begin";
    return first === "COMMIT" || first === "END" ? "commit" : "rollback";
  }

  /**
   * Runs a transaction statement: `begin` runs `statement` in DuckDB and opens the transaction;
   * `commit`/`rollback` ends it in every SQLite database it wrote (refreshing their shadows),
   * then in DuckDB, and drops the bridge's cache when the bridge copied tables in it. Throws
   * {@link NoctraError} for BEGIN inside a transaction, COMMIT/ROLLBACK outside one, or a SQLite
   * database that failed to end its part (DuckDB's part is ended all the same).
   */
  async run(verb: TransactionVerb, statement: string): Promise<MessageResult> {
    if (verb === "begin") {
      if (this.#open !== null) {
        throw new NoctraError("BEGIN: a transaction is already open; COMMIT or ROLLBACK it first");
      }
      await this.#duckdb.run(statement);
      this.#open = { sqlite: new Set(), wroteDuckDB: false, bridged: false };
      return { kind: "message", message: "transaction started" };
    }
    const open = this.#open;
    if (open === null) throw new NoctraError(`${verb.toUpperCase()}: no transaction is open`);
    this.#open = null;
    if (open.bridged) this.#bridge.dropCache();
    const failures: string[] = [];
    for (const source of open.sqlite) {
      try {
        source.exec(verb === "commit" ? "COMMIT" : "ROLLBACK");
        source.noteWrite();
        await this.#bridge.refreshShadow(source);
      } catch (error) {
        failures.push(error instanceof Error ? error.message : String(error));
      }
    }
    await this.#duckdb.run(verb === "commit" ? "COMMIT" : "ROLLBACK");
    if (failures.length > 0) throw new NoctraError(`${verb.toUpperCase()}: ${failures.join("; ")}`);
    return { kind: "message", message: verb === "commit" ? "committed" : "rolled back" };
  }

  /** True while the open transaction has written to the SQLite attachment `source`. */
  wrote(source: SQLiteSource): boolean {
    return this.#open?.sqlite.has(source) ?? false;
  }

  /**
   * Enrols a SQLite write in the open transaction (BEGIN on that database). DuckDB and SQLite —
   * and two SQLite files, each on its own connection — commit separately, so one transaction
   * may write to one engine only: a write that would make it span a second one is refused
   * before anything is written. Outside a transaction it does nothing. Throws
   * {@link NoctraError}.
   */
  joinSqlite(source: SQLiteSource): void {
    const open = this.#open;
    if (open === null || open.sqlite.has(source)) return;
    const other = open.wroteDuckDB
      ? "DuckDB"
      : open.sqlite.size > 0
      ? `SQLite database ${[...open.sqlite][0]!.alias}`
      : undefined;
    if (other !== undefined) {
      throw spanningTransaction(`SQLite database ${source.alias}`, other);
    }
    source.exec("BEGIN");
    open.sqlite.add(source);
  }

  /**
   * Inside a transaction, notes a statement DuckDB will run that may write (anything but a
   * query, SET, PRAGMA, CALL or EXPLAIN, by DuckDB's own statement type), and refuses it when
   * the transaction already wrote to SQLite or copied SQLite tables into DuckDB (DuckDB allows
   * writes to one database per transaction, and the bridge writes its copies). Outside a
   * transaction it does nothing. Throws {@link NoctraError}.
   */
  async claimDuckDBWrite(sql: string): Promise<void> {
    const open = this.#open;
    if (open === null || open.wroteDuckDB) return;
    let types: StatementType[];
    try {
      types = await this.#duckdb.statementTypes(sql);
    } catch {
      return; // DuckDB reports the error itself when the statement runs.
    }
    if (types.every((type) => DUCKDB_READ_STATEMENTS.has(type))) return;
    if (open.sqlite.size > 0) {
      throw spanningTransaction("DuckDB", `SQLite database ${[...open.sqlite][0]!.alias}`);
    }
    if (open.bridged) {
      throw new NoctraError(
        "this statement writes to DuckDB, but earlier in this transaction a query read SQLite tables, which Noctra copies into DuckDB to join them; DuckDB allows writes to one database per transaction, so it would fail. Nothing was written: COMMIT or ROLLBACK first, or make DuckDB writes before reading SQLite tables in a transaction",
      );
    }
    open.wroteDuckDB = true;
  }

  /**
   * Inside a transaction, notes that SQLite tables are about to be copied into DuckDB for a
   * query (the bridge writes them into DuckDB); refused once the transaction wrote to DuckDB,
   * where DuckDB would reject the copy. Throws {@link NoctraError}.
   */
  claimBridge(tables: readonly { source: SQLiteSource; table: string }[]): void {
    const open = this.#open;
    if (open === null) return;
    if (open.wroteDuckDB) {
      const names = tables.map(({ source, table }) => `${source.alias}.${table}`).join(", ");
      throw new NoctraError(
        `this query reads SQLite table ${names}, which Noctra copies into DuckDB to run it, and DuckDB allows writes to one database per transaction — this one already wrote to DuckDB. Run the query before the transaction's first DuckDB write, or after COMMIT`,
      );
    }
    open.bridged = true;
  }
}

/** The refusal of a write that would make a transaction span two engines. */
function spanningTransaction(writing: string, written: string): NoctraError {
  return new NoctraError(
    `this statement writes to ${writing}, but the open transaction has already written to ${written}; they commit separately, so one transaction cannot span both and nothing was written by this statement. COMMIT (or ROLLBACK) first, then run it in a transaction of its own`,
  );
}
