/**
 * `ReaderOption`, one `key = value` of an OPTIONS list, in a module of its own: the USE and
 * EXPORT parsers write it, and the file readers (`src/engine/file_readers.ts`), the file views
 * and the export read it — a leaf that all of them import without importing each other.
 *
 * @module
 */

/**
 * One `key = value` of an OPTIONS list.
 *
 * For `USE`, `key` is a plain identifier (`[A-Za-z_][A-Za-z0-9_]*`) and `valueSql` is not the
 * user's text: the parser reads the value as a typed `OptionValue` (string, number, boolean,
 * list or struct of those, or a `#variable`'s value) and `valueSql` is that value written by
 * `renderOptionValue` (`'it''s'`, `true`, `['a', 'b']`, `{'a': 'INTEGER'}`), which `readerCall`
 * parses again before writing SQL. For `EXPORT`, `key` is also a plain identifier and
 * `valueSql` is the value's source text (a balanced expression such as `("Species")`), which
 * the export checks.
 */
export interface ReaderOption {
  /** The option name as written (a plain identifier). */
  readonly key: string;
  /** The value as SQL text (canonical literal for USE; source text for EXPORT). */
  readonly valueSql: string;
}
