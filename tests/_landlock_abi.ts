/** Prints `landlockAbi()`: tests/landlock_test.ts runs it without `--allow-ffi` (expects 0). */
import { landlockAbi } from "../src/sandbox/landlock.ts";
console.log(landlockAbi());
