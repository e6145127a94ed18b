/**
 * Noctra's version, in a module of its own so that `--version` answers without loading the
 * engine.
 *
 * @module
 */

/** Noctra's version. */
export const VERSION = "0.1.0";
